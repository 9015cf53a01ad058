#!/usr/bin/env python3
"""Trains the byte-level BPE tokenizer on the training split and writes tokenizer.json.

Usage: python3 training/tokenizer/train_tokenizer.py [--vocab 8192] [--sample-mb 40]
       [--corpus training/work/corpus/train.txt] [--out training/work/tokenizer.json]
Checks decode(encode(x)) == x on every file of the corpus (train and held-out) before it writes.
"""
import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEP = "\u0000\u001eFILE\u001e\u0000"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vocab", type=int, default=8192)
    ap.add_argument("--sample-mb", type=float, default=40)
    ap.add_argument("--corpus", default=os.path.join(TRAINING, "work", "corpus", "train.txt"))
    ap.add_argument("--heldout", default=os.path.join(TRAINING, "work", "corpus", "heldout.txt"))
    ap.add_argument("--out", default=os.path.join(TRAINING, "work", "tokenizer.json"))
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()

    files = open(args.corpus, encoding="utf-8").read().split(SEP)
    rng = random.Random(args.seed)
    rng.shuffle(files)
    sample, size = [], 0
    for f in files:
        if size >= args.sample_mb * 1e6:
            break
        sample.append(f)
        size += len(f)
    t0 = time.time()
    counts = bpe.count_pieces(sample)
    print(f"{len(sample)} files, {size / 1e6:.1f} MB, {len(counts)} distinct pieces ({time.time() - t0:.0f}s)")
    vocab, merges = bpe.train(counts, args.vocab)
    print(f"vocab {len(vocab)}, {len(merges)} merges ({time.time() - t0:.0f}s)")

    enc = bpe.Encoder(vocab, merges)
    heldout = open(args.heldout, encoding="utf-8").read().split(SEP)
    n_tokens = n_chars = 0
    for text in files + heldout:
        ids = enc.encode(text)
        if enc.decode(ids) != text:
            sys.exit(f"round trip failed on a file starting {text[:80]!r}")
        n_tokens += len(ids)
        n_chars += len(text)
    print(f"round trip ok on {len(files) + len(heldout)} files; {n_chars / n_tokens:.2f} chars per token "
          f"({n_tokens / 1e6:.1f}M tokens; {time.time() - t0:.0f}s)")
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(bpe.tokenizer_json(vocab, merges), f, ensure_ascii=False)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
