"""Byte-level BPE: training, encoding, and export to the Hugging Face `tokenizer.json` format.

The scheme is GPT-2's (Radford et al. 2019): text is split by the GPT-2 pre-tokenization pattern, each
piece is mapped byte by byte to printable unicode characters, and merges learned on pair frequencies are
applied by rank. Exporting with the ByteLevel pre-tokenizer and decoder makes the Hugging Face tokenizers
library (and DJL, which wraps it) encode exactly as `Encoder.encode` here does, and makes
decode(encode(x)) == x for any text. Written from the paper's description and the tokenizer.json
format; nothing here is copied from another implementation.
"""
import heapq
import json
from collections import Counter, defaultdict

import regex

# The GPT-2 pre-tokenization pattern, as the ByteLevel pre-tokenizer applies it (use_regex=true).
PRETOKENIZE = regex.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")

SPECIAL_TOKENS = ["<|pad|>", "<|endoftext|>", "<|mask|>", "<|fim_prefix|>", "<|fim_suffix|>",
                  "<|fim_middle|>", "<|file|>"]
SPECIAL_SPLIT = regex.compile("(" + "|".join(regex.escape(t) for t in SPECIAL_TOKENS) + ")")


def byte_to_unicode():
    """GPT-2's reversible map from the 256 byte values to printable unicode characters: printable
    latin-1 bytes stand for themselves, the others are shifted past 255 so no piece has whitespace
    or control characters in it."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1))
                 + list(range(ord("\u00ae"), ord("\u00ff") + 1)))
    table = {}
    shifted = 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + shifted)
            shifted += 1
    return table


BYTE_TO_UNICODE = byte_to_unicode()
UNICODE_TO_BYTE = {c: b for b, c in BYTE_TO_UNICODE.items()}


def to_byte_string(piece):
    return "".join(BYTE_TO_UNICODE[b] for b in piece.encode("utf-8"))


def count_pieces(texts):
    counts = Counter()
    for text in texts:
        counts.update(PRETOKENIZE.findall(text))
    return Counter({to_byte_string(p): c for p, c in counts.items()})


def train(piece_counts, vocab_size, log=print):
    """Learns merges until the vocabulary (specials + 256 bytes + merges) reaches vocab_size.

    Pair counts are kept incrementally: a merge only touches the words that contain the pair, and a
    max-heap with lazy invalidation finds the next best pair."""
    base = [BYTE_TO_UNICODE[b] for b in range(256)]
    n_merges = vocab_size - len(SPECIAL_TOKENS) - len(base)
    words = [list(w) for w in piece_counts]
    freqs = list(piece_counts.values())
    pair_counts = Counter()
    where = defaultdict(set)
    for i, (w, f) in enumerate(zip(words, freqs)):
        for a, b in zip(w, w[1:]):
            pair_counts[(a, b)] += f
            where[(a, b)].add(i)
    # Ties are broken by the pair itself so training is deterministic.
    heap = [(-c, p) for p, c in pair_counts.items()]
    heapq.heapify(heap)
    merges = []
    while len(merges) < n_merges and heap:
        neg, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -neg:
            if pair_counts.get(pair, 0) > 0:
                heapq.heappush(heap, (-pair_counts[pair], pair))
            continue
        if -neg < 2:
            break
        merges.append(pair)
        merged = pair[0] + pair[1]
        touched = Counter()
        for i in list(where[pair]):
            w, f = words[i], freqs[i]
            j = 0
            out = []
            while j < len(w):
                if j + 1 < len(w) and w[j] == pair[0] and w[j + 1] == pair[1]:
                    out.append(merged)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            for a, b in zip(w, w[1:]):
                touched[(a, b)] -= f
            for a, b in zip(out, out[1:]):
                touched[(a, b)] += f
                where[(a, b)].add(i)
            words[i] = out
        for p, delta in touched.items():
            if delta == 0:
                continue
            pair_counts[p] += delta
            if pair_counts[p] > 0:
                heapq.heappush(heap, (-pair_counts[p], p))
            else:
                del pair_counts[p]
        del pair_counts[pair]
        where.pop(pair, None)
        if len(merges) % 1000 == 0:
            log(f"  {len(merges)} merges, last {merged!r}")
    vocab = {t: i for i, t in enumerate(SPECIAL_TOKENS)}
    for c in base:
        vocab[c] = len(vocab)
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    return vocab, merges


class Encoder:
    """Encodes text exactly as the exported tokenizer.json does (no special tokens are added)."""

    def __init__(self, vocab, merges):
        self.vocab = vocab
        self.ranks = {pair: r for r, pair in enumerate(merges)}
        self.id_to_token = {i: t for t, i in vocab.items()}
        self.cache = {}

    @classmethod
    def from_tokenizer_json(cls, path):
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
        merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in spec["model"]["merges"]]
        return cls(spec["model"]["vocab"], merges)

    def _bpe(self, piece):
        hit = self.cache.get(piece)
        if hit is not None:
            return hit
        symbols = list(piece)
        while len(symbols) > 1:
            best = None
            for j in range(len(symbols) - 1):
                r = self.ranks.get((symbols[j], symbols[j + 1]))
                if r is not None and (best is None or r < best[0]):
                    best = (r, j)
            if best is None:
                break
            a, b = symbols[best[1]], symbols[best[1] + 1]
            out = []
            j = 0
            while j < len(symbols):
                if j + 1 < len(symbols) and symbols[j] == a and symbols[j + 1] == b:
                    out.append(a + b)
                    j += 2
                else:
                    out.append(symbols[j])
                    j += 1
            symbols = out
        ids = [self.vocab[s] for s in symbols]
        if len(self.cache) < 2_000_000:
            self.cache[piece] = ids
        return ids

    def encode(self, text):
        # Special tokens written literally in the text are matched first, as the Hugging Face
        # tokenizer does with its added tokens; the text between them is pre-tokenized and merged.
        ids = []
        for part in SPECIAL_SPLIT.split(text):
            if part in self.vocab and part in SPECIAL_TOKENS:
                ids.append(self.vocab[part])
                continue
            for piece in PRETOKENIZE.findall(part):
                ids.extend(self._bpe(to_byte_string(piece)))
        return ids

    def decode(self, ids):
        specials = set(SPECIAL_TOKENS)
        out = bytearray()
        for i in ids:
            tok = self.id_to_token[i]
            if tok in specials:
                out.extend(tok.encode("utf-8"))
            else:
                out.extend(UNICODE_TO_BYTE[c] for c in tok)
        return out.decode("utf-8", errors="replace")


def tokenizer_json(vocab, merges):
    """The Hugging Face tokenizer.json document for this vocabulary (BPE model, ByteLevel
    pre-tokenizer and decoder, no normalizer, specials as added tokens)."""
    added = [{"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for t in SPECIAL_TOKENS]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                          "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False,
                           "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": [f"{a} {b}" for a, b in merges]},
    }
