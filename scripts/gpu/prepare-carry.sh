#!/usr/bin/env bash
# Prepares everything the GPU machine needs (it has no JDK and no Maven) under .carry/gpu/, for both device
# scripts: run-on-device.sh (the gpu-tagged tests, the Dream-7B-shaped benchmark) and bench-on-device.sh
# (`bench engine` and `bench sidecar` on the cuda backend, optionally the tests after them):
#   jre.tar.xz    a jlink runtime of JDK 25, uncompressed inside and xz-packed as a whole (libjvm.so and the
#                 module image compress ~3x that way, against ~1.3x for jlink's own zip of the modules alone)
#   app.tar.xz    gpu-sidecar.jar with every runtime jar under lib/ (its manifest's Class-Path), DJL's
#                 tokenizer jar cut down to its linux-x86_64 native library; test/: gpu-sidecar's compiled
#                 tests and fixtures; the JUnit console launcher (pinned). Jars are stored without
#                 compression so that xz packs all their classes together.
#   model.tar.xz  only with MODEL_DIR=models/quicksilver-coder-mini (bf16 weights pack to ~70%: 21 MB for the
#                 embedded model); without it, bench-on-device.sh takes MODEL=DIR already on the device (a
#                 model trained there by training/gpu_train.sh in the same warm session)
# A device call carries 64 MiB in all, the tracked tree included: untrack models/ for the call (see
# scripts/gpu/README.md); the tree is then ~5 MB, this payload ~32 MB, plus the model.
# Run from anywhere inside the repository:  [MODEL_DIR=DIR] [ONLINE=1] scripts/gpu/prepare-carry.sh
set -euo pipefail
root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
cd "$root"
JDK="${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JUNIT_CONSOLE_VERSION=1.14.4
export JAVA_HOME="$JDK"
out=.carry/gpu
if [[ -n "${MODEL_DIR:-}" && ! -f "${MODEL_DIR}/config.json" ]]; then
  echo "prepare-carry: $MODEL_DIR has no config.json; give MODEL_DIR a model directory" >&2
  exit 2
fi
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
rm -rf "$out"
mkdir -p "$out" "$stage/app/lib" "$stage/app/test"

echo "== build (the tests run on the device, not here)"
offline="-o"
[[ "${ONLINE:-0}" == 1 ]] && offline=""
mvn -B -q $offline -pl native-bindings,gpu-sidecar -am install -DskipTests
mvn -B -q $offline -pl gpu-sidecar test-compile
console="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/$JUNIT_CONSOLE_VERSION/junit-platform-console-standalone-$JUNIT_CONSOLE_VERSION.jar"
if [[ ! -f "$console" ]]; then
  mvn -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:$JUNIT_CONSOLE_VERSION
fi

echo "== jars and tests"
cp gpu-sidecar/target/gpu-sidecar.jar "$stage/app/"
cp "$console" "$stage/app/junit-platform-console-standalone.jar"
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
for j in "$stage"/app/*.jar "$stage"/app/lib/*.jar; do
  rm -rf "$stage/x" && mkdir -p "$stage/x" && (cd "$stage/x" && unzip -q "$j" && rm -f "$j" && zip -q -r -0 "$j" .)
done
cp -r gpu-sidecar/target/test-classes/. "$stage/app/test/"

echo "== jlink runtime"
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.xml,java.management,jdk.management,java.naming,java.net.http,jdk.incubator.vector,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --output "$stage/jre"
# libjvm.so's symbol tables are a fifth of the runtime: strip them when binutils is here
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
echo "carried .carry/gpu: ${total} MiB (the whole call carries 64 MiB at most, tracked tree included)"
if (( total > 58 )); then
  echo "prepare-carry: too large for one device call with the tree; leave out MODEL_DIR" >&2
  exit 1
fi
