#!/usr/bin/env bash
# Trains the embedded diffusion model and its AR twin side by side on one GPU (same shape, data, batch
# and wall time each), then packs both model directories into $OUT.
#
#   [INIT=1] [INIT_DIR=models] [BATCH=256] [OBJECTIVES="diffusion ar"] [DIFFUSION_ARGS=...] [SHAPE=JSON] \
#     training/gpu_train.sh SECONDS_PER_MODEL
#
# SHAPE overrides the model shape for both runs (train.py --shape), e.g. a deeper model:
#   SHAPE='{"num_hidden_layers": 11}'   # 18.8M parameters, 37 MB in bf16 (8 layers: 14.6M, 29 MB)
#
# With INIT=1 the runs continue from the weights in $INIT_DIR (fresh optimizer, peak lr $LR, default
# 1e-3). DIFFUSION_ARGS go to the diffusion run only; the default ends the run with a certainty-forcing
# phase (the last 20% of the steps), so one run from scratch gives what the committed model got in two
# (and both models keep the same wall time).
# Expects (carried from the workstation, see training/README.md): .carry/train.txt.xz,
# .carry/heldout.txt[.xz] and training/work/tokenizer.json... or the same paths passed in CORPUS_DIR /
# TOKENIZER. Writes $OUT/models.tar.part-* (join with cat), $OUT/train-*.log and $OUT/gpu.txt.
set -euo pipefail
budget=${1:-360}
export PYTHONUNBUFFERED=1
corpus=${CORPUS_DIR:-.carry}
tokenizer=${TOKENIZER:-training/tokenizer/tokenizer.json}
out=${OUT:-training/work/gpu-out}
work=/tmp/qs-train
mkdir -p "$out" "$work/models"
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; nproc; date -u; } | tee "$out/gpu.txt"
hardware="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1), $(date -u +%Y-%m-%d)"

python3 training/prepare_tokens.py --text "$corpus/train.txt.xz" --tokenizer "$tokenizer" --out "$work/train.npy"
heldout="$corpus/heldout.txt"; [ -f "$corpus/heldout.txt.xz" ] && heldout="$corpus/heldout.txt.xz"
python3 training/prepare_tokens.py --text "$heldout" --tokenizer "$tokenizer" --out "$work/heldout.npy"

for objective in ${OBJECTIVES:-diffusion ar}; do
  extra=""; [ "$objective" = diffusion ] && extra="${DIFFUSION_ARGS---certainty 1.0 --certainty-last 0.2}"
  name=quicksilver-coder-mini; [ "$objective" = ar ] && name=quicksilver-coder-mini-ar
  python3 training/train.py --objective "$objective" --tokens "$work/train.npy" --heldout-tokens "$work/heldout.npy" \
    --tokenizer "$tokenizer" --out "$work/models/$name" --work "$work/ckpt" --time-budget "$budget" \
    --batch "${BATCH:-256}" --seq 512 --threads 4 --export-every 2000 --hardware "$hardware" ${SHAPE:+--shape "$SHAPE"} ${INIT:+--init-from ${INIT_DIR:-models}/$name --lr ${LR:-1e-3} --warmup 50} $extra \
    > "$out/train-$objective.log" 2>&1 &
done
fail=0
for job in $(jobs -p); do wait "$job" || fail=1; done
tail -n 5 "$out"/train-*.log
(cd "$work/models" && tar -cf - .) | split -b 15M - "$out/models.tar.part-"
ls -la "$out"
exit $fail
