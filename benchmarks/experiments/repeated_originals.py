"""Would "the original appears elsewhere in the paragraph" tell spun words from clean ones?

Run: .venv/bin/python benchmarks/experiments/repeated_originals.py [--paragraphs 100]

On DEV paragraphs spun at rate 0.25 (the tune seeds), counts the spun words whose
original appears elsewhere in the spun paragraph, and the clean words with
candidates of which at least one appears elsewhere: a bonus for such candidates
would reach those clean words too. No model is loaded.
"""

from __future__ import annotations

import argparse
import collections
import zlib

from unspin.corpora import sample_paragraphs
from unspin.lexicon import restores_from
from unspin.spin import spin
from unspin.text import words


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paragraphs", type=int, default=100)
    args = parser.parse_args()
    counts = collections.Counter()
    for corpus in ("sotu", "brown"):
        for pid, text in sample_paragraphs(corpus, "dev", args.paragraphs):
            out = spin(text, 0.25, seed=zlib.crc32(f"{pid}:tune".encode()))
            tokens = words(out.text)
            present = collections.Counter(t.text.lower() for t in tokens)
            spun_at = {(e.start, e.end) for e in out.edits}
            for edit in out.edits:
                if " " not in edit.spun:
                    counts["spun words"] += 1
                    counts["spun, original elsewhere"] += present[edit.original.lower()] > 0
            for token in tokens:
                if (token.start, token.end) in spun_at:
                    continue
                word = token.text.lower()
                candidates = {link.word for link in restores_from(word)} - {word}
                if candidates:
                    counts["clean words with candidates"] += 1
                    counts["clean, a candidate elsewhere"] += any(present[c] for c in candidates)
    for key, n in counts.items():
        print(f"{key:30} {n}")


if __name__ == "__main__":
    main()
