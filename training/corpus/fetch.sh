#!/usr/bin/env bash
# Fetches the -sources.jar of every artifact in artifacts.txt from Maven Central through Maven itself
# (so the local repository and any configured mirror are used), into training/corpus/jars/.
# Usage: training/corpus/fetch.sh   (re-running skips jars already present)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/jars"
grep -v '^#' "$here/artifacts.txt" | awk 'NF {print $1}' | while read -r gav; do
  IFS=: read -r g a v <<<"$gav"
  [ -f "$here/jars/$a-$v-sources.jar" ] && continue
  echo "$g:$a:$v"
done | xargs -P 4 -I{} sh -c 'mvn -q -B dependency:copy -Dartifact={}:jar:sources -DoutputDirectory="$0/jars" -Dmdep.overWriteIfNewer=false >/dev/null 2>&1 || echo "could not fetch {}:sources" >&2' "$here"
ls "$here/jars" | wc -l
