"""Creates the tiny random models and golden outputs the Java tests compare against.

Run from the repository root (needs torch + numpy; Debian's python has both):

    /usr/bin/python3 gpu-sidecar/src/test/python/make_fixtures.py

It writes gpu-sidecar/src/test/resources/fixtures/<name>/ for each model below: config.json,
generation_config.json, tokenizer.json (one tiny byte-level BPE shared by all), *.safetensors (one
model is sharded, with model.safetensors.index.json), and golden/ holding index.json plus raw
little-endian float32 tensors computed by reference_model.py: the input tokens, the hidden state
after the embedding and after every layer, and the logits, for bidirectional and causal attention.

Everything is seeded: running it twice gives the same bytes.
"""

import json
import os
import re
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_model  # noqa: E402

torch.set_num_threads(2)

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "resources", "fixtures"))

# ----------------------------------------------------------------------------------------------
# tokenizer: a GPT-2 style byte-level BPE with a few merges learned from a little Java
# ----------------------------------------------------------------------------------------------

TRAINING_TEXT = """
package dev.example;

import java.util.List;

public final class Greeter {
    private final String name;

    public Greeter(String name) {
        this.name = name;
    }

    public String greet(List<String> others) {
        StringBuilder out = new StringBuilder("Hello, " + name);
        for (String other : others) {
            if (other != null) {
                out.append(", ").append(other);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "Greeter(" + name + ")";
    }
}
"""
NUM_MERGES = 36
SPECIAL_TOKENS = ["<|endoftext|>", "<|mask|>", "<|fim_prefix|>", "<|fim_suffix|>"]
MODEL_VOCAB = 300  # larger than the tokenizer's vocabulary on purpose, as Dream's padded vocab


def bytes_to_unicode():
    # GPT-2's reversible byte -> printable character map (openai/gpt-2 encoder.py).
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def train_bpe():
    byte_map = bytes_to_unicode()
    vocab = {byte_map[b]: i for i, b in enumerate(sorted(byte_map))}
    # A simplified pre-tokenization (words with an optional leading space, runs of spaces, other
    # characters): it only decides which merges get learned, the tokenizer.json uses GPT-2's regex.
    words = re.findall(r" ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+", TRAINING_TEXT)
    seqs = [[byte_map[b] for b in w.encode("utf-8")] for w in words]
    merges = []
    for _ in range(NUM_MERGES):
        counts = {}
        for s in seqs:
            for a, b in zip(s, s[1:]):
                counts[(a, b)] = counts.get((a, b), 0) + 1
        if not counts:
            break
        best = max(sorted(counts), key=lambda p: counts[p])
        merges.append(best)
        vocab[best[0] + best[1]] = len(vocab)
        merged = []
        for s in seqs:
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1])
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            merged.append(out)
        seqs = merged
    return vocab, merges


def tokenizer_json():
    vocab, merges = train_bpe()
    added = []
    for tok in SPECIAL_TOKENS:
        vocab[tok] = len(vocab)
        added.append({"id": vocab[tok], "content": tok, "single_word": False, "lstrip": False,
                      "rstrip": False, "normalized": False, "special": True})
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": byte_level,
        "post_processor": byte_level,
        "decoder": byte_level,
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
    }, vocab


# ----------------------------------------------------------------------------------------------
# random weights
# ----------------------------------------------------------------------------------------------

def to_bf16_bits(arr):
    """float32 -> bf16 bit patterns (uint16), round to nearest even."""
    bits = np.ascontiguousarray(arr, dtype=np.float32).view(np.uint32)
    rounding = ((bits >> 16) & 1) + 0x7FFF
    return ((bits + rounding) >> 16).astype(np.uint16)


def encode(arr, dtype):
    if dtype == "F32":
        return ("F32", arr.astype(np.float32))
    if dtype == "F16":
        return ("F16", arr.astype(np.float16))
    if dtype == "BF16":
        return ("BF16", to_bf16_bits(arr))
    raise ValueError(dtype)


def qwen2_weights(rng, c, dtype):
    d, f, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    hd = d // c["num_attention_heads"]
    kv = c["num_key_value_heads"] * hd
    w = {}

    def mat(name, rows, cols):
        w[name] = rng.standard_normal((rows, cols)) / np.sqrt(cols)

    w["model.embed_tokens.weight"] = rng.standard_normal((v, d))
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = 1.0 + 0.2 * rng.standard_normal(d)
        mat(p + "self_attn.q_proj.weight", d, d)
        w[p + "self_attn.q_proj.bias"] = 0.2 * rng.standard_normal(d)
        mat(p + "self_attn.k_proj.weight", kv, d)
        w[p + "self_attn.k_proj.bias"] = 0.2 * rng.standard_normal(kv)
        mat(p + "self_attn.v_proj.weight", kv, d)
        w[p + "self_attn.v_proj.bias"] = 0.2 * rng.standard_normal(kv)
        mat(p + "self_attn.o_proj.weight", d, d)
        w[p + "post_attention_layernorm.weight"] = 1.0 + 0.2 * rng.standard_normal(d)
        mat(p + "mlp.gate_proj.weight", f, d)
        mat(p + "mlp.up_proj.weight", f, d)
        mat(p + "mlp.down_proj.weight", d, f)
    w["model.norm.weight"] = 1.0 + 0.2 * rng.standard_normal(d)
    if not c["tie_word_embeddings"]:
        mat("lm_head.weight", v, d)
    return {k: encode(a, dtype) for k, a in w.items()}


def llada_weights(rng, c, dtype):
    d, f, v = c["d_model"], c["mlp_hidden_size"], c["embedding_size"]
    hd = d // c["n_heads"]
    kv = c["n_kv_heads"] * hd
    w = {}

    def mat(name, rows, cols):
        w[name] = rng.standard_normal((rows, cols)) / np.sqrt(cols)

    w["model.transformer.wte.weight"] = rng.standard_normal((v, d))
    for i in range(c["n_layers"]):
        p = f"model.transformer.blocks.{i}."
        w[p + "attn_norm.weight"] = 1.0 + 0.2 * rng.standard_normal(d)
        mat(p + "q_proj.weight", d, d)
        mat(p + "k_proj.weight", kv, d)
        mat(p + "v_proj.weight", kv, d)
        mat(p + "attn_out.weight", d, d)
        w[p + "ff_norm.weight"] = 1.0 + 0.2 * rng.standard_normal(d)
        mat(p + "ff_proj.weight", f, d)
        mat(p + "up_proj.weight", f, d)
        mat(p + "ff_out.weight", d, f)
    w["model.transformer.ln_f.weight"] = 1.0 + 0.2 * rng.standard_normal(d)
    if not c["weight_tying"]:
        mat("model.transformer.ff_out.weight", v, d)
    return {k: encode(a, dtype) for k, a in w.items()}


# ----------------------------------------------------------------------------------------------
# the fixture models
# ----------------------------------------------------------------------------------------------

def qwen2_config(arch, model_type, hidden, heads, kv_heads, inter, layers, tied, theta, ids, extra=None):
    c = {
        "architectures": [arch],
        "model_type": model_type,
        "hidden_size": hidden,
        "intermediate_size": inter,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": kv_heads,
        "vocab_size": MODEL_VOCAB,
        "max_position_embeddings": 512,
        "rope_theta": theta,
        "rope_scaling": None,
        "rms_norm_eps": 1e-6,
        "hidden_act": "silu",
        "tie_word_embeddings": tied,
        "mask_token_id": ids["<|mask|>"],
        "pad_token_id": ids["<|endoftext|>"],
        "bos_token_id": ids["<|endoftext|>"],
        "eos_token_id": ids["<|endoftext|>"],
        "use_sliding_window": False,
    }
    c.update(extra or {})
    return c


def llada_config(d_model, heads, kv_heads, mlp, layers, tied, ids):
    # Field names as in GSAI-ML/LLaDA-8B's config.json (OLMo ModelConfig).
    return {
        "architectures": ["LLaDAModelLM"],
        "model_type": "llada",
        "d_model": d_model,
        "n_heads": heads,
        "n_kv_heads": kv_heads,
        "n_layers": layers,
        "mlp_hidden_size": mlp,
        "mlp_ratio": 4,
        "vocab_size": MODEL_VOCAB,
        "embedding_size": MODEL_VOCAB,
        "max_sequence_length": 512,
        "rope": True,
        "rope_theta": 500000.0,
        "rope_full_precision": True,
        "alibi": False,
        "block_type": "llama",
        "activation_type": "silu",
        "layer_norm_type": "rms",
        "rms_norm_eps": 1e-5,
        "include_bias": False,
        "attention_layer_norm": False,
        "input_emb_norm": False,
        "scale_logits": False,
        "weight_tying": tied,
        "mask_token_id": ids["<|mask|>"],
        "eos_token_id": ids["<|endoftext|>"],
        "pad_token_id": ids["<|endoftext|>"],
        "use_cache": False,
    }


def golden_inputs(rng, model, ids):
    """Two canvases: a prompt followed by masks and an end-of-text, and a shorter random one."""
    mask, eos = ids["<|mask|>"], ids["<|endoftext|>"]
    first = list(rng.integers(0, 256, size=8)) + [mask] * 4 + [eos]
    second = list(rng.integers(0, MODEL_VOCAB, size=7))
    return [[int(t) for t in first], [int(t) for t in second]]


def write_golden(model_dir, model, inputs):
    out = os.path.join(model_dir, "golden")
    os.makedirs(out, exist_ok=True)
    cases = []
    for n, tokens in enumerate(inputs):
        for causal in (False, True):
            name = f"seq{n}-{'causal' if causal else 'bidirectional'}"
            logits, hidden = model.forward_with_hidden(torch.tensor([tokens]), causal=causal)
            tensors = {}
            for i, h in enumerate(hidden):
                key = "embed" if i == 0 else f"layer.{i - 1}"
                tensors[key] = h[0]
            tensors["logits"] = logits[0]
            entry = {"name": name, "tokens": tokens, "causal": causal, "tensors": {}}
            for key, t in tensors.items():
                fname = f"{name}.{key}.f32"
                t.detach().numpy().astype("<f4").tofile(os.path.join(out, fname))
                entry["tensors"][key] = {"file": fname, "shape": list(t.shape)}
            cases.append(entry)
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"generator": "make_fixtures.py via reference_model.py", "cases": cases}, f, indent=1)


def write_model(name, config, weights, tokenizer, generation, shards=1):
    model_dir = os.path.join(FIXTURES, name)
    if os.path.exists(model_dir):
        shutil.rmtree(model_dir)
    os.makedirs(model_dir)
    with open(os.path.join(model_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(model_dir, "generation_config.json"), "w") as f:
        json.dump(generation, f, indent=2)
    with open(os.path.join(model_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)
    if shards == 1:
        reference_model.write_safetensors(os.path.join(model_dir, "model.safetensors"), weights,
                                          metadata={"format": "pt"})
    else:
        names = list(weights)
        per = (len(names) + shards - 1) // shards
        weight_map = {}
        total = 0
        for s in range(shards):
            fname = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            part = {k: weights[k] for k in names[s * per:(s + 1) * per]}
            reference_model.write_safetensors(os.path.join(model_dir, fname), part, metadata={"format": "pt"})
            for k, (_, arr) in part.items():
                weight_map[k] = fname
                total += arr.nbytes
        with open(os.path.join(model_dir, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    return model_dir


def main():
    tokenizer, vocab = tokenizer_json()
    ids = {t: vocab[t] for t in SPECIAL_TOKENS}
    generation = {
        "alg": "entropy", "steps": 16, "block_length": 8, "threshold": 0.9, "temperature": 0.0,
        "max_new_tokens": 16, "mask_token_id": ids["<|mask|>"], "eos_token_id": ids["<|endoftext|>"],
        "pad_token_id": ids["<|endoftext|>"],
    }
    os.makedirs(FIXTURES, exist_ok=True)
    with open(os.path.join(FIXTURES, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)

    models = [
        # name, config, weight builder, dtype, shards
        ("qwen2-gqa-f32",
         qwen2_config("QuicksilverDiffusionModel", "qwen2", 64, 4, 2, 120, 2, False, 10000.0, ids,
                      {"logits_shifted": True}),
         qwen2_weights, "F32", 1),
        ("dream-tied-bf16",
         qwen2_config("DreamModel", "Dream", 48, 4, 1, 100, 2, True, 1000000.0, ids),
         qwen2_weights, "BF16", 1),
        ("qwen2-ar-sharded-f16",
         qwen2_config("QuicksilverArModel", "qwen2", 40, 2, 2, 72, 2, False, 10000.0, ids),
         qwen2_weights, "F16", 3),
        ("llada-f32",
         llada_config(64, 4, 4, 112, 2, False, ids),
         llada_weights, "F32", 1),
        ("llada-tied-bf16",
         llada_config(40, 5, 5, 72, 2, True, ids),
         llada_weights, "BF16", 1),
    ]
    for seed, (name, config, builder, dtype, shards) in enumerate(models):
        rng = np.random.default_rng(1234 + seed)
        config["torch_dtype"] = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}[dtype]
        weights = builder(rng, config, dtype)
        model_dir = write_model(name, config, weights, tokenizer, generation, shards)
        model = reference_model.load_model(model_dir)
        write_golden(model_dir, model, golden_inputs(rng, model, ids))
        print(f"wrote {model_dir}")


if __name__ == "__main__":
    main()
