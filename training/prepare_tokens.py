#!/usr/bin/env python3
"""Tokenizes a corpus split into the token stream that train.py reads.

  python3 training/prepare_tokens.py --text training/work/corpus/train.txt[.xz] \
      --tokenizer training/work/tokenizer.json --out training/work/train.npy

The stream is, for each file in a seeded shuffled order, the <|file|> token followed by the file's
tokens, as uint16. Encoding goes through the Hugging Face `tokenizers` library when it is installed
(the same Rust code DJL runs inside the engine, so training sees exactly what inference sees), else
through training/tokenizer/bpe.py, which encodes identically; with both present a sample is encoded
both ways and any difference stops the run.
"""
import argparse
import lzma
import os
import random
import sys
import time
from multiprocessing import Pool

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "tokenizer"))
import bpe  # noqa: E402

SEP = "\u0000\u001eFILE\u001e\u0000"
FILE_TOKEN = 6
_encoder = None


def _init(path):
    global _encoder
    _encoder = bpe.Encoder.from_tokenizer_json(path)


def _encode(text):
    return _encoder.encode(text)


def read_text(path):
    opener = lzma.open if path.endswith(".xz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--text", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    args = ap.parse_args()
    t0 = time.time()
    files = read_text(args.text).split(SEP)
    random.Random(args.seed).shuffle(files)
    try:
        from tokenizers import Tokenizer
        hf = Tokenizer.from_file(args.tokenizer)
    except ImportError:
        hf = None
    if hf is not None:
        encoded = [e.ids for e in hf.encode_batch(files, add_special_tokens=False)]
        _init(args.tokenizer)
        for text, ids in list(zip(files, encoded))[:200]:
            if _encode(text) != ids:
                sys.exit("the Hugging Face tokenizer and bpe.py disagree on a file: fix bpe.py before training")
        how = "huggingface tokenizers (checked against bpe.py on 200 files)"
    else:
        with Pool(args.workers, initializer=_init, initargs=(args.tokenizer,)) as pool:
            encoded = pool.map(_encode, files, chunksize=64)
        how = f"bpe.py on {args.workers} processes"
    total = sum(len(e) + 1 for e in encoded)
    stream = np.empty(total, dtype=np.uint16)
    i = 0
    for ids in encoded:
        stream[i] = FILE_TOKEN
        stream[i + 1:i + 1 + len(ids)] = ids
        i += len(ids) + 1
    np.save(args.out, stream)
    print(f"{len(files)} files -> {total / 1e6:.1f}M tokens in {time.time() - t0:.0f}s via {how}", flush=True)


if __name__ == "__main__":
    main()
