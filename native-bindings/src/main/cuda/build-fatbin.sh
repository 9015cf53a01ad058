#!/usr/bin/env bash
# Rebuilds the committed kernels.fatbin from kernels.cu when nvcc is present and the source is newer.
# Without nvcc the committed fatbin is used as is (machines without the CUDA toolkit still build).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/kernels.cu"
out="$here/../resources/dev/quicksilver/cuda/nat/kernels.fatbin"
nvcc_bin="${NVCC:-$(command -v nvcc || true)}"
if [[ -z "$nvcc_bin" ]]; then
  echo "kernels: nvcc not found, using the committed $(basename "$out")"
  exit 0
fi
if [[ -f "$out" && "$out" -nt "$src" && "${FORCE_FATBIN:-0}" != 1 ]]; then
  echo "kernels: $(basename "$out") is up to date"
  exit 0
fi
mkdir -p "$(dirname "$out")"
tmp="$out.tmp"
"$nvcc_bin" -fatbin -O3 -std=c++17 \
  -gencode arch=compute_80,code=sm_80 \
  -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -o "$tmp" "$src"
mv "$tmp" "$out"
echo "kernels: built $(basename "$out") with $("$nvcc_bin" --version | tail -1)"
