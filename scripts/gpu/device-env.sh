# Sourced by the scripts that run on the lent GPU machine (run-on-device.sh, bench-on-device.sh,
# bench-large-on-device.sh, window-attention-ab.sh), after they set root (the repository); sets out, where
# results go ($OUT, or ./gpu-out), and creates it.
#   gpu_answers: whether an NVIDIA GPU answers here (QS_FORCE_RUN=1 says yes, to check a script on a CPU)
#   skip_without_gpu: where none answers, says so in $out/summary.txt and ends the script (status 0)
#   model_flags: the JVM options of a model process (the launcher's), plus $QS_JAVA_OPTS
#   unpack_carry OUT: unpacks .carry/gpu (from scripts/gpu/prepare-carry.sh) into $work once per warm
#     machine, and sets java, app and model; says what is wrong in OUT/summary.txt and fails otherwise
#   and the cuBLAS search path: cuBLAS comes with PyTorch's wheels on the device, not with the driver.
out="${OUT:-$root/gpu-out}"
mkdir -p "$out"
carry=.carry/gpu
work="${WORK:-/tmp/qs-gpu}"

gpu_answers() {
  [[ "${QS_FORCE_RUN:-0}" == 1 ]] || { command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; }
}

skip_without_gpu() {
  gpu_answers && return 0
  echo "$(basename "$0" .sh): no NVIDIA GPU answers here (nvidia-smi missing or failing); nothing to run, skipped." \
    | tee -a "$out/summary.txt"
  exit 0
}

model_flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
             -XX:+UseParallelGC -Xss4m -Xmn512m -Dquicksilver.home="$root" ${QS_JAVA_OPTS:-})
export RUST_FLAVOR=cpu DJL_OFFLINE=true

unpack_carry() {
  local out="$1" part
  if [[ ! -f "$carry/jre.tar.xz" || ! -f "$carry/app.tar.xz" ]]; then
    echo "$(basename "$0"): $carry is missing; run scripts/gpu/prepare-carry.sh here and carry .carry/gpu" | tee -a "$out/summary.txt"
    return 2
  fi
  mkdir -p "$work"
  # Python's tarfile (xz through lzma) is on every machine with python3; modes are kept.
  for part in jre app model; do
    [[ -f "$carry/$part.tar.xz" && ! -e "$work/$part" ]] || continue
    python3 -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$carry/$part.tar.xz" "$work" \
      || { echo "$(basename "$0"): could not unpack $carry/$part.tar.xz" | tee -a "$out/summary.txt"; return 2; }
  done
  java="$work/jre/bin/java"
  app="$work/app"
  model="${MODEL:-$work/model}"
  if [[ ! -f "$model/config.json" && -n "${MODEL:-}" && -f "$work/model/config.json" ]]; then
    # MODEL names a model trained by an earlier call, but this machine is a fresh one (it went cold
    # between the calls): the carried model is better than none, and the summary says which ran.
    echo "$(basename "$0"): no model at $MODEL (a fresh machine?); using the carried one instead" | tee -a "$out/summary.txt"
    model="$work/model"
  fi
}

cublas_dirs=$(ls -d /opt/*/.venv/lib/python3*/site-packages/nvidia/cu*/lib /usr/local/lib/python3*/dist-packages/nvidia/cu*/lib 2>/dev/null | tr '\n' ':')
export QUICKSILVER_CUDA_LIB_PATH="${QUICKSILVER_CUDA_LIB_PATH:-}:${cublas_dirs}/usr/local/nvidia/lib64:/usr/local/cuda/lib64"
