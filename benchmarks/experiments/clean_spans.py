"""Spans the full mode shows on clean text: the decoder's doubts against the posterior's (dev).

Run: .venv/bin/python benchmarks/experiments/clean_spans.py [--paragraphs 10]

Each clean dev paragraph is decoded once with the full mode's settings and the
decoder's doubts (doubt below 0.95, the rule before session 36); the words it
left alone are then read again as ``doubt.posterior_doubts`` reads them at the
default rule (0.7). Prints each paragraph's counts and the posterior's words.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from unspin.corpora import sample_paragraphs
from unspin.decode import for_text, restore
from unspin.detect import detector_settings
from unspin.doubt import posterior_doubts
from unspin.lm import load_model
from unspin.text import words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=10, help="per corpus, dev")
    parser.add_argument("--model", default="gemma3")
    args = parser.parse_args()
    lm = load_model(args.model)
    new = detector_settings(args.model)
    before = replace(new, posterior_doubts=False, doubt_below=0.95)
    for corpus in ("sotu", "brown"):
        n_words = edits = old = post = 0
        for pid, text in sample_paragraphs(corpus, "dev", args.paragraphs):
            restored = restore(text, model=lm, config=before)
            doubts = posterior_doubts(text, restored.edits, lm, for_text(new, text))
            n_words += len(words(text))
            edits, old, post = (edits + len(restored.edits), old + len(restored.doubts),
                                post + len(doubts))
            print(pid, len(restored.edits), len(restored.doubts), len(doubts),
                  [d.spun for d in doubts], flush=True)
        print(f"{corpus}: {n_words} words, edits {edits}, decoder doubts (0.95) {old}, "
              f"posterior doubts (0.7) {post}", flush=True)


if __name__ == "__main__":
    main()
