"""Independent PyTorch reference for the two model families Quicksilver runs.

Written from the public definitions, not from the Java code, so that the Java engine is checked
against a second, separately written implementation:

* Qwen2 block (Dream-v0, Dream-Coder, DiffuCoder; our own "QuicksilverDiffusionModel"): follows
  Hugging Face transformers' ``modeling_qwen2.py`` and Dream's ``modeling_dream.py``
  (DreamLM/Dream): RMSNorm in float32, q/k/v projections with bias, o_proj without, grouped-query
  attention, rotate-half RoPE, SwiGLU MLP, final norm, ``lm_head`` (or tied to ``embed_tokens``).
  Dream removes the causal mask: attention is bidirectional.
* LLaDA (GSAI-ML/LLaDA ``modeling_llada.py``, OLMo naming): ``LLaDALlamaBlock`` with ``attn_norm``,
  ``q_proj``/``k_proj``/``v_proj``, ``attn_out``, ``ff_norm``, ``ff_proj`` (the gate), ``up_proj``,
  ``ff_out``; final ``ln_f``; head ``transformer.ff_out`` or tied to ``wte``. No biases.

Everything is computed in float32 whatever the stored dtype (bf16/f16 weights are widened exactly).
No ``transformers`` or ``safetensors`` package is needed: the safetensors reader is below.

API (used by the fixture generator and by the decoding engineer's reference samplers)::

    model = load_model("path/to/model_dir")
    logits = model.forward(tokens, causal=False)                  # tokens LongTensor[B,T] -> [B,T,V]
    logits, hidden = model.forward_with_hidden(tokens, causal=False)
    # hidden[0] = embeddings, hidden[l+1] = residual stream after layer l (before the final norm)
    model.config            # the raw config.json dict
    model.architecture      # "QWEN2_BIDIRECTIONAL" or "LLADA"
    model.mask_token_id, model.eos_token_id, model.pad_token_id, model.bos_token_id (-1 when absent)
    model.logits_shifted    # True for the Qwen2/Dream family: the token at i is read from output i-1
    model.vocab_size        # logits per position
"""

import json
import math
import os
import struct

import numpy as np
import torch

DTYPE_SIZES = {"F32": 4, "F16": 2, "BF16": 2}


# ----------------------------------------------------------------------------------------------
# safetensors: 8-byte little-endian header length, JSON header, then raw little-endian data
# ----------------------------------------------------------------------------------------------

def read_safetensors(path):
    """Returns {name: float32 torch.Tensor} for one .safetensors file."""
    with open(path, "rb") as f:
        blob = f.read()
    (header_len,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + header_len].decode("utf-8"))
    data = blob[8 + header_len:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = data[begin:end]
        shape = entry["shape"]
        dtype = entry["dtype"]
        if dtype == "F32":
            arr = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        elif dtype == "F16":
            arr = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif dtype == "BF16":
            # bf16 is the top half of an f32: widen by shifting 16 bits left (exact).
            arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise ValueError(f"{path}: unsupported dtype {dtype} for {name}")
        tensors[name] = torch.from_numpy(arr.copy()).reshape(shape)
    return tensors


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: (dtype, numpy array)} where dtype is F32/F16/BF16 and the array holds the
    already-rounded values (for BF16: a uint16 array of bf16 bit patterns)."""
    header = {}
    chunks = []
    offset = 0
    for name, (dtype, arr) in tensors.items():
        if dtype == "F32":
            raw = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        elif dtype == "F16":
            raw = np.ascontiguousarray(arr, dtype="<f2").tobytes()
        elif dtype == "BF16":
            raw = np.ascontiguousarray(arr, dtype="<u2").tobytes()
        else:
            raise ValueError(dtype)
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)  # the format pads the header to 8-byte alignment
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def load_weights(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            weight_map = json.load(f)["weight_map"]
        weights = {}
        for shard in sorted(set(weight_map.values())):
            weights.update(read_safetensors(os.path.join(model_dir, shard)))
        return weights
    weights = {}
    for name in sorted(os.listdir(model_dir)):
        if name.endswith(".safetensors"):
            weights.update(read_safetensors(os.path.join(model_dir, name)))
    return weights


# ----------------------------------------------------------------------------------------------
# shared pieces
# ----------------------------------------------------------------------------------------------

def rms_norm(x, weight, eps):
    # HF Qwen2RMSNorm / OLMo RMSLayerNorm: normalise in float32, then scale.
    x = x.float()
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rope_cos_sin(positions, head_dim, theta):
    # HF Qwen2RotaryEmbedding: inv_freq = 1 / theta^(2i/d) over d/2 frequencies, duplicated.
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    freqs = positions.float()[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def attention(q, k, v, num_heads, num_kv_heads, causal):
    """q [B,T,H*hd], k/v [B,T,Hkv*hd] (RoPE applied) -> [B,T,H*hd]. Plain softmax attention."""
    b, t, _ = q.shape
    hd = q.shape[-1] // num_heads
    q = q.view(b, t, num_heads, hd).transpose(1, 2)
    k = k.view(b, t, num_kv_heads, hd).transpose(1, 2)
    v = v.view(b, t, num_kv_heads, hd).transpose(1, 2)
    group = num_heads // num_kv_heads
    k = k.repeat_interleave(group, dim=1)  # GQA: query head h reads kv head h // group
    v = v.repeat_interleave(group, dim=1)
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
    if causal:
        mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
        scores = scores.masked_fill(mask, float("-inf"))
    probs = torch.softmax(scores, dim=-1)
    return (probs @ v).transpose(1, 2).reshape(b, t, num_heads * hd)


def apply_rope(x, cos, sin, num_heads):
    b, t, _ = x.shape
    hd = x.shape[-1] // num_heads
    x = x.view(b, t, num_heads, hd)
    x = x * cos[None, :, None, :] + rotate_half(x) * sin[None, :, None, :]
    return x.reshape(b, t, num_heads * hd)


def first_int(value, default=-1):
    if value is None:
        return default
    if isinstance(value, list):
        return int(value[0]) if value else default
    return int(value)


# ----------------------------------------------------------------------------------------------
# the model
# ----------------------------------------------------------------------------------------------

class ReferenceModel:
    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            self.config = json.load(f)
        c = self.config
        archs = c.get("architectures") or []
        model_type = str(c.get("model_type", "")).lower()
        if model_type == "llada" or "LLaDAModelLM" in archs:
            self.architecture = "LLADA"
            self.hidden = c["d_model"]
            self.layers = c["n_layers"]
            self.heads = c["n_heads"]
            self.kv_heads = c.get("n_kv_heads") or self.heads
            self.eps = c.get("rms_norm_eps", c.get("layer_norm_eps", 1e-5))
            self.tied = bool(c.get("weight_tying", False))
            self.logits_shifted = False
        else:
            self.architecture = "QWEN2_BIDIRECTIONAL"
            self.hidden = c["hidden_size"]
            self.layers = c["num_hidden_layers"]
            self.heads = c["num_attention_heads"]
            self.kv_heads = c.get("num_key_value_heads") or self.heads
            self.eps = c.get("rms_norm_eps", 1e-6)
            self.tied = bool(c.get("tie_word_embeddings", False))
            self.logits_shifted = bool(c.get("logits_shifted", True))
        self.head_dim = c.get("head_dim") or self.hidden // self.heads
        self.theta = float(c.get("rope_theta", 10000.0))
        self.mask_token_id = first_int(c.get("mask_token_id"))
        self.eos_token_id = first_int(c.get("eos_token_id"))
        self.pad_token_id = first_int(c.get("pad_token_id"))
        self.bos_token_id = first_int(c.get("bos_token_id"))
        self.w = load_weights(model_dir)
        embed_name = "model.transformer.wte.weight" if self.architecture == "LLADA" else "model.embed_tokens.weight"
        self.vocab_size = self.w[embed_name].shape[0]  # logits per position

    # -- per-architecture blocks --------------------------------------------------------------

    def _qwen2_layer(self, i, x, cos, sin, causal):
        p = f"model.layers.{i}."
        w = self.w
        h = rms_norm(x, w[p + "input_layernorm.weight"], self.eps)
        q = h @ w[p + "self_attn.q_proj.weight"].T + w[p + "self_attn.q_proj.bias"]
        k = h @ w[p + "self_attn.k_proj.weight"].T + w[p + "self_attn.k_proj.bias"]
        v = h @ w[p + "self_attn.v_proj.weight"].T + w[p + "self_attn.v_proj.bias"]
        q = apply_rope(q, cos, sin, self.heads)
        k = apply_rope(k, cos, sin, self.kv_heads)
        a = attention(q, k, v, self.heads, self.kv_heads, causal)
        x = x + a @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], self.eps)
        gate = h @ w[p + "mlp.gate_proj.weight"].T
        up = h @ w[p + "mlp.up_proj.weight"].T
        return x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T

    def _llada_layer(self, i, x, cos, sin, causal):
        p = f"model.transformer.blocks.{i}."
        w = self.w
        h = rms_norm(x, w[p + "attn_norm.weight"], self.eps)
        q = apply_rope(h @ w[p + "q_proj.weight"].T, cos, sin, self.heads)
        k = apply_rope(h @ w[p + "k_proj.weight"].T, cos, sin, self.kv_heads)
        v = h @ w[p + "v_proj.weight"].T
        a = attention(q, k, v, self.heads, self.kv_heads, causal)
        x = x + a @ w[p + "attn_out.weight"].T
        h = rms_norm(x, w[p + "ff_norm.weight"], self.eps)
        gate = h @ w[p + "ff_proj.weight"].T
        up = h @ w[p + "up_proj.weight"].T
        return x + (torch.nn.functional.silu(gate) * up) @ w[p + "ff_out.weight"].T

    # -- whole model --------------------------------------------------------------------------

    def forward_with_hidden(self, tokens, causal=False):
        tokens = torch.as_tensor(tokens, dtype=torch.long)
        if tokens.dim() == 1:
            tokens = tokens[None, :]
        t = tokens.shape[1]
        cos, sin = rope_cos_sin(torch.arange(t), self.head_dim, self.theta)
        if self.architecture == "LLADA":
            embed = self.w["model.transformer.wte.weight"]
            norm = self.w["model.transformer.ln_f.weight"]
            head = embed if self.tied else self.w["model.transformer.ff_out.weight"]
            layer = self._llada_layer
        else:
            embed = self.w["model.embed_tokens.weight"]
            norm = self.w["model.norm.weight"]
            head = embed if self.tied else self.w["lm_head.weight"]
            layer = self._qwen2_layer
        with torch.no_grad():
            x = embed[tokens]
            hidden = [x]
            for i in range(self.layers):
                x = layer(i, x, cos, sin, causal)
                hidden.append(x)
            logits = rms_norm(x, norm, self.eps) @ head.T
        return logits, hidden

    def forward(self, tokens, causal=False):
        return self.forward_with_hidden(tokens, causal)[0]


def load_model(model_dir):
    return ReferenceModel(model_dir)
