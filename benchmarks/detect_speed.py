"""Fast-mode screening speed: words per second over test-split text, cold and warm caches.

Run: .venv/bin/python benchmarks/detect_speed.py [--words 200000] [--spin 0.25 [--thesaurus moby]]

``--spin R`` spins each document first (the lexicon's spinner, or Moby's, at
rate R): spun text is where most words fall outside the main word table.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

from unspin.corpora import load_corpus, split
from unspin.detect import detect
from unspin.spin import spin
from unspin.text import words


def documents(n_words: int, rate: float, thesaurus: str) -> tuple[list[str], int]:
    """Test-split documents of both corpora, spun at ``rate`` if above 0, up to ``n_words``."""
    texts, n = [], 0
    for corpus in ("sotu", "brown"):
        for doc in split(load_corpus(corpus), "test"):
            text = (spin(doc.text, rate, seed=len(texts), thesaurus=thesaurus).text if rate
                    else doc.text)
            texts.append(text)
            n += len(words(text))
            if n >= n_words:
                return texts, n
    return texts, n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--spin", type=float, default=0.0, help="Spin each document first.")
    parser.add_argument("--thesaurus", choices=["lexicon", "moby"], default="lexicon")
    args = parser.parse_args()
    if args.spin:
        # Spinning warms the lexicon's caches; do it in another process so that
        # "cold" stays cold.
        with ProcessPoolExecutor(1) as pool:
            texts, n = pool.submit(documents, args.words, args.spin, args.thesaurus).result()
    else:
        texts, n = documents(args.words, 0.0, args.thesaurus)
    for label in ("cold caches", "warm caches"):
        began = time.perf_counter()
        for text in texts:
            detect(text, mode="fast")
        seconds = time.perf_counter() - began
        kind = f"spun at {args.spin:g} ({args.thesaurus})" if args.spin else "clean"
        print(f"| fast | {kind} | {label} | {n:,} | {seconds:.1f} s | {n / seconds:,.0f} |")


if __name__ == "__main__":
    main()
