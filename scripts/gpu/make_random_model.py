#!/usr/bin/env python3
"""Writes a random-weight model directory in the embedded model's format (Qwen2 block, bidirectional, bf16,
tied head) at any shape, for timing the engine at a realistic size on the lent GPU, where no real
checkpoint can travel (a device call carries 64 MiB in all).

Random weights make every confidence meaningless: a threshold step commits its one forced token, and the
text is noise. Use it only where the measurement ignores the text (`bench sidecar`'s batching part: EOS
ignored, a fixed number of tokens per request) and read the timings alone.

The config, tokenizer and generation settings come from --like (the embedded model's directory); --shape
overrides config.json fields. The default shape is Qwen2.5-Coder-1.5B's block (28 layers, hidden 1536,
12 query and 2 KV heads, FFN 8960) with the embedded model's 8192-token vocabulary: 1.32B parameters,
2.6 GB in bf16. The weights are drawn once from a pool of 2^24 normal values (std 0.02), each tensor
reading it from its own offset, so a multi-gigabyte model is written in seconds.

  python3 scripts/gpu/make_random_model.py --out DIR [--like models/quicksilver-coder-mini] [--shape JSON]
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np

QWEN25_CODER_15B = {"num_hidden_layers": 28, "hidden_size": 1536, "num_attention_heads": 12,
                    "num_key_value_heads": 2, "intermediate_size": 8960, "max_position_embeddings": 4096}


def tensor_shapes(config):
    """Name -> shape of every tensor of a tied Qwen2 checkpoint, as the engine's loader names them."""
    h = config["hidden_size"]
    heads = config["num_attention_heads"]
    kv = config["num_key_value_heads"] * (h // heads)
    inter = config["intermediate_size"]
    shapes = {"model.embed_tokens.weight": (config["vocab_size"], h), "model.norm.weight": (h,)}
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes.update({
            p + "input_layernorm.weight": (h,), p + "post_attention_layernorm.weight": (h,),
            p + "self_attn.q_proj.weight": (h, h), p + "self_attn.q_proj.bias": (h,),
            p + "self_attn.k_proj.weight": (kv, h), p + "self_attn.k_proj.bias": (kv,),
            p + "self_attn.v_proj.weight": (kv, h), p + "self_attn.v_proj.bias": (kv,),
            p + "self_attn.o_proj.weight": (h, h),
            p + "mlp.gate_proj.weight": (inter, h), p + "mlp.up_proj.weight": (inter, h),
            p + "mlp.down_proj.weight": (h, inter),
        })
    return shapes


def write_safetensors(path, config, seed):
    """One safetensors file: an 8-byte little-endian header length, the JSON header, then the bf16 data."""
    rng = np.random.default_rng(seed)
    pool_size = 1 << 24
    # bf16 = the high half of a float32 (truncated: the values only need to be finite and varied)
    pool = (rng.standard_normal(pool_size, dtype=np.float32) * 0.02).view(np.uint32) >> 16
    pool = pool.astype("<u2")
    one = np.float32(1.0).view(np.uint32) >> 16
    shapes = tensor_shapes(config)
    header, offset = {}, 0
    for name, shape in shapes.items():
        size = int(np.prod(shape)) * 2
        header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    header["__metadata__"] = {"format": "pt", "note": "random weights (scripts/gpu/make_random_model.py)"}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(len(raw).to_bytes(8, "little"))
        f.write(raw)
        for name, shape in shapes.items():
            count = int(np.prod(shape))
            if name.endswith("norm.weight"):
                f.write(np.full(count, one, dtype="<u2").tobytes())
                continue
            start = int(rng.integers(0, pool_size))
            written = 0
            while written < count:  # wrap around the pool from this tensor's own offset
                take = min(count - written, pool_size - start)
                f.write(pool[start:start + take].tobytes())
                written += take
                start = 0
    return sum(int(np.prod(s)) for s in shapes.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="model directory to write (created)")
    ap.add_argument("--like", default="models/quicksilver-coder-mini",
                    help="model directory whose config, tokenizer and generation settings to take")
    ap.add_argument("--shape", default=json.dumps(QWEN25_CODER_15B),
                    help="JSON object of config.json fields to override (default: Qwen2.5-Coder-1.5B's block)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    config_path = os.path.join(args.like, "config.json")
    if not os.path.isfile(config_path):
        sys.exit(f"make_random_model: {config_path} is missing; pass --like with a model directory "
                 "(the embedded model, models/quicksilver-coder-mini, will do)")
    try:
        shape = json.loads(args.shape)
    except json.JSONDecodeError as e:
        sys.exit(f"make_random_model: --shape is not a JSON object ({e}); e.g. --shape '{{\"num_hidden_layers\": 4}}'")
    if not isinstance(shape, dict):
        sys.exit("make_random_model: --shape must be a JSON object of config.json fields, "
                 "e.g. --shape '{\"num_hidden_layers\": 4}'")
    config = json.load(open(config_path))
    config.update(shape)
    config["tie_word_embeddings"] = True
    if config["hidden_size"] % config["num_attention_heads"] or config["num_attention_heads"] % config["num_key_value_heads"]:
        sys.exit("make_random_model: hidden_size must divide by num_attention_heads, and the heads by "
                 "num_key_value_heads; fix --shape")
    os.makedirs(args.out, exist_ok=True)
    for name in ("tokenizer.json", "generation_config.json"):
        if os.path.isfile(os.path.join(args.like, name)):
            shutil.copy(os.path.join(args.like, name), os.path.join(args.out, name))
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    params = write_safetensors(os.path.join(args.out, "model.safetensors"), config, args.seed)
    print(f"make_random_model: {args.out}: {params / 1e9:.2f}B parameters, {2 * params / 1e9:.2f} GB bf16, "
          f"{config['num_hidden_layers']} layers, hidden {config['hidden_size']}")


if __name__ == "__main__":
    main()
