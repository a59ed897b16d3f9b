"""Fast-mode screening speed: words per second over test-split text, cold and warm caches.

Run: .venv/bin/python benchmarks/detect_speed.py [--words 200000]
"""

from __future__ import annotations

import argparse
import time

from unspin.corpora import load_corpus, split
from unspin.detect import detect
from unspin.text import words


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=200_000)
    args = parser.parse_args()
    texts, n = [], 0
    for corpus in ("sotu", "brown"):
        for doc in split(load_corpus(corpus), "test"):
            texts.append(doc.text)
            n += len(words(doc.text))
            if n >= args.words:
                break
        if n >= args.words:
            break
    for label in ("cold caches", "warm caches"):
        began = time.perf_counter()
        for text in texts:
            detect(text, mode="fast")
        seconds = time.perf_counter() - began
        print(f"| fast | {label} | {n:,} | {seconds:.1f} s | {n / seconds:,.0f} |")


if __name__ == "__main__":
    main()
