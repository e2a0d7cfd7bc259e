#!/usr/bin/env bash
# One call on the lent GPU machine (no JDK, no registry): unpacks native/device-bundle.tar.gz (built here by
# native/prepare-device-bundle.sh and carried), reports the GPU, runs the CUDA tests with the JUnit console launcher,
# then times the reference CNN's training steps on the CPU and on the GPU and a 3137x3137 eigendecomposition with
# LAPACK and cuSOLVER. Without a usable CUDA device the tests skip, it says why in one line, and exits 0.
# Usage: native/run-on-device.sh          (run from anywhere; output is key=value lines under == headers)
#        REHEARSE=1 native/run-on-device.sh   runs the timings too where there is no GPU, tiny, on the CPU fallback
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bundle="$root/native/device-bundle.tar.gz"
if [ ! -f "$bundle" ]; then
  echo "run-on-device: $bundle is missing: run native/prepare-device-bundle.sh and carry it" >&2
  exit 1
fi
work=${TMPDIR:-/tmp}/geodesic-device
rm -rf "$work" && mkdir -p "$work" && tar -C "$work" -xJf "$bundle" || exit 1
java="$work/jre/bin/java"
for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
  [ -d "$d" ] && export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xss4m -Xmx16g
  "-Dorg.bytedeco.javacpp.cachedir=$work/javacpp-cache" '-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n')
# Spelled out: the launcher's --class-path does not expand a '*' the way java -cp does.
classpath=$(ls "$work"/lib/*.jar | tr '\n' ':')
cd "$root"
# Each command is capped so that one hang still leaves the rest of the device call's output.
geodesic() {
  timeout 240 "$java" "${flags[@]}" -cp "$classpath" geodesic.cli.Main "$@" 2>&1 | grep -v '^WARNING: Using incubator'
}

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "nvidia-smi: not found"
echo "cpus=$(nproc)"
info=$(geodesic info --size 256)
echo "$info" | grep -E '^(java_version|kernels|openblas_core|eigensolver|cuda|gemm_check)'
cuda=$(echo "$info" | grep '^cuda=' || echo "cuda=unknown (info failed)")

echo "== CUDA tests (skipped with the reason where there is no GPU)"
# XML reports go to the device tool's $OUT (they come back with the call), else next to the bundle.
timeout 240 "$java" "${flags[@]}" -jar "$work"/launcher/junit-platform-console-standalone-*.jar execute \
  --class-path "$classpath" --select-package geodesic.cuda \
  --select-class geodesic.kernel.CpuDeviceTest --select-class geodesic.nn.DeviceModelTest \
  --reports-dir "${OUT:-$work}/junit-reports" \
  --details=summary --disable-banner --disable-ansi-colors 2>&1 | grep -v '^WARNING: Using incubator' | tail -60

scale=1 size=3137 fallback=()
if [[ $cuda != cuda=available* ]]; then
  echo "run-on-device: no CUDA device ($cuda); skipping the GPU timings"
  [ "${REHEARSE:-0}" = 1 ] || exit 0
  echo "run-on-device: REHEARSE=1: tiny timings on the CPU fallback"
  scale=10 size=300 fallback=(--device-fallback)
fi

echo "== reference CNN training steps, batch 128: CPU (host layers, all cores) vs GPU (device model)"
geodesic bench train --model cnn --batch 128 --steps $((40 / scale)) --warmup $((10 / scale)) --optimizer momentum
geodesic bench train --model cnn --batch 128 --steps $((40 / scale)) --warmup $((10 / scale)) --device cpu --optimizer momentum
geodesic bench train --model cnn --batch 128 --steps $((300 / scale)) --warmup $((30 / scale)) --device cuda --optimizer momentum "${fallback[@]}"
geodesic bench train --model cnn --batch 1024 --steps $((100 / scale)) --warmup $((10 / scale)) --device cuda --optimizer momentum "${fallback[@]}"
echo "== eigendecomposition of a ${size}x${size} SPD matrix (3137: the reference CNN's largest Kronecker factor)"
geodesic bench eigen --size "$size" --repeats 2 --device cuda "${fallback[@]}"
if [ ${#fallback[@]} -eq 0 ]; then
  echo "== train --device cuda: 2 epochs of the reference CNN on the embedded Fashion-MNIST subset"
  geodesic train --device cuda --data embedded --epochs 2 --quiet
fi
echo "run-on-device: done"
