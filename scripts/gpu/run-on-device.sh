#!/usr/bin/env bash
# The one GPU check of the cuda backend, for the lent device machine (no JDK, no Maven there).
# Needs .carry/gpu from scripts/gpu/prepare-carry.sh (name `.carry/gpu` in the device call's carry).
#   1. the gpu-tagged tests (parity with the reference backend, graphs, device cache, the window attention
#      kernel against both the reference and the GEMM path, device KV/context store entries) with the
#      JUnit console launcher on the carried jlink runtime;
#   2. the benchmark: Dream-7B-shaped model, random bf16 weights made on the device, dual-cache step at
#      batch 1 against the weight-read roofline (bandwidth measured on the same card);
#   3. the same model in PyTorch eager with the device's python3, for the side-by-side ratio.
# Writes logs and JSON under $OUT (or ./gpu-out when OUT is unset) and prints a short table last (appended
# to $OUT/summary.txt, which bench-on-device.sh with ALSO_TESTS=1 shares).
# ONLY_TESTS=1 runs stage 1 alone (about 2 minutes).
# Total well under 8 minutes on an H100; each stage has its own timeout.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m -Xmx8g)

source "$root/scripts/gpu/device-env.sh"
skip_without_gpu
unpack_carry "$out" || exit 2
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm,clocks.mem --format=csv 2>&1 | tee "$out/gpu.txt"

cp_main="$app/gpu-sidecar.jar:$(ls "$app"/lib/*.jar | tr '\n' ':')"

echo "== 1. gpu-tagged tests"
start=$SECONDS
timeout 240 "$java" "${flags[@]}" -jar "$app/junit-platform-console-standalone.jar" execute \
  --class-path "$app/test:$cp_main" \
  --include-tag gpu --select-class dev.quicksilver.cuda.CudaParityTest \
  --select-class dev.quicksilver.cuda.CudaWindowAttentionParityTest --select-class dev.quicksilver.cuda.DeviceKvStoreTest \
  --details=tree --disable-banner --reports-dir "$out/junit" 2>&1 | tee "$out/tests.log"
tests_rc=${PIPESTATUS[0]}
tests_s=$((SECONDS - start))
# reports-dir is two folders down at most for $OUT to bring it back
[[ -d "$out/junit" ]] && cp "$out/junit/TEST-junit-jupiter.xml" "$out/" 2>/dev/null; rm -rf "$out/junit"   # $OUT brings back 8 files at most

if [[ "${ONLY_TESTS:-0}" == 1 ]]; then   # the tests alone, when device time is short
  { echo "== gpu tests: rc=$tests_rc, ${tests_s}s"; grep -E "tests (successful|failed|skipped)" "$out/tests.log"; } | tee -a "$out/summary.txt"
  exit "$tests_rc"
fi

echo "== 2. cuda benchmark"
start=$SECONDS
timeout 200 "$java" "${flags[@]}" -cp "$cp_main" dev.quicksilver.cuda.CudaBench --canvas 512 --block 32 --iters 30 \
  --out "$out/cuda-bench.json" 2>&1 | tee "$out/cuda-bench.log"
bench_rc=${PIPESTATUS[0]}
bench_s=$((SECONDS - start))

echo "== 3. PyTorch eager baseline"
start=$SECONDS
PYTHONUNBUFFERED=1 timeout 150 python3 scripts/gpu/torch_eager_bench.py --canvas 512 --block 32 --iters 30 \
  --out "$out/torch-bench.json" 2>&1 | tee "$out/torch-bench.log"
torch_rc=${PIPESTATUS[0]}
torch_s=$((SECONDS - start))

{
  echo
  echo "== summary (card: $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1))"
  printf '%-24s rc=%-4s %4ss\n' "gpu tests" "$tests_rc" "$tests_s" "cuda bench" "$bench_rc" "$bench_s" "torch eager" "$torch_rc" "$torch_s"
  grep -E "tests (successful|failed|skipped)" "$out/tests.log" | sed 's/^/  /'
  grep -E "^(bandwidth|weights|roofline|dual-cache|of roofline|forwards/s|tokens/s|refresh|no-cache)" "$out/cuda-bench.log" | sed 's/^/  /'
  python3 - "$out" <<'PY'
import json, sys, os
o = sys.argv[1]
try:
    c = json.load(open(os.path.join(o, "cuda-bench.json"))); t = json.load(open(os.path.join(o, "torch-bench.json")))
    print(f"  torch eager step ms     {t['stepMsMedian']:.2f}")
    print(f"  cuda / torch speedup    {t['stepMsMedian'] / c['stepMsMedian']:.2f}x   (goal >= 2x)")
    print(f"  roofline fraction       {100 * c['rooflineFraction']:.1f}%  (goal >= 60%)")
except Exception as e:
    print("  (no ratio: " + str(e) + ")")
PY
} | tee -a "$out/summary.txt"
[[ $tests_rc == 0 && $bench_rc == 0 ]]
