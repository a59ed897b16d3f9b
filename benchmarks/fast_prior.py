"""Choose the fast mode's spin prior on DEV: AUC of the fast score for several values.

Run: .venv/bin/python benchmarks/fast_prior.py --paragraphs 300 0.005,0.01,0.02,0.05,0.1,0.25

The fast score averages, over a text's words, log((1 - r) + r * spin_ratio(word)):
the log-likelihood ratio of "a share r of the words were spun" against "none
were", with English word frequencies as the language model. Small r weighs the
evidence of light spinning most. Also prints the session 2 score (share of
words with a much more common original, weighted by the gap) for comparison.
Spun paragraphs are the same as detect_calibrate.py's (same seeds).
"""

from __future__ import annotations

import argparse
import math
import zlib

from unspin.corpora import sample_paragraphs
from unspin.evaluate import auc
from unspin.screen_table import FAST_MIN_GAP, likely_original, spin_ratio
from unspin.spin import spin
from unspin.text import is_name, words

RATES = (0.1, 0.25, 0.4)


def gap_score(word: str) -> float:
    """Session 2's per-word score: 0 without a much more common original."""
    found = likely_original(word)
    return 0.0 if found is None else 1.0 - math.exp(-(found[1] - FAST_MIN_GAP + 0.5))


def mean_over_words(text: str, per_word) -> float:
    tokens = words(text)
    total = sum(per_word(t.text.lower()) for t in tokens if not is_name(text, t))
    return total / (len(tokens) or 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("priors", help="comma-separated spin priors to try")
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    args = parser.parse_args()
    scorers = {"session 2 (gap share)": gap_score}
    for prior in (float(p) for p in args.priors.split(",")):
        scorers[f"likelihood ratio, r={prior}"] = (
            lambda w, r=prior: math.log(1.0 - r + r * spin_ratio(w)))
    print("| score | corpus | " + " | ".join(f"AUC @{r}" for r in RATES) + " |")
    print("|---|---|" + "---|" * len(RATES))
    for corpus in ("sotu", "brown"):
        texts: dict[float, list[str]] = {0.0: []}
        for pid, text in sample_paragraphs(corpus, args.split, args.paragraphs):
            texts[0.0].append(text)
            for rate in RATES:
                spun = spin(text, rate, seed=zlib.crc32(f"{pid}:{rate}".encode()))
                texts.setdefault(rate, []).append(spun.text)
        for name, per_word in scorers.items():
            scores = {rate: [mean_over_words(t, per_word) for t in group]
                      for rate, group in texts.items()}
            cells = " | ".join(f"{auc(scores[r], scores[0.0]):.3f}" for r in RATES)
            print(f"| {name} | {corpus} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
