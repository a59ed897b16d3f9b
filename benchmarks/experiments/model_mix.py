"""Dev trial (session 16): rescore with a weighted mean of Gemma 3's and SmolLM2's
log-probabilities; Gemma 3 alone reads prefixes for the cheap pass, whose
next-token distributions are over its own vocabulary.

Run: .venv/bin/python benchmarks/experiments/model_mix.py sotu 0.5   (CORPUS WEIGHT)

Same paragraphs, seeds and metrics as ``benchmarks/tune.py --model gemma3
--paragraphs 15`` (DEV split, rate 0.25, the default decoder settings), so its
base line is the comparison. ``model_mix.patch`` puts the mix in the library
as ``--model gemma3+smollm2``; not adopted yet (BENCHMARKS.md, Restoration, session 16).
"""

from __future__ import annotations

import sys
import time
import zlib

from unspin.corpora import sample_paragraphs
from unspin.decode import Config, restore
from unspin.evaluate import Counts, edit_outcomes, score_restoration
from unspin.lm import load_model
from unspin.spin import spin
from unspin.text import words


class Mix:
    """Gemma 3 in everything but rescoring, where both models' scores are mixed."""

    def __init__(self, main, other, weight: float):
        self.main, self.other, self.weight = main, other, weight

    def __getattr__(self, name):
        return getattr(self.main, name)

    def continuation_logprobs(self, prefix, texts):
        first = self.main.continuation_logprobs(prefix, texts)
        second = self.other.continuation_logprobs(prefix, texts)
        return [self.weight * a + (1 - self.weight) * b for a, b in zip(first, second)]


def main() -> None:
    corpus, weight = sys.argv[1], float(sys.argv[2])
    lm = Mix(load_model("gemma3"), load_model("smollm2"), weight)
    counts, outcomes, n_words, began = Counts(), [], 0, time.perf_counter()
    for pid, text in sample_paragraphs(corpus, "dev", 15):
        spun = spin(text, 0.25, seed=zlib.crc32(f"{pid}:tune".encode()))
        restored = restore(spun.text, model=lm, config=Config())
        counts += score_restoration(text, spun, restored)
        outcomes += edit_outcomes(spun, restored)
        n_words += len(words(spun.text))
    high = [ok for conf, ok in outcomes if conf >= 0.9]
    print(f"{corpus} weight {weight}: acc {counts.accuracy:.1%} "
          f"false {counts.false_change_rate:.2%} P {counts.precision:.3f} R {counts.recall:.3f} "
          f"conf>=0.9 right {sum(high)}/{len(high)} "
          f"{n_words / (time.perf_counter() - began):.0f} w/s")


if __name__ == "__main__":
    main()
