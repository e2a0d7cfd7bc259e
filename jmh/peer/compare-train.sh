#!/usr/bin/env bash
# Runs `bin/geodesic bench train` and the PyTorch peer (torch_train_bench.py) back to back for the reference CNN
# and the MLP at 1 and 2 threads, then prints one ratio line each:
#   compare model=cnn threads=1 geodesic_images_per_s=... pytorch_images_per_s=... ratio=...
# Needs python3-torch for the peer (apt-get install -y python3-torch).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
for model in cnn mlp; do
  for threads in 1 2; do
    g=$("$root/bin/geodesic" bench train --model "$model" --threads "$threads" "$@" 2>/dev/null)
    t=$(/usr/bin/python3 "$root/jmh/peer/torch_train_bench.py" --model "$model" --threads "$threads" 2>/dev/null)
    echo "$g"
    echo "$t"
    gi=$(sed -n 's/.*images_per_s=\([0-9.]*\).*/\1/p' <<<"$g")
    ti=$(sed -n 's/.*images_per_s=\([0-9.]*\).*/\1/p' <<<"$t")
    awk -v m="$model" -v th="$threads" -v g="$gi" -v t="$ti" \
      'BEGIN { printf "compare model=%s threads=%s geodesic_images_per_s=%s pytorch_images_per_s=%s ratio=%.2f\n", m, th, g, t, g / t }'
  done
done
