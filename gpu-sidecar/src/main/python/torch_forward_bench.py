"""Times one PyTorch CPU forward of a model directory, for `./quicksilver bench engine`.

    /usr/bin/python3 torch_forward_bench.py --model DIR --tokens 256 --threads 2 --runs 5 [--reference PATH]

Loads the weights with the repository's PyTorch reference model (gpu-sidecar/src/test/python/
reference_model.py: the same math as the Java engine, in float32), runs a bidirectional forward over a
1 x tokens canvas, warms up once, then prints one JSON line:
{"torch": "<version>", "threads": N, "tokens": T, "runs_ms": [...], "median_ms": M}.
On failure it prints {"error": "<one sentence>"} and exits with status 2.
"""

import argparse
import json
import os
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reference", help="path of reference_model.py (default: found from this file)")
    args = parser.parse_args()

    try:
        import torch
    except ImportError as e:
        print(json.dumps({"error": "PyTorch is not installed for " + sys.executable + " (" + str(e) + ")"}))
        sys.exit(2)
    reference = args.reference or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test",
                                               "python", "reference_model.py")
    if not os.path.exists(reference):
        print(json.dumps({"error": "reference_model.py not found at " + reference}))
        sys.exit(2)
    sys.path.insert(0, os.path.dirname(os.path.abspath(reference)))
    import reference_model

    torch.set_num_threads(args.threads)
    model = reference_model.load_model(args.model)
    vocab = int(model.config.get("vocab_size", 256))
    generator = torch.Generator().manual_seed(0)
    tokens = torch.randint(0, min(vocab, 256), (1, args.tokens), generator=generator)
    with torch.no_grad():
        model.forward(tokens)  # warm-up
        runs = []
        for _ in range(args.runs):
            start = time.perf_counter()
            model.forward(tokens)
            runs.append((time.perf_counter() - start) * 1000.0)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "tokens": args.tokens,
                      "runs_ms": runs, "median_ms": statistics.median(runs)}))


if __name__ == "__main__":
    main()
