#!/usr/bin/env bash
# Regenerates the committed PTX of Geodesic's CUDA kernels from native/*.cu with nvcc (no GPU needed).
# Usage: native/build-ptx.sh [output-dir]   (default: src/main/resources/geodesic/cuda)
# NVCC overrides the compiler (default: nvcc on PATH, else /usr/local/cuda/bin/nvcc).
# The PTX targets compute_80 (A100 and newer: H100/H200 JIT it at load); -lineinfo keeps it diff-friendly.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-"$root/src/main/resources/geodesic/cuda"}
nvcc=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
if [ ! -x "$nvcc" ]; then
  echo "build-ptx: nvcc not found (set NVCC or install the CUDA toolkit)" >&2
  exit 1
fi
mkdir -p "$out"
for cu in "$root"/native/*.cu; do
  name=$(basename "$cu" .cu)
  "$nvcc" --ptx -arch=compute_80 -O3 -std=c++17 -o "$out/$name.ptx" "$cu"
  echo "build-ptx: $out/$name.ptx"
done
