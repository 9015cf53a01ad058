"""Writes the expected greedy generations the Java decoder is checked against (DecodeParityTest).

Run from the repository root after make_fixtures.py (needs torch; Debian's python has it):

    /usr/bin/python3 gpu-sidecar/src/test/python/make_decode_fixtures.py

It decodes a few canvases on the tiny fixture models with reference_sampler.py (no cache, greedy) and
writes gpu-sidecar/src/test/resources/fixtures/decode-golden.json: per case the model, the canvas
(prefix, budget, suffix), the rule and its knobs, the hole's final tokens and the number of forwards.
The tests only read that file; they never run Python.
"""

import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import reference_sampler  # noqa: E402

torch.set_num_threads(2)
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures"))
OUT = os.path.join(FIXTURES, "decode-golden.json")


def pieces(text, vocab):
    """Token ids for ``text``: greedy longest match over the byte-level vocabulary (good enough to make
    realistic-looking canvases; the tests use the ids as they are)."""
    byte_map = {}
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    byte_map = dict(zip(bs, [chr(c) for c in cs]))
    s = "".join(byte_map[b] for b in text.encode("utf-8"))
    ids, i = [], 0
    while i < len(s):
        for j in range(len(s), i, -1):
            if s[i:j] in vocab:
                ids.append(vocab[s[i:j]])
                i = j
                break
        else:
            raise ValueError("no piece for " + s[i:])
    return ids


def main():
    with open(os.path.join(FIXTURES, "tokenizer.json")) as f:
        vocab = json.load(f)["model"]["vocab"]
    prefix_a = pieces("public String greet(String name) {\n        return ", vocab)
    suffix_a = pieces(";\n    }\n", vocab)
    prefix_b = pieces("for (String other : others) {", vocab)

    cases = []

    def diffusion(model_name, prefix, budget, suffix, block, rule, threshold=None, steps=None):
        model = reference_sampler.load_model(os.path.join(FIXTURES, model_name))
        hole, forwards = reference_sampler.diffusion_generate(
            model, prefix, budget, suffix, block_length=block, rule=rule, threshold=threshold, steps=steps)
        cases.append({"model": model_name, "mode": "diffusion", "prefix": prefix, "budget": budget,
                      "suffix": list(suffix), "block": block, "rule": rule, "threshold": threshold,
                      "steps": steps, "expected": hole, "forwards": forwards})

    def autoregressive(model_name, prompt, budget):
        model = reference_sampler.load_model(os.path.join(FIXTURES, model_name))
        out, forwards = reference_sampler.autoregressive_generate(model, prompt, budget)
        cases.append({"model": model_name, "mode": "ar", "prefix": prompt, "budget": budget, "suffix": [],
                      "expected": out, "forwards": forwards})

    # Untied models are unsure (top probabilities of a few percent): low thresholds make parallel commits.
    for name in ["qwen2-gqa-f32", "llada-f32"]:
        diffusion(name, prefix_a, 16, suffix_a, 8, "threshold", threshold=0.04)
        diffusion(name, prefix_b, 12, [], 4, "threshold", threshold=0.035)
        diffusion(name, prefix_a, 16, suffix_a, 8, "low_confidence", steps=4)
        diffusion(name, prefix_b, 10, [], 10, "low_confidence", steps=3)
    # Tied-embedding models are very sure: the usual 0.9 commits many positions per step.
    for name in ["dream-tied-bf16", "llada-tied-bf16"]:
        diffusion(name, prefix_a, 24, suffix_a, 8, "threshold", threshold=0.9)
        diffusion(name, prefix_b, 16, [], 8, "threshold", threshold=0.5)
        diffusion(name, prefix_b, 16, [], 16, "low_confidence", steps=4)
    # Early stop: the tied Dream model copies the previous token, so a prefix ending in EOS makes the
    # hole's first token EOS; the rest of the hole is padded and never decoded.
    diffusion("dream-tied-bf16", prefix_b + [292], 12, [], 4, "threshold", threshold=0.99)
    for name in ["qwen2-ar-sharded-f16", "llada-f32", "dream-tied-bf16"]:
        autoregressive(name, prefix_a, 12)

    with open(OUT, "w") as f:
        json.dump({"generator": "gpu-sidecar/src/test/python/make_decode_fixtures.py", "cases": cases}, f, indent=1)
        f.write("\n")
    for c in cases:
        print(c["model"], c["mode"], c.get("rule", ""), "forwards", c["forwards"], "->", c["expected"])


if __name__ == "__main__":
    main()
