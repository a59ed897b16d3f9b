"""Batch throughput with --jobs 1 and --jobs 2 on the same 1,000 documents.

Documents are test-split text spun at rate 0.25: whole paragraphs, or single
sentences (``--unit sentence``) so that an LM task finishes in minutes. Each run
is a fresh ``unspin batch`` process, model loading included; run on an idle
machine.

    .venv/bin/python benchmarks/batch_scaling.py --task detect --fast
    .venv/bin/python benchmarks/batch_scaling.py --task restore --unit sentence --model smollm2
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from unspin import spin
from unspin.corpora import sample_paragraphs
from unspin.decode import sentences


def documents(n: int, unit: str) -> list[dict]:
    texts = []
    per_corpus = min(n, 6000)   # Brown's test split has about 6,000 paragraphs
    for _, paragraph in (sample_paragraphs("sotu", "test", per_corpus, seed=1)
                         + sample_paragraphs("brown", "test", per_corpus, seed=1)):
        if unit == "paragraph":
            texts.append(paragraph)
        else:
            texts += [paragraph[a:b].strip() for a, b in sentences(paragraph)
                      if len(paragraph[a:b].split()) >= 12]
    texts = texts[::2][:n // 2] + texts[1::2][:n - n // 2]
    return [{"id": i, "text": spin(t, rate=0.25, seed=i).text} for i, t in enumerate(texts)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=["restore", "detect"], default="detect")
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--model", default=None)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--unit", choices=["paragraph", "sentence"], default="paragraph")
    parser.add_argument("--jobs", default="1,2")
    args = parser.parse_args()

    rows = documents(args.docs, args.unit)
    n_words = sum(len(r["text"].split()) for r in rows)
    folder = Path(tempfile.mkdtemp(prefix="unspin-batch-"))
    source = folder / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    extra = (["--fast"] if args.fast else []) + (["--model", args.model] if args.model else [])
    label = f"{args.task}{' --fast' if args.fast else ''}{' ' + args.model if args.model else ''}"
    rates = {}
    for jobs in [int(j) for j in args.jobs.split(",")]:
        out = folder / f"out-{jobs}.jsonl"
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "unspin.cli", "batch", str(source), "-o", str(out),
                        "--task", args.task, "--jobs", str(jobs), *extra], check=True)
        seconds = time.monotonic() - started
        rates[jobs] = len(rows) / seconds
        print(f"| {label} | {args.unit}s | {len(rows):,} | {n_words:,} | {jobs} | "
              f"{seconds:.1f} s | {rates[jobs]:.1f} | {n_words / seconds:,.0f} |", flush=True)
    if 1 in rates and 2 in rates:
        print(f"ratio jobs 2 / jobs 1: {rates[2] / rates[1]:.2f}")
    outputs = {out.read_bytes() for out in folder.glob("out-*.jsonl")}
    print("outputs identical across --jobs" if len(outputs) == 1 else "OUTPUTS DIFFER")


if __name__ == "__main__":
    main()
