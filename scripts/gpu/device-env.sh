# Sourced by the scripts that run on the lent GPU machine (run-on-device.sh, bench-on-device.sh).
#   gpu_answers: whether an NVIDIA GPU answers here (QS_FORCE_RUN=1 says yes, to check a script on a CPU)
#   and the cuBLAS search path: cuBLAS comes with PyTorch's wheels on the device, not with the driver.
gpu_answers() {
  [[ "${QS_FORCE_RUN:-0}" == 1 ]] || { command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; }
}
cublas_dirs=$(ls -d /opt/*/.venv/lib/python3*/site-packages/nvidia/cu*/lib /usr/local/lib/python3*/dist-packages/nvidia/cu*/lib 2>/dev/null | tr '\n' ':')
export QUICKSILVER_CUDA_LIB_PATH="${QUICKSILVER_CUDA_LIB_PATH:-}:${cublas_dirs}/usr/local/nvidia/lib64:/usr/local/cuda/lib64"
