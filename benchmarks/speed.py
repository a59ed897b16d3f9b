"""Restore speed on a ~1,000-word spun article, model load included, and where time goes.

Run: .venv/bin/python benchmarks/speed.py [--model smollm2] [--words 1000] [--set KEY=V,...]
     .venv/bin/python benchmarks/speed.py --model gemma3 --detect [--set posterior_doubts=0]

``--detect`` decodes as the full detection mode does (``detect.detector_settings``),
its second reading of the words left alone (``unspin.doubt``) included, and
adds the doubts it reports to the row.

Uses test-split SOTU paragraphs spun at rate 0.25. Run it on an otherwise idle
machine: llama.cpp's threads spin-wait, and a busy core slows it many times.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

from tune import parse_settings, start

from unspin.corpora import sample_paragraphs
from unspin.spin import spin
from unspin.text import words


def article(n_words: int = 1000) -> tuple[str, int]:
    """The spun article: test SOTU paragraphs up to ``n_words`` words, spun at 0.25
    (seed 1), and how many words the paragraphs had before spinning."""
    chunks, n = [], 0
    for _, text in sample_paragraphs("sotu", "test", 200):
        chunks.append(text)
        n += len(words(text))
        if n >= n_words:
            break
    return spin("\n\n".join(chunks), 0.25, seed=1).text, n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--set", default="",
                        help="decoder settings to change from the model's, e.g. joint_options=1")
    parser.add_argument("--detect", action="store_true",
                        help="decode with the full detection mode's settings instead")
    args = parser.parse_args()
    spun, n = article(args.words)
    began = time.perf_counter()
    from unspin.decode import restore
    from unspin.lm import load_model

    lm = load_model(args.model)
    loaded = time.perf_counter()
    timed = _TimedModel(lm)
    if args.detect:
        from unspin.detect import detector_settings

        config = replace(detector_settings(args.model), **parse_settings(args.set))
    else:
        config = start(args.model, parse_settings(args.set))
    result = restore(spun, model=timed, config=config)
    done = time.perf_counter()
    total = done - began
    print(f"| {args.model} | {n} | {total:.1f} s | {n / total:.0f} | {loaded - began:.2f} s | "
          f"{timed.seconds:.1f} s ({timed.seconds / total:.0%}) | "
          f"{done - loaded - timed.seconds:.1f} s | {len(result.edits)} |"
          + (f" {len(result.doubts)} doubts |" if args.detect else ""))


class _TimedModel:
    """Wraps a model and adds up the time spent inside it."""

    def __init__(self, lm):
        self.lm, self.seconds = lm, 0.0

    def __getattr__(self, name):
        attr = getattr(self.lm, name)
        if not callable(attr):
            return attr

        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - began
        return timed


if __name__ == "__main__":
    main()
