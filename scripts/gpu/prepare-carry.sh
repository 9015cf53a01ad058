#!/usr/bin/env bash
# Prepares what the GPU machine needs (it has no JDK and no Maven) under .carry/gpu/:
#   jre/       a jlink runtime of JDK 25 (java.base, java.logging, jdk.incubator.vector, ...)
#   lib/       the sidecar's and native-bindings' jars and their runtime deps, minus DJL's tokenizer jars
#              (the GPU tests and the benchmark never load a tokenizer)
#   test/      gpu-sidecar's compiled tests and fixtures
#   junit-platform-console-standalone.jar (pinned), to run the gpu-tagged tests without Maven
# Then prints the payload's size (the whole carried tree must stay under ~55 MiB).
# Run from anywhere inside the repository:  scripts/gpu/prepare-carry.sh
set -euo pipefail
root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
cd "$root"
JDK="${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JUNIT_CONSOLE_VERSION=1.14.4
export JAVA_HOME="$JDK"
out=.carry/gpu
rm -rf "$out"
mkdir -p "$out/lib" "$out/test"

echo "== build (tests are run on the device, not here)"
offline="-o"
[[ "${ONLINE:-0}" == 1 ]] && offline=""
mvn -B -q $offline -pl native-bindings,gpu-sidecar -am install -DskipTests
mvn -B -q $offline -pl gpu-sidecar test-compile
console="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/$JUNIT_CONSOLE_VERSION/junit-platform-console-standalone-$JUNIT_CONSOLE_VERSION.jar"
if [[ ! -f "$console" ]]; then
  mvn -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:$JUNIT_CONSOLE_VERSION
fi

echo "== jars"
cp gpu-sidecar/target/gpu-sidecar.jar "$out/lib/"
for j in gpu-sidecar/target/lib/*.jar; do
  case "$(basename "$j")" in
    tokenizers-*|api-*|jna-*|commons-compress-*|commons-io-*|commons-codec-*) ;;  # DJL and its deps: not needed on the GPU
    grpc-*|protobuf-*|proto-google-*|protocol-*|guava-*|perfmark-*|failureaccess-*|j2objc-*|error_prone_*|jsr305-*) ;;  # the gRPC server: not needed by the GPU tests or the benchmark
    *) cp "$j" "$out/lib/" ;;
  esac
done
cp -r gpu-sidecar/target/test-classes/. "$out/test/"
cp "$console" "$out/junit-platform-console-standalone.jar"

echo "== jlink runtime"
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.xml,java.management,jdk.incubator.vector,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$out/jre"
# libjvm.so's symbol tables are a fifth of the runtime: strip them when binutils is here
if command -v strip >/dev/null; then
  chmod u+w "$out/jre/lib/server/libjvm.so"
  strip --strip-unneeded "$out/jre/lib/server/libjvm.so"
fi
"$out/jre/bin/java" --add-modules jdk.incubator.vector -version 2>&1 | grep -m1 version

echo "== payload"
du -sh "$out"/* | sort -h
total=$(du -sm "$out" | cut -f1)
echo "carried .carry/gpu: ${total} MiB"
if (( total > 55 )); then
  echo "too large: keep the carried payload under 55 MiB" >&2
  exit 1
fi
