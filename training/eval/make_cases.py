#!/usr/bin/env python3
"""Builds the infill eval cases from the held-out split (projects never trained on).

  python3 training/eval/make_cases.py [--heldout training/work/corpus/heldout.txt] \
      [--out training/eval/heldout-cases.jsonl] [--count 400]

The same cuts from the training split are the prompts of self-distillation (training/README.md):
  python3 training/eval/make_cases.py --heldout training/work/corpus/train.txt --id-prefix train \
      --prefix-chars 600 --suffix-chars 250 --seed 7 --count 3000 --out training/work/distill-cases.jsonl

Each case cuts a `middle` out of a real file: a single line (kind "line") or a block of 2-4 lines
(kind "block"), keeping up to 1500 characters of prefix and 600 of suffix, cut at line boundaries.
The middle starts with the newline that ends the prefix's last line (exact match is judged on
whitespace-trimmed text).
Lines that are blank, comments only, or a lone brace are not chosen as a middle's first line, so the
cases measure code, not boilerplate.
"""
import argparse
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
SEP = "\u0000\u001eFILE\u001e\u0000"
PREFIX_CHARS, SUFFIX_CHARS = 1500, 600


def interesting(line):
    s = line.strip()
    return len(s) >= 8 and not s.startswith(("//", "*", "/*", "import ", "package ", "@")) and s not in ("{", "}")


def cut_prefix(text, chars=PREFIX_CHARS):
    if len(text) <= chars:
        return text
    cut = text[-chars:]
    nl = cut.find("\n")
    return cut[nl + 1:] if nl >= 0 else cut


def cut_suffix(text, chars=SUFFIX_CHARS):
    if len(text) <= chars:
        return text
    cut = text[:chars]
    nl = cut.rfind("\n")
    return cut[:nl + 1] if nl >= 0 else cut


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--heldout", default=os.path.join(TRAINING, "work", "corpus", "heldout.txt"))
    ap.add_argument("--out", default=os.path.join(HERE, "heldout-cases.jsonl"))
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seed", type=int, default=99)
    ap.add_argument("--id-prefix", default="heldout", help="case ids are PREFIX-NNNN")
    ap.add_argument("--prefix-chars", type=int, default=PREFIX_CHARS, help="text kept before the middle")
    ap.add_argument("--suffix-chars", type=int, default=SUFFIX_CHARS, help="text kept after the middle")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    files = [f for f in open(args.heldout, encoding="utf-8").read().split(SEP) if f.count("\n") > 30]
    cases = []
    while len(cases) < args.count:
        text = rng.choice(files)
        lines = text.split("\n")
        kind = "line" if rng.random() < 0.5 else "block"
        n = 1 if kind == "line" else rng.randint(2, 4)
        start = rng.randrange(10, len(lines) - n - 2)
        if not interesting(lines[start]):
            continue
        body = lines[start:start + n]
        indent = body[0][:len(body[0]) - len(body[0].lstrip())]
        if any(l.strip() and not l.startswith(indent) for l in body[1:]):
            continue  # the block leaves the statement's nesting level
        # The boundaries sit at line ends: the prefix stops at the end of the previous line and the
        # middle starts with the newline and indentation, as an editor's boundary healing does, so
        # prefix and suffix tokenize as they would inside the whole file.
        prefix = "\n".join(lines[:start])
        middle = "\n" + "\n".join(body)
        suffix = "\n" + "\n".join(lines[start + n:])
        cases.append({"id": f"{args.id_prefix}-{len(cases):04d}", "kind": kind,
                      "prefix": cut_prefix(prefix, args.prefix_chars), "middle": middle,
                      "suffix": cut_suffix(suffix, args.suffix_chars)})
    with open(args.out, "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"wrote {len(cases)} cases to {args.out}")


if __name__ == "__main__":
    main()
