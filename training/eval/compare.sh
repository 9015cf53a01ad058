#!/usr/bin/env bash
# The model issue's benchmark in one run: the AR twin and the diffusion model on the same held-out infill
# cases, and the diffusion model's threshold curve (tau 0.9, 0.7, 0.5 and one token per step), with holes of
# the middle's length (oracle); then both models with a 24-token budget, the editor's case; printed as
# the markdown table of docs/benchmarks.md. Every row goes through `./quicksilver eval`, one after the
# other on the same machine.
#
#   training/eval/compare.sh [--limit N] [--diffusion DIR] [--ar DIR] [--cases FILE] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
limit=150
diffusion="$root/models/quicksilver-coder-mini"
ar="$root/models/quicksilver-coder-mini-ar"
cases="$root/training/eval/heldout-cases.jsonl"
out="$(mktemp -d)"
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) limit="$2"; shift 2 ;;
    --diffusion) diffusion="$2"; shift 2 ;;
    --ar) ar="$2"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    --out) out="$2"; mkdir -p "$out"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

run() {  # name, label, length (oracle or N), eval options...
  local name="$1" label="$2" length="$3"; shift 3
  echo "compare.sh: $label ..." >&2
  "$root/quicksilver" eval --cases "$cases" --length "$length" --limit "$limit" --json "$@" > "$out/$name.json" 2> "$out/$name.err" \
    || { echo "compare.sh: $label failed, see $out/$name.err" >&2; exit 1; }
  printf '%s\t%s\n' "$name" "$label" >> "$out/rows.tsv"
}

: > "$out/rows.tsv"
run ar "AR twin, KV cache, FIM (PSM)" oracle --model "$ar" --mode ar
run lc "diffusion, one token per step (low_confidence, 32 steps per block)" oracle --model "$diffusion" --sampler low_confidence --steps 32
run t09 "diffusion, threshold 0.9, block 32, dual cache" oracle --model "$diffusion" --sampler threshold --threshold 0.9
run t07 "diffusion, threshold 0.7" oracle --model "$diffusion" --sampler threshold --threshold 0.7
run t05 "diffusion, threshold 0.5" oracle --model "$diffusion" --sampler threshold --threshold 0.5
# The editor's case: a fixed budget that the model fills and ends itself (the language server asks for 24).
run ar24 "AR twin, 24-token budget" 24 --model "$ar" --mode ar
run t09b24 "diffusion, threshold 0.9, 24-token budget" 24 --model "$diffusion" --sampler threshold --threshold 0.9

python3 - "$out" <<'EOF'
import json, os, sys
out = sys.argv[1]
print("| decoding | exact match | line / block | char similarity | tokens per forward | forwards per case | ms per case | tokens/s | repeated pairs |")
print("|---|---|---|---|---|---|---|---|---|")
expected = None
for line in open(os.path.join(out, "rows.tsv")):
    name, label = line.rstrip("\n").split("\t")
    d = json.load(open(os.path.join(out, name + ".json")))
    kind = d.get("byKind", {})
    em = lambda k: f"{100 * kind[k]['exactMatch']:.1f}%" if k in kind else "-"
    print(f"| {label} | {100 * d['exactMatch']:.1f}% | {em('line')} / {em('block')} | {d['charSimilarity']:.3f} "
          f"| {d['tokensPerForward']:.2f} | {d['forwardsPerCase']:.1f} | {d['msPerCase']:.0f} | {d['tokensPerSecond']:.0f} "
          f"| {d.get('repeatedPairs', float('nan')):.3f} |")
    expected = d.get("expectedRepeatedPairs", expected)
if expected is not None:
    print(f"\nRepeated pairs: the share of an answer's adjacent token pairs that it already holds earlier (loops such as "
          f"`, null, null, null` score near 1); the expected middles score {expected:.3f}.")
print(f"\n(JSON per row in {out})")
EOF
