"""The Quicksilver model in PyTorch, in the Qwen2 layout that the engine's loader reads.

One definition serves both the diffusion model (bidirectional attention, Dream-style shifted logits)
and its autoregressive twin (causal attention): only the attention mask differs, so "same size, same
data, same compute" holds by construction. Parameter names follow Hugging Face Qwen2
(`model.layers.N.self_attn.q_proj`, ...) so the exported safetensors load unchanged.
"""
import json
import math
import os
import struct
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Shape:
    vocab_size: int = 8192
    hidden_size: int = 384
    num_hidden_layers: int = 8
    num_attention_heads: int = 6
    num_key_value_heads: int = 2
    intermediate_size: int = 896
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-6
    max_position_embeddings: int = 1024

    @property
    def head_dim(self):
        return self.hidden_size // self.num_attention_heads


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, s: Shape):
        super().__init__()
        self.s = s
        d, hd = s.hidden_size, s.head_dim
        self.q_proj = nn.Linear(d, s.num_attention_heads * hd, bias=True)
        self.k_proj = nn.Linear(d, s.num_key_value_heads * hd, bias=True)
        self.v_proj = nn.Linear(d, s.num_key_value_heads * hd, bias=True)
        self.o_proj = nn.Linear(s.num_attention_heads * hd, d, bias=False)

    def forward(self, x, cos, sin, causal, key_mask=None):
        b, t, _ = x.shape
        s = self.s
        q = self.q_proj(x).view(b, t, s.num_attention_heads, s.head_dim).transpose(1, 2)   # [b, h, t, hd]
        k = self.k_proj(x).view(b, t, s.num_key_value_heads, s.head_dim).transpose(1, 2)   # [b, kvh, t, hd]
        v = self.v_proj(x).view(b, t, s.num_key_value_heads, s.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        group = s.num_attention_heads // s.num_key_value_heads
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
        # key_mask [b, t] (True: a real position) keeps rows padded to a common length from attending to
        # their padding; bidirectional rows only (the padding sits after every real position).
        if hasattr(F, "scaled_dot_product_attention"):
            y = F.scaled_dot_product_attention(q, k, v, is_causal=causal,
                                               attn_mask=None if key_mask is None else key_mask[:, None, None, :])
        else:  # PyTorch 1.13 (Debian): the same computation, spelled out
            att = (q @ k.transpose(-1, -2)) / math.sqrt(s.head_dim)
            if causal:
                att = att.masked_fill(torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1), float("-inf"))
            if key_mask is not None:
                att = att.masked_fill(~key_mask[:, None, None, :], float("-inf"))
            y = att.softmax(-1) @ v
        return self.o_proj(y.transpose(1, 2).reshape(b, t, -1))


class Mlp(nn.Module):
    def __init__(self, s: Shape):
        super().__init__()
        self.gate_proj = nn.Linear(s.hidden_size, s.intermediate_size, bias=False)
        self.up_proj = nn.Linear(s.hidden_size, s.intermediate_size, bias=False)
        self.down_proj = nn.Linear(s.intermediate_size, s.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, s: Shape):
        super().__init__()
        self.input_layernorm = RMSNorm(s.hidden_size, s.rms_norm_eps)
        self.self_attn = Attention(s)
        self.post_attention_layernorm = RMSNorm(s.hidden_size, s.rms_norm_eps)
        self.mlp = Mlp(s)

    def forward(self, x, cos, sin, causal, key_mask=None):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, causal, key_mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class Backbone(nn.Module):
    def __init__(self, s: Shape):
        super().__init__()
        self.embed_tokens = nn.Embedding(s.vocab_size, s.hidden_size)
        self.layers = nn.ModuleList(Layer(s) for _ in range(s.num_hidden_layers))
        self.norm = RMSNorm(s.hidden_size, s.rms_norm_eps)


class QuicksilverModel(nn.Module):
    """Tied input/output embeddings (`tie_word_embeddings: true`), so there is no lm_head tensor."""

    def __init__(self, s: Shape, causal: bool):
        super().__init__()
        self.shape = s
        self.causal = causal
        self.model = Backbone(s)
        inv_freq = 1.0 / (s.rope_theta ** (torch.arange(0, s.head_dim, 2).float() / s.head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, tokens, key_mask=None):
        """Final hidden states [b, t, hidden]; `logits` turns (a selection of) them into scores. The
        split lets the trainer score only the positions its loss reads (the masked ones, for diffusion)
        and compile the backbone, whose shapes never change, apart from that data-dependent selection."""
        b, t = tokens.shape
        pos = torch.arange(t, device=tokens.device).float()
        freqs = pos[:, None] * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]   # [1, 1, t, hd]
        x = self.model.embed_tokens(tokens)
        for layer in self.model.layers:
            x = layer(x, cos.to(x.dtype), sin.to(x.dtype), self.causal, key_mask)
        return self.model.norm(x)

    def logits(self, hidden):
        return hidden @ self.model.embed_tokens.weight.t().to(hidden.dtype)   # [..., vocab]


# ---- export in the Hugging Face layout -------------------------------------------------------------

def _bf16_bytes(t):
    return t.detach().to(torch.bfloat16).contiguous().view(torch.int16).cpu().numpy().tobytes()


def write_safetensors(path, tensors):
    """Writes {name: tensor} as bf16 safetensors (8-byte little-endian header length, JSON header,
    raw data), the format documented by the safetensors project."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = _bf16_bytes(tensors[name])
        header[name] = {"dtype": "BF16", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


def read_safetensors(path):
    """Reads a safetensors file written by write_safetensors (BF16 or F32) into float32 tensors."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        lo, hi = spec["data_offsets"]
        raw = bytearray(data[lo:hi])
        if spec["dtype"] == "BF16":
            t = torch.frombuffer(raw, dtype=torch.int16).to(torch.int32) << 16
            t = t.view(torch.float32)
        elif spec["dtype"] == "F32":
            t = torch.frombuffer(raw, dtype=torch.float32)
        else:
            raise ValueError(f"{path}: tensor {name} has dtype {spec['dtype']}; only BF16 and F32 are read here")
        out[name] = t.reshape(spec["shape"]).clone()
    return out


def read_model_dir(model_dir, device):
    """All weights of an exported model directory (single file or shards with an index)."""
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    state = {}
    for fname in files:
        state.update(read_safetensors(os.path.join(model_dir, fname)))
    return {k: v.to(device) for k, v in state.items()}


def export(model: QuicksilverModel, out_dir, tokenizer_path, generation, card, shard_bytes=15_000_000):
    """Writes config.json, model*.safetensors (+ index when sharded), tokenizer.json,
    generation_config.json and README.md (the model card)."""
    os.makedirs(out_dir, exist_ok=True)
    s = model.shape
    state = {k: v for k, v in model.state_dict().items()}
    shards, current, size = [], {}, 0
    for name in sorted(state):
        n = state[name].numel() * 2
        if current and size + n > shard_bytes:
            shards.append(current)
            current, size = {}, 0
        current[name] = state[name]
        size += n
    shards.append(current)
    for stale in os.listdir(out_dir):
        if stale.startswith("model") and stale.endswith((".safetensors", ".index.json")):
            os.remove(os.path.join(out_dir, stale))
    if len(shards) == 1:
        write_safetensors(os.path.join(out_dir, "model.safetensors"), shards[0])
    else:
        weight_map = {}
        for i, shard in enumerate(shards):
            fname = f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors"
            write_safetensors(os.path.join(out_dir, fname), shard)
            weight_map.update({k: fname for k in shard})
        with open(os.path.join(out_dir, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": sum(v.numel() * 2 for v in state.values())},
                       "weight_map": weight_map}, f, indent=1)
    config = dict(asdict(s))
    config.update({
        "architectures": ["QuicksilverArModel" if model.causal else "QuicksilverDiffusionModel"],
        "model_type": "qwen2",
        "hidden_act": "silu",
        "tie_word_embeddings": True,
        "attention": "causal" if model.causal else "bidirectional",
        "logits_shifted": True,
        "torch_dtype": "bfloat16",
        "pad_token_id": 0, "eos_token_id": 1, "mask_token_id": 2, "bos_token_id": 6,
        "fim_prefix_token_id": 3, "fim_suffix_token_id": 4, "fim_middle_token_id": 5,
    })
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(out_dir, "generation_config.json"), "w") as f:
        json.dump(generation, f, indent=2)
    with open(tokenizer_path, encoding="utf-8") as src, open(os.path.join(out_dir, "tokenizer.json"), "w",
                                                             encoding="utf-8") as dst:
        dst.write(src.read())
    with open(os.path.join(out_dir, "README.md"), "w") as f:
        f.write(card)
