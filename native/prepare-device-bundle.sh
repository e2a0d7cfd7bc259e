#!/usr/bin/env bash
# Builds native/device-bundle.tar.gz (git-ignored) for native/run-on-device.sh: a jlinked Java runtime, Geodesic's
# jar with the -Pcuda JNI natives, OpenBLAS, the test classes and the JUnit console launcher. The GPU machine has no
# JDK and no registry, and the device tool carries at most 64 MiB of ignored files, so this prints the size.
# Usage: native/prepare-device-bundle.sh      (JDK overrides the JDK to jlink from)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jdk=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
junit_platform=1.14.4
out="$root/native/device-bundle.tar.gz"

cd "$root"
./mvnw -q -B -Pcuda package -DskipTests
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# java.management, jdk.management: bench's GC and CPU-time accounting; java.xml, jdk.zipfs: the launcher's reports and package scan; jdk.unsupported: JavaCPP.
"$jdk/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,java.management,jdk.management,java.xml,jdk.zipfs,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --output "$stage/jre" 2>/dev/null
strip --strip-unneeded "$stage/jre/lib/server/libjvm.so"

mkdir -p "$stage/lib"
cp target/geodesic.jar "$stage/lib/"
cp target/lib/cuda-*.jar target/lib/javacpp-*.jar target/lib/openblas-*.jar "$stage/lib/"
"$jdk/bin/jar" cf "$stage/lib/geodesic-tests.jar" -C target/test-classes .
./mvnw -q -B dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_platform" \
  -DoutputDirectory="$stage/launcher"

tar -C "$stage" -cJf "$out" .
echo "prepare-device-bundle: $out $(du -m "$out" | cut -f1) MiB (limit 64 MiB); contents $(du -sm "$stage" | cut -f1) MiB unpacked"
