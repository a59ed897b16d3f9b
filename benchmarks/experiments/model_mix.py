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
from pathlib import Path

from unspin.corpora import sample_paragraphs
from unspin.decode import Config
from unspin.lm import load_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tune import run  # noqa: E402  (benchmarks/ is not a package)


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
    data = sample_paragraphs(corpus, "dev", 15)
    print(f"{corpus} weight {weight}:", run(Config(), data, lm, 0.25))


if __name__ == "__main__":
    main()
