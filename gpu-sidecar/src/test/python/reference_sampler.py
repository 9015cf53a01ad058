"""Independent PyTorch implementation of the greedy decoding rules the Java engine runs, without caches.

Written from the published algorithms on top of reference_model.py (not from the Java code), so that
the Java decoder is checked against a second implementation:

* LLaDA low-confidence remasking (ML-GSAI/LLaDA ``generate.py``): a hole is decoded in blocks, left to
  right; a block's masked count is split evenly over ``steps`` (the first ``count % steps`` steps take
  one more, ``get_num_transfer_tokens``) and each step commits that many of the block's masked positions,
  most confident first.
* Fast-dLLM's threshold rule (NVlabs/Fast-dLLM ``get_transfer_index`` with ``threshold``): each step
  commits every masked position of the block whose confidence is >= tau, and at least the most
  confident one.
* Greedy autoregressive decoding with a causal mask: the oracle of the Java AR mode.

Conventions shared with the Java engine (they are part of what the parity test checks):

* confidence = softmax probability (float64) of the argmax token; the mask token is never proposed;
* shifted-logits models (Dream family) read position p's prediction from output p-1;
* ties in confidence go to the leftmost position; argmax ties to the lowest token id;
* early stop: once a hole holds an EOS with every position before it decided, its remaining masks
  become pad and decoding of that hole stops;
* every step is one full forward over the canvas ("no cache"), so the number of forwards is the
  number of steps.
"""

import torch

import reference_model


def _proposals(model, x, positions):
    """Greedy token and confidence for each canvas position in ``positions`` (a list of ints)."""
    logits = model.forward(x[None, :], causal=False)[0].double()  # [T, V]
    rows = torch.tensor([p - 1 if model.logits_shifted else p for p in positions], dtype=torch.long)
    picked = logits[rows].clone()
    if model.mask_token_id >= 0:
        picked[:, model.mask_token_id] = float("-inf")
    probs = torch.softmax(picked, dim=-1)
    token = torch.argmax(probs, dim=-1)  # argmax returns the first (lowest) index among equal values
    confidence = probs.gather(-1, token[:, None])[:, 0]
    return token.tolist(), confidence.tolist()


def _most_confident_first(confidence):
    return sorted(range(len(confidence)), key=lambda i: (-confidence[i], i))


def _hole_done(x, start, end, decided, eos_ids, pad):
    """Early stop: True (and pads the rest) when an EOS has every earlier position of the hole decided."""
    for p in range(start, end):
        if not decided[p]:
            return False
        if int(x[p]) in eos_ids:
            for q in range(p + 1, end):
                if not decided[q]:
                    x[q] = pad
                    decided[q] = True
            return True
    return True


def diffusion_generate(model, prefix, budget, suffix=(), block_length=32, rule="threshold", threshold=0.9,
                       steps=None):
    """Fills one hole ``[prefix][MASK x budget][suffix]``; returns (hole tokens, number of forwards).

    rule "threshold": Fast-dLLM's threshold rule; rule "low_confidence": LLaDA's fixed count per step
    with ``steps`` steps per block.
    """
    mask = model.mask_token_id
    eos_ids = {model.eos_token_id}
    pad = model.pad_token_id if model.pad_token_id >= 0 else model.eos_token_id
    start = len(prefix)
    end = start + budget
    x = torch.tensor(list(prefix) + [mask] * budget + list(suffix), dtype=torch.long)
    decided = [True] * start + [False] * budget + [True] * len(suffix)
    forwards = 0
    block_start = start
    while block_start < end:
        block_end = min(block_start + block_length, end)
        masked_at_start = sum(1 for p in range(block_start, block_end) if not decided[p])
        if masked_at_start == 0:
            block_start = block_end
            continue
        step = 0
        while any(not decided[p] for p in range(block_start, block_end)):
            positions = [p for p in range(block_start, block_end) if not decided[p]]
            tokens, confidence = _proposals(model, x, positions)
            forwards += 1
            ranked = _most_confident_first(confidence)
            if rule == "threshold":
                chosen = [ranked[0]] + [i for i in ranked[1:] if confidence[i] >= threshold]
            elif rule == "low_confidence":
                base, extra = divmod(masked_at_start, steps)
                count = base + (1 if step < extra else 0) if step < steps else masked_at_start
                chosen = ranked[:max(1, min(count, len(ranked)))]
            else:
                raise ValueError(rule)
            for i in chosen:
                x[positions[i]] = tokens[i]
                decided[positions[i]] = True
            step += 1
            if _hole_done(x, start, end, decided, eos_ids, pad):
                return x[start:end].tolist(), forwards
        block_start = block_end
    return x[start:end].tolist(), forwards


def autoregressive_generate(model, prompt, budget):
    """Greedy causal decoding of up to ``budget`` tokens after ``prompt``, one full causal forward per
    token; stops after the first EOS. Returns (generated tokens, number of forwards)."""
    tokens = list(prompt)
    out = []
    for _ in range(budget):
        if model.logits_shifted:
            x = torch.tensor(tokens, dtype=torch.long)
            row = len(tokens) - 1
        else:  # LLaDA-style: the new position holds [MASK] and is read at itself
            x = torch.tensor(tokens + [model.mask_token_id], dtype=torch.long)
            row = len(tokens)
        logits = model.forward(x[None, :], causal=True)[0, row].double().clone()
        if model.mask_token_id >= 0:
            logits[model.mask_token_id] = float("-inf")
        token = int(torch.argmax(logits))
        tokens.append(token)
        out.append(token)
        if token == model.eos_token_id:
            break
    return out, len(out)


def load_model(model_dir):
    return reference_model.load_model(model_dir)
