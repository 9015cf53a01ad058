#!/usr/bin/env bash
# One device call that says whether the one-launch window attention kernel (qs_attention_windows_p*, off
# by default; -Dquicksilver.cuda.windowAttention=true turns it on) should become the cuda backend's default:
#   1. the gpu-tagged tests, which run every parity test with the kernel off and on and check it against
#      the GEMM path at the head shapes of real checkpoints (run-on-device.sh, ONLY_TESTS=1);
#   2. bench sidecar's batching part on a random model of Dream-7B's block (bench-large-on-device.sh):
#      kernel off, then on, on the same warm machine;
#   3. bench engine and bench sidecar on the carried model (bench-on-device.sh): off, then on.
# Needs .carry/gpu from `MODEL_DIR=models/quicksilver-coder-mini scripts/gpu/prepare-carry.sh` (models
# untracked for the call). About 3 minutes of work on an H200 (estimated from its parts), plus the start:
# run it with timeout_s 420.
# $OUT comes back with at most 8 files, so it keeps summary.txt (every stage's table, the side-by-side
# lines last), the tests' XML report and results.tar.xz (every JSON result and log); unpack that here with
# `tar -xf results.tar.xz`.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
source "$root/scripts/gpu/device-env.sh"
skip_without_gpu
dream7b='{"hidden_size": 3584, "num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4, "intermediate_size": 18944}'

ONLY_TESTS=1 OUT="$out" bash scripts/gpu/run-on-device.sh
tests_rc=$?
for on in false true; do
  TAG="window-$on" QS_JAVA_OPTS="-Dquicksilver.cuda.windowAttention=$on" SHAPE="$dream7b" OUT="$out" \
    bash scripts/gpu/bench-large-on-device.sh
done
for on in false true; do
  TAG="window-$on" QS_JAVA_OPTS="-Dquicksilver.cuda.windowAttention=$on" OUT="$out" \
    bash scripts/gpu/bench-on-device.sh
done

{
  echo
  echo "== window attention off / on, side by side (gpu tests rc=$tests_rc)"
  python3 - "$out" <<'PY'
import json, os, re, statistics, sys
o = sys.argv[1]
def load(name):
    try:
        return json.load(open(os.path.join(o, name)))
    except Exception as e:
        return {"error": str(e)}
def steps(name):
    by = {}
    try:
        for line in open(os.path.join(o, name), errors="replace"):
            m = re.search(r"step: (\d+) canvases, (\d+) rows, forward ([\d.]+) ms", line)
            if m:
                by.setdefault(int(m[1]), []).append(float(m[3]))
    except OSError:
        pass
    return {k: statistics.median(v) for k, v in by.items()}
for label, prefix in (("Dream-7B block", "sidecar-large-window-"), ("carried model", "sidecar-window-")):
    off, on = load(prefix + "false.json"), load(prefix + "true.json")
    print(f"  {label}: batchingSpeedup16 {off.get('batchingSpeedup16')} -> {on.get('batchingSpeedup16')}")
    for level_off, level_on in zip(off.get("batching", []), on.get("batching", [])):
        print(f"    concurrency {level_off['concurrency']:2d}: one at a time {level_off['sequentialTokensPerSecond']:8.1f} -> "
              f"{level_on['sequentialTokensPerSecond']:8.1f} tok/s, together {level_off['concurrentTokensPerSecond']:8.1f} -> "
              f"{level_on['concurrentTokensPerSecond']:8.1f} tok/s")
    s_off, s_on = steps(prefix + "false.log"), steps(prefix + "true.log")
    for canvases in sorted(set(s_off) | set(s_on)):
        print(f"    a step of {canvases:2d} canvases: median forward {s_off.get(canvases, float('nan')):7.2f} -> "
              f"{s_on.get(canvases, float('nan')):7.2f} ms")
e_off, e_on = load("engine-window-false.json"), load("engine-window-true.json")
print(f"  carried model, bench engine: diffusionVsArSpeedup {e_off.get('diffusionVsArSpeedup')} -> {e_on.get('diffusionVsArSpeedup')}")
for mode in ("diffusion", "ar"):
    a, b = e_off.get(mode, {}), e_on.get(mode, {})
    print(f"    {mode:9s}: {a.get('tokensPerSecond')} -> {b.get('tokensPerSecond')} tok/s, "
          f"{a.get('msPerForward')} -> {b.get('msPerForward')} ms per forward")
PY
} | tee -a "$out/summary.txt"

# At most 8 files come back: every result and log in one archive.
(cd "$out" && ls *.json *.log gpu.txt 2>/dev/null | grep -v '^TEST-' > .results \
  && tar -cJf results.tar.xz -T .results && xargs rm -f < .results; rm -f .results)
ls "$out"
[[ $tests_rc == 0 ]]
