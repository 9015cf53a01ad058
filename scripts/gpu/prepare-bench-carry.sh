#!/usr/bin/env bash
# Prepares what the GPU machine needs to run the engine and sidecar benchmarks on the cuda backend
# (scripts/gpu/bench-on-device.sh) under .carry/gpu-bench/:
#   jre.tar.xz   a jlink runtime of JDK 25, uncompressed inside and xz-packed as a whole (libjvm.so and the
#                module image compress ~3x that way, against ~1.3x for jlink's own zip of the modules alone)
#   app.tar.xz   gpu-sidecar.jar with every runtime jar under lib/ (its manifest's Class-Path), stored
#                without compression so that xz packs them together; DJL's tokenizer jar cut down to its
#                linux-x86_64 native library
#   model.tar.xz with MODEL_DIR=models/quicksilver-coder-mini (bf16 weights pack to ~70%: 21 MB for the
#                embedded model); without it, bench-on-device.sh takes MODEL=DIR already on the device (a
#                model trained there by training/gpu_train.sh in the same warm session)
# A device call carries 64 MiB in all, the tracked tree included: untrack models/ for the call (see
# training/README.md); the tree is then ~5 MB, this payload ~30 MB, plus the model.
# Run from anywhere inside the repository:  [MODEL_DIR=DIR] scripts/gpu/prepare-bench-carry.sh
set -euo pipefail
root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
cd "$root"
JDK="${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME="$JDK"
out=.carry/gpu-bench
if [[ -n "${MODEL_DIR:-}" && ! -f "${MODEL_DIR}/config.json" ]]; then
  echo "prepare-bench-carry: $MODEL_DIR has no config.json; give MODEL_DIR a model directory" >&2
  exit 2
fi
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
rm -rf "$out"
mkdir -p "$out" "$stage/app/lib"

echo "== build"
offline="-o"
[[ "${ONLINE:-0}" == 1 ]] && offline=""
mvn -B -q $offline -pl gpu-sidecar -am install -DskipTests

echo "== jars"
cp gpu-sidecar/target/gpu-sidecar.jar "$stage/app/"
for j in gpu-sidecar/target/lib/*.jar; do
  case "$(basename "$j")" in
    tokenizers-*)
      # keep the Java classes and the linux-x86_64 cpu library; drop the other platforms' (two thirds of it)
      mkdir -p "$stage/tok" && (cd "$stage/tok" && unzip -q "$root/$j")
      find "$stage/tok/native/lib" -mindepth 1 -maxdepth 1 ! -name linux-x86_64 ! -name '*.properties' -exec rm -rf {} +
      (cd "$stage/tok" && zip -q -r -0 "$stage/app/lib/$(basename "$j")" .)
      ;;
    *) cp "$j" "$stage/app/lib/" ;;
  esac
done

# Store the jars uncompressed: xz then packs all their classes together, far smaller than deflate per entry.
for j in "$stage"/app/gpu-sidecar.jar "$stage"/app/lib/*.jar; do
  rm -rf "$stage/x" && mkdir -p "$stage/x" && (cd "$stage/x" && unzip -q "$j" && rm -f "$j" && zip -q -r -0 "$j" .)
done

echo "== jlink runtime"
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.xml,java.management,jdk.management,java.naming,java.net.http,jdk.incubator.vector,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --output "$stage/jre"
if command -v strip >/dev/null; then
  chmod u+w "$stage/jre/lib/server/libjvm.so"
  strip --strip-unneeded "$stage/jre/lib/server/libjvm.so"
fi
"$stage/jre/bin/java" --add-modules jdk.incubator.vector -version 2>&1 | grep -m1 version

echo "== pack"
tar -C "$stage" -cf - jre | xz -T2 -9 > "$out/jre.tar.xz"
tar -C "$stage" -cf - app | xz -T2 -9 > "$out/app.tar.xz"
if [[ -n "${MODEL_DIR:-}" ]]; then
  mkdir -p "$stage/model" && cp "$MODEL_DIR"/* "$stage/model/"
  tar -C "$stage" -cf - model | xz -T2 -9 > "$out/model.tar.xz"
fi
du -sh "$out"/* | sort -h
total=$(du -sm "$out" | cut -f1)
echo "carried .carry/gpu-bench: ${total} MiB (the whole call carries 64 MiB at most, tracked tree included)"
