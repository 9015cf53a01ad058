#!/usr/bin/env python3
"""Trains the embedded Quicksilver model (masked diffusion) or its autoregressive twin.

  python3 training/train.py --objective diffusion --tokens DATA.npy --tokenizer tokenizer.json \
      --out models/quicksilver-coder-mini [--time-budget 400 | --steps N] [--work DIR] [--resume]

Objectives (same model shape, data and batch; only attention and targets differ):
- diffusion: the masked-diffusion objective of LLaDA (Nie et al. 2025) and Dream (Ye et al. 2025): a
  mask ratio t ~ U(eps, 1), cross-entropy on masked positions weighted 1/t, logits shifted by one as in
  Dream (the token at i is read from the output at i-1). Half of each batch is "edit-shaped": a span
  (often whole lines) is replaced by a budget of n slots holding the span, then end-of-sequence, then
  pad, with prefix and suffix visible, and a fraction t of the slots masked; so the model learns to
  infill between real code and to say where the infill stops.
- ar: next-token prediction with causal attention; half the rows in fill-in-the-middle order (PSM,
  Bavarian et al. 2022), so the twin can infill too and the comparison is fair.

Deterministic for a given seed and step count. --time-budget measures the step time on the first
steps and fixes the step count from it (the count is logged, and --steps reproduces the run).
Checkpoints (model, optimizer, step, RNG) go to --work every --ckpt-every steps; --resume continues.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import QuicksilverModel, Shape, export, read_model_dir  # noqa: E402

PAD, EOS, MASK, FIM_PREFIX, FIM_SUFFIX, FIM_MIDDLE, FILE = 0, 1, 2, 3, 4, 5, 6
MAX_SPAN = 96
EPS = 1e-3


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


class Batcher:
    """Random windows from the token stream, and the span/FIM rearrangements, all on the device."""

    def __init__(self, tokens, newline_ids, seq, device, gen):
        self.data = tokens
        self.seq = seq
        self.device = device
        self.gen = gen
        self.is_newline = torch.zeros(max(int(tokens.max()), int(newline_ids.max())) + 1, dtype=torch.bool,
                                      device=device)
        self.is_newline[newline_ids] = True

    def windows(self, b):
        start = torch.randint(0, self.data.numel() - self.seq, (b,), generator=self.gen, device=self.device)
        idx = start[:, None] + torch.arange(self.seq, device=self.device)[None]
        return self.data[idx].long()

    def rand(self, *shape):
        return torch.rand(*shape, generator=self.gen, device=self.device)

    def randint(self, lo, hi, shape):
        return torch.randint(lo, hi, shape, generator=self.gen, device=self.device)

    def spans(self, x):
        """Per row a span [a, a+ls) to cut out, aligned to line starts in half of the rows."""
        b, s = x.shape
        ls = self.randint(0, MAX_SPAN + 1, (b,))
        ls = torch.where(self.rand(b) < 0.5, ls // 4, ls)          # many short spans (a line or less)
        a = self.randint(16, s // 2 + 16, (b,))
        # Line alignment: the span starts at a newline token (which carries the next line's
        # indentation) and ends just before the newline token that ends its last line. That is where
        # an editor puts the boundary: the prefix ends at the end of the previous line, so prefix and
        # suffix tokenize alone exactly as they do inside the whole file.
        nl = self.is_newline[x]                                     # [b, s]
        pos = torch.arange(s, device=x.device).expand(b, s)
        big = torch.full_like(pos, s)
        next_nl = torch.where(nl, pos, big).flip(1).cummin(1).values.flip(1)   # first newline >= p
        aligned_a = next_nl.gather(1, a[:, None]).squeeze(1)
        end_guess = (aligned_a + 1 + ls).clamp(max=s - 1)
        aligned_end = next_nl.gather(1, end_guess[:, None]).squeeze(1)
        aligned_ls = aligned_end - aligned_a
        ok = (aligned_a < s - MAX_SPAN - 40) & (aligned_ls >= 1) & (aligned_ls <= MAX_SPAN) & (aligned_end < s)
        use = ok & (self.rand(b) < 0.5)
        a = torch.where(use, aligned_a, a)
        ls = torch.where(use, aligned_ls, ls)
        return a, ls

    def edit_rows(self, x):
        """Diffusion infill rows: [x[:a]] [x[a:a+ls] EOS PAD..] (n slots) [x[a+ls:...]]."""
        b, s = x.shape
        a, ls = self.spans(x)
        extra = self.randint(0, 33, (b,))
        extra = torch.where(self.rand(b) < 0.3, torch.zeros_like(extra), extra)   # exact-length budgets
        n = torch.minimum((ls + extra).clamp(min=1, max=MAX_SPAN + 32), s - 8 - a)
        ls = torch.minimum(ls, n)
        p = torch.arange(s, device=x.device)[None].expand(b, s)
        j = p - a[:, None]
        in_span = (j >= 0) & (j < n[:, None])
        src = torch.where(j < 0, p, torch.where(in_span, a[:, None] + j, p - n[:, None] + ls[:, None]))
        canvas = x.gather(1, src.clamp(0, s - 1))
        canvas = torch.where(in_span & (j == ls[:, None]), torch.full_like(canvas, EOS), canvas)
        canvas = torch.where(in_span & (j > ls[:, None]), torch.full_like(canvas, PAD), canvas)
        return canvas, in_span, n

    def fim_rows(self, x):
        """AR infill rows in PSM order: FIM_PREFIX prefix FIM_SUFFIX suffix FIM_MIDDLE middle EOS."""
        b, s = x.shape
        a, ls = self.spans(x)
        ls = torch.minimum(ls, s - 4 - a)
        suf = s - 4 - a - ls
        p = torch.arange(s, device=x.device)[None].expand(b, s)
        A, L, U = a[:, None], ls[:, None], suf[:, None]
        src = torch.zeros_like(p)
        src = torch.where((p >= 1) & (p <= A), p - 1, src)
        src = torch.where((p >= A + 2) & (p < A + 2 + U), A + L + (p - A - 2), src)
        src = torch.where((p >= A + 3 + U) & (p < A + 3 + U + L), A + (p - A - 3 - U), src)
        out = x.gather(1, src.clamp(0, s - 1))
        out = torch.where(p == 0, torch.full_like(out, FIM_PREFIX), out)
        out = torch.where(p == A + 1, torch.full_like(out, FIM_SUFFIX), out)
        out = torch.where(p == A + 2 + U, torch.full_like(out, FIM_MIDDLE), out)
        out = torch.where(p >= A + 3 + U + L, torch.full_like(out, EOS), out)
        return out


def mask_span(batcher, span, sizes):
    """Masks a fraction t ~ U(eps, 1) of each row's span (at least one position): (masked, t)."""
    b = span.shape[0]
    t = EPS + (1 - EPS) * batcher.rand(b)
    masked = span & (batcher.rand(*span.shape) < t[:, None])
    first = span.float().argmax(1)
    force = batcher.randint(0, 1 << 30, (b,)) % sizes.long() + first
    masked[torch.arange(b, device=span.device), force] = True
    return masked, t


def score_masked(model, hidden, target, w):
    """The weighted cross-entropy of the positions with weight, per row of the batch: (logits, wanted, loss).
    Shifted: the token at position i is predicted from the output at i - 1. Only masked positions carry
    weight, so only they are scored (about half the rows' positions: the vocabulary projection and its
    float cross-entropy are the largest tensors of the step)."""
    rows, cols = (w[:, 1:] > 0).nonzero(as_tuple=True)
    logits = model.logits(hidden[rows, cols]).float()
    wanted = target[rows, cols + 1]
    loss = (F.cross_entropy(logits, wanted, reduction="none") * w[rows, cols + 1]).sum() / target.shape[0]
    return logits, wanted, loss


def diffusion_loss(model, backbone, batcher, batch, certainty=0.0):
    x = batcher.windows(batch)
    b, s = x.shape
    half = b // 2
    # Rows [0, half): plain masked diffusion over the whole window.
    t1 = EPS + (1 - EPS) * batcher.rand(half)
    m1 = batcher.rand(half, s) < t1[:, None]
    m1[:, 0] = False
    # Rows [half, b): edit-shaped infill; a fraction t of the span's slots is masked (at least one).
    canvas, in_span, n = batcher.edit_rows(x[half:])
    m2, t2 = mask_span(batcher, in_span, n)
    target = torch.cat([x[:half], canvas])
    masked = torch.cat([m1, m2])
    noisy = torch.where(masked, torch.full_like(target, MASK), target)
    # Per-position weight: 1/t on masked positions, normalised per row by what the row could have masked.
    w = torch.cat([masked[:half].float() / t1[:, None] / s, masked[half:].float() / t2[:, None] / n[:, None]])
    logits, wanted, loss = score_masked(model, backbone(noisy), target, w)
    if certainty > 0:
        loss = loss + certainty * certainty_term(logits, wanted)
    return loss, {}


def certainty_term(logits, wanted):
    """Certainty forcing (dParallel, Chen et al. 2025): the mean entropy of the predictions that are
    already right, which the loss lowers so threshold decoding (Fast-dLLM) commits them in parallel
    sooner; wrong ones are left to the cross-entropy. dParallel forces certainty along the model's own
    trajectories (see Teacher); with the data's targets it is the same where the model is right."""
    logp = logits.log_softmax(-1)
    entropy = -(logp.exp() * logp).sum(-1)
    right = (logits.argmax(-1) == wanted).float()
    return (entropy * right).sum() / right.sum().clamp(min=1)


def repeated_pairs(hole):
    """The share of an answer's adjacent token pairs that it already holds earlier (the answer: the hole's
    tokens before its first EOS, pads left out): `./quicksilver eval`'s repeatedPairs, though eval counts the
    answer's text re-tokenized and this the tokens the model wrote (the same wherever those are the
    tokenizer's own split of the text)."""
    ids = hole[:hole.index(EOS)] if EOS in hole else hole
    ids = [t for t in ids if t != PAD]
    if len(ids) < 3:
        return 0.0
    seen, repeated = set(), 0
    for pair in zip(ids, ids[1:]):
        repeated += pair in seen
        seen.add(pair)
    return repeated / (len(ids) - 1)


class Teacher:
    """Self-distillation rows: the model's own infills, as `./quicksilver eval --outputs` writes them
    (one JSON object per line: the final canvas's token ids, holeStart, holeLength), decoded one token
    per step by the engine on prompts cut from the training split. Training on them with the certainty
    term is dParallel's certainty-forcing distillation (Chen et al. 2025): the targets are what the model
    already writes, so the cross-entropy does not pull its confident picks back towards the many
    continuations the data allows, and only the number of steps it needs goes down."""

    def __init__(self, paths, device, gen, max_positions, max_repeat=None):
        self.rows, self.holes = [], []
        self.dropped_repeating = 0
        for path in paths:
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    try:
                        o = json.loads(line)
                        canvas, start, length = o["canvas"], int(o["holeStart"]), int(o["holeLength"])
                    except (ValueError, KeyError, TypeError) as e:
                        sys.exit(f"{path} line {n} is not an `eval --outputs` line ({e}): regenerate it with "
                                 "./quicksilver eval --outputs")
                    if start < 1 or length < 1 or start + length > len(canvas) or len(canvas) > max_positions:
                        continue   # the first position is never predicted (shifted logits); too long for the model
                    if max_repeat is not None and repeated_pairs(canvas[start:start + length]) > max_repeat:
                        # The model's own loops (`, null, null, ...`): the certainty term would make them surer.
                        self.dropped_repeating += 1
                        continue
                    self.rows.append(torch.tensor(canvas, dtype=torch.long))
                    self.holes.append((start, length))
        if not self.rows:
            sys.exit(f"no usable rows in --teacher {', '.join(paths)}")
        self.device = device
        self.gen = gen

    def batch(self, b):
        """Rows padded to their longest with PAD (a key mask hides the padding), the hole mask, hole sizes."""
        pick = torch.randint(0, len(self.rows), (b,), generator=self.gen, device=self.device).tolist()
        width = max(self.rows[i].numel() for i in pick)
        tokens = torch.full((b, width), PAD, dtype=torch.long)
        real = torch.zeros((b, width), dtype=torch.bool)
        hole = torch.zeros((b, width), dtype=torch.bool)
        sizes = torch.zeros(b)
        for r, i in enumerate(pick):
            n = self.rows[i].numel()
            start, length = self.holes[i]
            tokens[r, :n] = self.rows[i]
            real[r, :n] = True
            hole[r, start:start + length] = True
            sizes[r] = length
        return tokens.to(self.device), real.to(self.device), hole.to(self.device), sizes.to(self.device)


def teacher_loss(model, teacher, batcher, batch, certainty):
    """The diffusion loss of diffusion_loss's edit rows on the teacher's canvases: a fraction t of the hole
    masked (at least one position), cross-entropy against the model's own infill weighted 1/t, plus the
    certainty term on content positions only. The model's infills are mostly EOS and pads (it stops
    early); forcing certainty on those too made the distilled model stop earlier than its teacher and
    lose a third of its character similarity (docs/benchmarks.md, "Self-distillation")."""
    target, real, hole, sizes = teacher.batch(batch)
    masked, t = mask_span(batcher, hole, sizes)
    noisy = torch.where(masked, torch.full_like(target, MASK), target)
    w = masked.float() / t[:, None] / sizes[:, None]
    logits, wanted, loss = score_masked(model, model(noisy, key_mask=real), target, w)
    content = (wanted != PAD) & (wanted != EOS)
    if certainty > 0 and content.any():
        loss = loss + certainty * certainty_term(logits[content], wanted[content])
    return loss, target.numel()


def ar_loss(model, backbone, batcher, batch):
    x = batcher.windows(batch)
    b = x.shape[0]
    half = b // 2
    rows = torch.cat([x[:half], batcher.fim_rows(x[half:])])
    logits = model.logits(backbone(rows))
    ce = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]).float(), rows[:, 1:].reshape(-1))
    return ce, {}


@torch.no_grad()
def heldout_loss(model, objective, heldout, args, device):
    """Loss on fixed held-out windows with a fixed generator: comparable across steps and runs."""
    gen = torch.Generator(device=device)
    gen.manual_seed(777)
    batcher = Batcher(heldout, args.newline_ids, args.seq, device, gen)
    model.eval()
    losses = []
    for _ in range(4):
        with autocast(device):
            loss, _ = (diffusion_loss if objective == "diffusion" else ar_loss)(model, model, batcher, 32)
        losses.append(loss.item())
    model.train()
    return sum(losses) / len(losses)


def autocast(device):
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return torch.autocast("cpu", enabled=False)


def lr_at(step, total, peak, warmup):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--objective", choices=["diffusion", "ar"], required=True)
    ap.add_argument("--tokens", required=True, help="training token stream (.npy, uint16)")
    ap.add_argument("--heldout-tokens", help="held-out token stream (.npy, uint16)")
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True, help="model directory to export")
    ap.add_argument("--work", default="training/work/run", help="checkpoints and logs")
    ap.add_argument("--steps", type=int, help="total optimizer steps")
    ap.add_argument("--time-budget", type=float, help="seconds of training; fixes --steps after warm-up")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seq", type=int, default=512)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--ckpt-every", type=int, default=1000)
    ap.add_argument("--export-every", type=int, default=0, help="also export the model every N steps")
    ap.add_argument("--certainty", type=float, default=0.0,
                    help="weight of the certainty-forcing term (entropy of the right predictions on masked "
                         "positions; diffusion only): more tokens per forward at a confidence threshold")
    ap.add_argument("--certainty-last", type=float, default=1.0,
                    help="apply --certainty only in this last fraction of the steps (1.0: all of them), so one "
                         "run from scratch can end with the certainty phase")
    ap.add_argument("--teacher", action="append", default=[], metavar="FILE",
                    help="self-distillation rows (diffusion only): `./quicksilver eval --outputs` files of the "
                         "model's own infills; see Teacher. Repeat for several files")
    ap.add_argument("--teacher-fraction", type=float, default=1.0,
                    help="fraction of each batch's rows drawn from --teacher; the rest are the usual corpus rows")
    ap.add_argument("--teacher-max-repeat", type=float, default=None, metavar="SHARE",
                    help="drop teacher rows whose answer repeats more than this share of its adjacent token pairs "
                         "(eval's repeatedPairs; the expected middles average ~0.05): the model's own loops")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--init-from", help="start from the weights of an exported model directory "
                                        "(fresh optimizer; for continued training)")
    ap.add_argument("--compile", choices=["auto", "on", "off"], default="auto",
                    help="torch.compile the backbone (auto: on a GPU with PyTorch 2; falls back to eager "
                         "if compilation fails on the first step)")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--shape", default="{}", help="JSON overrides of the model shape")
    ap.add_argument("--hardware", default="", help="free text for the model card")
    args = ap.parse_args()
    if not args.steps and not args.time_budget:
        sys.exit("give --steps N or --time-budget SECONDS")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    os.makedirs(args.work, exist_ok=True)

    with open(args.tokenizer, encoding="utf-8") as f:
        vocab = json.load(f)["model"]["vocab"]
    args.newline_ids = torch.tensor([i for t, i in vocab.items() if "\u010a" in t], device=device)
    shape = Shape(**{**{"vocab_size": len(vocab)}, **json.loads(args.shape)})
    model = QuicksilverModel(shape, causal=args.objective == "ar").to(device)
    if args.init_from:
        missing = model.load_state_dict(read_model_dir(args.init_from, device), strict=True)
        log(f"initialised from {args.init_from} ({missing})")
    n_params = sum(p.numel() for p in model.parameters())
    log(f"{args.objective}: {n_params / 1e6:.2f}M parameters, shape {shape}, device {device}")

    tokens = torch.from_numpy(np.load(args.tokens).astype(np.int32)).to(device)
    heldout = (torch.from_numpy(np.load(args.heldout_tokens).astype(np.int32)).to(device)
               if args.heldout_tokens else None)
    log(f"{tokens.numel() / 1e6:.1f}M training tokens")
    gen = torch.Generator(device=device)
    gen.manual_seed(args.seed)
    batcher = Batcher(tokens, args.newline_ids, args.seq, device, gen)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt_kwargs = {"fused": True} if device.type == "cuda" else {}
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95), **opt_kwargs)
    if args.certainty and args.objective != "diffusion":
        sys.exit("--certainty applies to the diffusion objective only")
    if not 0 < args.certainty_last <= 1:
        sys.exit("--certainty-last must be a fraction in (0, 1]")
    if args.teacher and args.objective != "diffusion":
        sys.exit("--teacher applies to the diffusion objective only")
    if not 0 < args.teacher_fraction <= 1:
        sys.exit("--teacher-fraction must be a fraction in (0, 1]")
    teacher = Teacher(args.teacher, device, gen, shape.max_position_embeddings,
                      args.teacher_max_repeat) if args.teacher else None
    teacher_rows = round(args.batch * args.teacher_fraction) if teacher else 0
    if teacher:
        log(f"{len(teacher.rows)} teacher rows from {', '.join(args.teacher)}: {teacher_rows} of each batch's "
            f"{args.batch} rows" + (f"; {teacher.dropped_repeating} dropped for repeating more than "
                                    f"{args.teacher_max_repeat} of their pairs" if args.teacher_max_repeat is not None else ""))
    # The held-out loss runs the eager module (another batch size would recompile); training runs the
    # compiled backbone, which shares the module's parameters.
    backbone = model
    if args.compile == "on" or (args.compile == "auto" and device.type == "cuda" and hasattr(torch, "compile")):
        backbone = torch.compile(model)
        log("backbone compiled with torch.compile")

    step, total = 0, args.steps
    ckpt_path = os.path.join(args.work, f"{args.objective}.ckpt")
    if args.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=device)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, total = ck["step"], ck["total"]
        gen.set_state(ck["gen"].cpu() if device.type == "cpu" else ck["gen"])
        log(f"resumed at step {step} of {total}")

    def save_checkpoint():
        tmp = ckpt_path + ".tmp"
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "total": total,
                    "gen": gen.get_state()}, tmp)
        os.replace(tmp, ckpt_path)

    history = []
    tokens_seen = 0
    t_start = time.time()
    t_calib = None
    while total is None or step < total:
        if total is None and step in (30, 80) and device.type == "cuda":
            torch.cuda.synchronize()   # steps are queued asynchronously; time what has run
        if total is None and step == 30:
            t_calib = time.time()
        if total is None and step == 80:
            per_step = (time.time() - t_calib) / 50
            total = max(100, int((args.time_budget - (time.time() - t_start)) / per_step) + step)
            log(f"{per_step * 1000:.1f} ms/step: training for {total} steps (reproduce with --steps {total})")
        lr = lr_at(step, total or 10 ** 9, args.lr, args.warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        step_tokens = args.batch * args.seq   # teacher rows have their own lengths
        try:
            with autocast(device):
                if args.objective == "diffusion":
                    in_phase = args.certainty_last >= 1 or (total is not None and step >= total * (1 - args.certainty_last))
                    certainty = args.certainty if in_phase else 0.0
                    corpus_rows = args.batch - teacher_rows
                    loss = 0.0
                    if teacher_rows:
                        distill_loss, distill_tokens = teacher_loss(model, teacher, batcher, teacher_rows, certainty)
                        loss = distill_loss * teacher_rows / args.batch
                        step_tokens = distill_tokens + corpus_rows * args.seq
                    if corpus_rows:
                        corpus_loss, _ = diffusion_loss(model, backbone, batcher, corpus_rows, certainty=certainty)
                        loss = loss + corpus_loss * corpus_rows / args.batch
                else:
                    loss, _ = ar_loss(model, backbone, batcher, args.batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
        except Exception as e:  # noqa: BLE001 - a compiler failure must not cost the run
            if backbone is model or step > 0:
                raise
            log(f"torch.compile failed on the first step ({type(e).__name__}: {str(e)[:300]}); training eager")
            backbone = model
            opt.zero_grad(set_to_none=True)
            continue
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tokens_seen += step_tokens
        if step % 100 == 0 or step == total:
            entry = {"step": step, "loss": round(loss.item(), 4), "lr": round(lr, 6),
                     "elapsed_s": round(time.time() - t_start, 1)}
            if heldout is not None and (step % 500 == 0 or step == total):
                entry["heldout_loss"] = round(heldout_loss(model, args.objective, heldout, args, device), 4)
            history.append(entry)
            log(json.dumps(entry))
        if step % args.ckpt_every == 0:
            save_checkpoint()
        if args.export_every and step % args.export_every == 0 and step != total:
            do_export(model, args, shape, n_params, step, total, tokens_seen, time.time() - t_start, history)
    save_checkpoint()
    do_export(model, args, shape, n_params, step, total, tokens_seen, time.time() - t_start, history)
    log("done")


def do_export(model, args, shape, n_params, step, total, tokens_seen, wall, history):
    diffusion = args.objective == "diffusion"
    generation = {"pad_token_id": 0, "eos_token_id": 1, "mask_token_id": 2,
                  "max_new_tokens": 64, "temperature": 0.0}
    if diffusion:
        generation.update({"sampler": "threshold", "threshold": 0.9, "block_length": 32, "cache": "dual",
                           "alg": "confidence_threshold"})
    else:
        generation.update({"mode": "ar"})
    last = history[-1] if history else {}
    card = f"""# {os.path.basename(os.path.normpath(args.out))}

The {"embedded default diffusion model" if diffusion else "autoregressive twin of the embedded model"} of
Quicksilver: a {n_params / 1e6:.1f}M-parameter Qwen2-layout transformer ({shape.num_hidden_layers} layers,
hidden {shape.hidden_size}, {shape.num_attention_heads} query / {shape.num_key_value_heads} KV heads, FFN
{shape.intermediate_size}, vocabulary {shape.vocab_size}, tied embeddings, bf16 weights), trained from scratch on
Java by `training/train.py --objective {args.objective}` ({"masked diffusion with edit-shaped infill rows, bidirectional attention, logits shifted by one" if diffusion else "next-token prediction with half the rows in fill-in-the-middle (PSM) order, causal attention"}).

| | |
|---|---|
| data | `training/corpus.md` (permissively licensed Maven Central sources; jsoup and jgrapht never included) |
| tokenizer | byte-level BPE, `training/tokenizer/` |
| steps | {step} of {total}, batch {args.batch} x {args.seq} tokens, seed {args.seed}, peak lr {args.lr} |
| started from | {("the weights of an earlier export of this model (continued training, fresh optimizer); the first run is recorded in training/runs/") if args.init_from else "random initialisation"} |
| self-distillation | {(f"{args.teacher_fraction:.0%} of each batch from the model's own infills ({', '.join(os.path.basename(t) for t in args.teacher)}), certainty weight {args.certainty}") if args.teacher else "none"} |
| tokens seen | {tokens_seen / 1e6:.0f}M |
| wall time | {wall:.0f} s |
| hardware | {args.hardware or "not recorded"} |
| last training loss | {last.get("loss")} |
| held-out loss | {next((h["heldout_loss"] for h in reversed(history) if "heldout_loss" in h), None)} |

Eval numbers (`./quicksilver eval`) are in `docs/benchmarks.md`.

Training log (every 100 steps):

```
{chr(10).join(json.dumps(h) for h in history[-60:])}
```
"""
    export(model, args.out, args.tokenizer, generation, card)
    log(f"exported step {step} to {args.out}")


if __name__ == "__main__":
    main()
