#!/usr/bin/env bash
# Self-distillation with certainty forcing (dParallel, Chen et al. 2025) of a trained diffusion model, on a
# CPU: the model writes its own infills for prompts cut from the training split (the engine, one token per
# step), then trains on them with the entropy term, so threshold decoding needs fewer forwards for what
# it writes anyway. Steps:
#   1. prompts: training/eval/make_cases.py on the training split (short contexts: a cheaper step)
#   2. teacher: ./quicksilver eval --outputs, holes of the middle's length
#   3. corpus rows: a tokenized slice of the training split (used with FRACTION < 1; the held-out split
#      gives the logged held-out loss)
#   4. training/train.py --init-from MODEL --teacher ... for BUDGET seconds of wall time
#
#   [MODEL=models/quicksilver-coder-mini] [OUT=training/work/distilled] [BUDGET=1800 (seconds)] [PROMPTS=5000]
#   [FRACTION=1.0] [CERTAINTY=1.0] [LR=5e-5] [BATCH=16] [THREADS=$(nproc)] [SEED=7 (prompts)]
#   [TEACHER_OPTS="--end-penalty 3" (more eval options for the teacher's decoding)]
#   [MAX_REPEAT=0.15 (drop teacher infills that repeat more than this share of their token pairs)] training/distill.sh
#
# Then: training/eval/compare.sh --diffusion $OUT, and copy $OUT over the model directory if it is better.
# Needs training/work/corpus/train.txt (training/README.md, steps 1-2), Debian's python3-torch
# (/usr/bin/python3) and the built jars (./quicksilver build).
set -euo pipefail
cd "$(dirname "$0")/.."
model=${MODEL:-models/quicksilver-coder-mini}
out=${OUT:-training/work/distilled}
work=training/work/distill
prompts=${PROMPTS:-5000}
python=${PYTHON:-/usr/bin/python3}
corpus=training/work/corpus/train.txt
[ -f "$corpus" ] || { echo "distill.sh: $corpus is missing: build the corpus first (training/README.md, steps 1-2)" >&2; exit 2; }
[ -f "$model/config.json" ] || { echo "distill.sh: $model is not a model directory (no config.json): set MODEL" >&2; exit 2; }
mkdir -p "$work"

echo "== 1. $prompts prompts from the training split"
"$python" training/eval/make_cases.py --heldout "$corpus" --id-prefix train --prefix-chars 600 --suffix-chars 250 \
  --seed "${SEED:-7}" --count "$prompts" --out "$work/prompts.jsonl"

echo "== 2. the model's own infills, one token per step"
./quicksilver eval --model "$model" --cases "$work/prompts.jsonl" --length oracle --sampler low_confidence \
  --steps 32 --block 32 ${TEACHER_OPTS:-} --outputs "$work/teacher.jsonl" | tail -n 1

echo "== 3. corpus rows: the first 40 MB of the training split, tokenized"
head -c 40000000 "$corpus" > "$work/train-slice.txt"
"$python" training/prepare_tokens.py --text "$work/train-slice.txt" --tokenizer training/tokenizer/tokenizer.json \
  --out "$work/train-slice.npy"
"$python" training/prepare_tokens.py --text training/work/corpus/heldout.txt \
  --tokenizer training/tokenizer/tokenizer.json --out "$work/heldout.npy"

budget=${BUDGET:-1800}
echo "== 4. training for $budget s"
"$python" training/train.py --objective diffusion --init-from "$model" --out "$out" --work "$work/run" \
  --tokens "$work/train-slice.npy" --heldout-tokens "$work/heldout.npy" \
  --tokenizer training/tokenizer/tokenizer.json --time-budget "$budget" --batch "${BATCH:-16}" \
  --threads "${THREADS:-$(nproc)}" --lr "${LR:-5e-5}" --warmup 10 --certainty "${CERTAINTY:-1.0}" \
  --teacher "$work/teacher.jsonl" --teacher-fraction "${FRACTION:-1.0}" \
  ${MAX_REPEAT:+--teacher-max-repeat "$MAX_REPEAT"} --hardware "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "distilled model in $out: compare it with training/eval/compare.sh --diffusion $out"
