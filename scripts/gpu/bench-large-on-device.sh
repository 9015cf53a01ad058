#!/usr/bin/env bash
# `bench sidecar`'s batching part on the lent GPU with a model of a realistic size: a random-weight model
# written on the device by make_random_model.py (default: Qwen2.5-Coder-1.5B's block, 1.32B parameters,
# 2.6 GB bf16), where one forward is bound by reading the weights, as with any real code model, rather
# than by kernel launches, as with the 37 MB embedded model. Random weights: only the timings mean
# anything (EOS is ignored and every step commits its one forced token, in both modes alike).
# Needs .carry/gpu from scripts/gpu/prepare-carry.sh (the carried model lends its tokenizer and config).
#   [SHAPE=JSON] [TOKENS=32] [QS_JAVA_OPTS=...] [TAG=name] scripts/gpu/bench-large-on-device.sh
# QS_JAVA_OPTS adds JVM options, e.g. -Dquicksilver.cuda.graphs=false for a side-by-side run.
# Writes sidecar-large.json, sidecar-large.log (the scheduler's step log) and summary.txt under $OUT;
# TAG names a run's files (sidecar-large-TAG.json, ...) so that several runs of one call keep theirs.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

source "$root/scripts/gpu/device-env.sh"
skip_without_gpu
unpack_carry "$out" || exit 2
large="$work/random-model-$(printf %s "${SHAPE:-default}" | md5sum | cut -c1-8)"   # one per shape, kept while warm
if [[ ! -f "$large/model.safetensors" ]]; then
  python3 scripts/gpu/make_random_model.py --out "$large" --like "$work/model" ${SHAPE:+--shape "$SHAPE"} \
    | tee -a "$out/summary.txt" || exit 2
fi

echo "== bench sidecar, batching only, on $(basename "$large")"
start=$SECONDS
result="sidecar-large${TAG:+-$TAG}"
timeout 400 "$java" "${model_flags[@]}" -Dorg.slf4j.simpleLogger.log.dev.quicksilver.server.Scheduler=trace \
  -jar "$app/gpu-sidecar.jar" bench sidecar --model "$large" --eval-cases 0 --keystrokes 0 --tokens "${TOKENS:-32}" \
  --json > "$out/$result.json" 2> "$out/$result.log"
rc=$?
{
  echo "== summary ${TAG:-} ${QS_JAVA_OPTS:-} (card: $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)): rc=$rc, $((SECONDS - start))s"
  python3 - "$out" "$result" <<'PY'
import json, os, re, statistics, sys
o, result = sys.argv[1], sys.argv[2]
try:
    d = json.load(open(os.path.join(o, result + ".json")))
    print(f"  backend {d.get('backend')}, batchingSpeedup16 {d.get('batchingSpeedup16')}")
    for level in d.get("batching", []):
        print(f"  concurrency {level['concurrency']:2d}: one at a time {level['sequentialTokensPerSecond']:8.1f} tok/s, "
              f"together {level['concurrentTokensPerSecond']:8.1f} tok/s, speedup {level['speedup']} {level.get('speedupRuns')}")
except Exception as e:
    print(f"  {result}.json: no result ({e})")
steps = {}
for line in open(os.path.join(o, result + ".log"), errors="replace"):
    m = re.search(r"step: (\d+) canvases, (\d+) rows, forward ([\d.]+) ms", line)
    if m:
        steps.setdefault(int(m[1]), []).append(float(m[3]))
if steps:
    print("  scheduler steps (canvases: count, median forward ms):")
    for canvases in sorted(steps):
        print(f"    {canvases:3d}: {len(steps[canvases]):5d}  {statistics.median(steps[canvases]):8.2f}")
PY
} | tee -a "$out/summary.txt"
exit $rc
