#!/usr/bin/env bash
# The engine and sidecar benchmarks on the lent GPU, on the cuda backend, with a trained model: the device
# numbers of `bench engine` (diffusion vs AR, the cache modes) and `bench sidecar` (batching at 1, 4 and
# 16 concurrent requests, the typing simulation).
# Needs .carry/gpu from scripts/gpu/prepare-carry.sh (name `.carry/gpu` in the device call's carry) and a
# model: .carry/gpu/model.tar.xz (MODEL_DIR=... when preparing), or MODEL=DIR on the device. ALSO_TESTS=1
# then runs the gpu-tagged tests in the same call (run-on-device.sh with ONLY_TESTS=1: one call instead of
# two after a training run). Writes logs and JSON under $OUT (or ./gpu-out) and a short summary last.
#   [MODEL=DIR] [ALSO_TESTS=1] [QS_FORCE_RUN=1] [QS_JAVA_OPTS=...] [TAG=name] scripts/gpu/bench-on-device.sh
# QS_JAVA_OPTS adds JVM options, e.g. -Dquicksilver.cuda.graphs=false for a side-by-side run; TAG names
# a run's files (engine-TAG.json, ...) so that several runs of one call keep theirs.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

source "$root/scripts/gpu/device-env.sh"
skip_without_gpu
unpack_carry "$out" || exit 2
if [[ ! -f "$model/config.json" ]]; then
  echo "bench-on-device: no model at $model; set MODEL=DIR or prepare with MODEL_DIR=... (see prepare-carry.sh)" | tee -a "$out/summary.txt"
  exit 2
fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 | tee "$out/gpu.txt"

engine="engine${TAG:+-$TAG}"
sidecar="sidecar${TAG:+-$TAG}"
echo "== 1. bench engine (backend auto: cuda where a device answers)"
start=$SECONDS
# The cuda model's forward log (rows, host planning ms, device ms, replay/capture/eager) goes to engine.log.
timeout 300 "$java" "${model_flags[@]}" -Dorg.slf4j.simpleLogger.log.dev.quicksilver.cuda.CudaDecoderModel=trace \
  -jar "$app/gpu-sidecar.jar" bench engine --model "$model" --python "$(command -v python3)" --json \
  > "$out/$engine.json" 2> "$out/$engine.log"
engine_rc=$?
engine_s=$((SECONDS - start))

echo "== 2. bench sidecar"
start=$SECONDS
# The scheduler's step log (canvases, rows, forward ms per step) goes to sidecar.log: where the time goes.
timeout 300 "$java" "${model_flags[@]}" -Dorg.slf4j.simpleLogger.log.dev.quicksilver.server.Scheduler=trace \
  -jar "$app/gpu-sidecar.jar" bench sidecar --model "$model" --eval-cases 0 --json \
  > "$out/$sidecar.json" 2> "$out/$sidecar.log"
sidecar_rc=$?
sidecar_s=$((SECONDS - start))

{
  echo
  echo "== summary ${TAG:-} ${QS_JAVA_OPTS:-} (card: $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1))"
  printf '%-16s rc=%-4s %4ss\n' "bench engine" "$engine_rc" "$engine_s" "bench sidecar" "$sidecar_rc" "$sidecar_s"
  python3 - "$out" "$engine" "$sidecar" <<'PY'
import json, os, sys
o, engine, sidecar = sys.argv[1:4]
for name, keys in ((engine + ".json", ("backend", "diffusionVsArSpeedup", "cpuVsTorchSpeedup")),
                   (sidecar + ".json", ("backend", "batchingSpeedup16"))):
    try:
        d = json.load(open(os.path.join(o, name)))
        print("  " + name + ": " + ", ".join(f"{k} {d.get(k)}" for k in keys))
    except Exception as e:
        print(f"  {name}: no result ({e})")
# Where a cuda forward's time goes, from the engine's trace: median host planning, device and issuing ms
# (the host's share of the device part: launches, or capture and instantiation) by rows.
import re, statistics
groups = {}
for line in open(os.path.join(o, engine + ".log"), errors="replace"):
    m = re.search(r"forward: (\d+) requests, (\d+) rows, \d+ picked, (\w+): plan ([\d.]+) ms, device ([\d.]+) ms \((\w+)\)(?:, issuing ([\d.]+) ms)?", line)
    if m:
        groups.setdefault((int(m[2]), m[3], m[6]), []).append((float(m[4]), float(m[5]), float(m[7] or "nan")))
if groups:
    print("  cuda forwards (rows, attention, how: count, median plan ms, median device ms, median issuing ms):")
    for (rows, kind, how), v in sorted(groups.items(), key=lambda kv: -len(kv[1]))[:14]:
        print(f"    {rows:5d} {kind:13s} {how:8s} {len(v):5d}  {statistics.median(x[0] for x in v):7.3f}  "
              f"{statistics.median(x[1] for x in v):7.3f}  {statistics.median(x[2] for x in v):7.3f}")
PY
} | tee -a "$out/summary.txt"
tests_rc=0
if [[ "${ALSO_TESTS:-0}" == 1 ]]; then
  echo "== 3. the gpu-tagged tests (run-on-device.sh, ONLY_TESTS=1)"
  OUT="$out" WORK="$work" ONLY_TESTS=1 bash "$root/scripts/gpu/run-on-device.sh"
  tests_rc=$?
fi
[[ $engine_rc == 0 && $sidecar_rc == 0 && $tests_rc == 0 ]]
