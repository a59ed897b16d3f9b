"""Choose the fast mode's spin prior and phrase weight on DEV: AUC of the fast score.

Run: .venv/bin/python benchmarks/fast_prior.py --paragraphs 300 0.005,0.01,0.02,0.05,0.1,0.25
     .venv/bin/python benchmarks/fast_prior.py --paragraphs 300 0.02 --phrase-weights 0,1,2,3
     .venv/bin/python benchmarks/fast_prior.py --paragraphs 300 0.02 --phrase-weights 2 \
         --moby-shares 0,0.1,0.2,0.3,0.5 [--thesaurus moby]

The fast score averages, over a text's words, log((1 - r) + r * spin_ratio(word)):
the log-likelihood ratio of "a share r of the words were spun" against "none
were", with English word frequencies as the language model. Small r weighs the
evidence of light spinning most. With a phrase weight w, the same terms of the
two- and three-word phrases a spinner writes as one, times w, are added before
averaging. With a Moby share m, a word's spin ratio is the mix (1 - m) of the
built channel's and m of Moby's (``screen_table.moby_spin_ratio``). Also prints
the session 2 score (share of words with a much more common original, weighted
by the gap) for comparison. Spun paragraphs are the
same as detect_calibrate.py's (same seeds).
"""

from __future__ import annotations

import argparse
import math
import zlib

from unspin.corpora import sample_paragraphs
from unspin.detect import _gap_score, _phrases
from unspin.evaluate import auc
from unspin.screen_table import likely_original, moby_spin_ratio, spin_ratio
from unspin.spin import THESAURI, spin
from unspin.text import is_name, words

RATES = (0.1, 0.25, 0.4)


def gap_score(word: str) -> float:
    """Session 2's per-word score: 0 without a much more common original."""
    found = likely_original(word)
    return 0.0 if found is None else _gap_score(found[1])


def mean_over_words(text: str, per_word, phrase_weight: float = 0.0, prior: float = 0.0) -> float:
    tokens = words(text)
    lowered = [t.text.lower() for t in tokens]
    names = [is_name(text, t) for t in tokens]
    total = sum(per_word(word) for word, name in zip(lowered, names, strict=True) if not name)
    if phrase_weight:
        total += phrase_weight * sum(math.log(1.0 - prior + prior * ratio)
                                     for _, _, ratio, _ in _phrases(text, tokens, lowered, names))
    return total / (len(tokens) or 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("priors", help="comma-separated spin priors to try")
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    parser.add_argument("--phrase-weights", default="0",
                        help="comma-separated weights of the phrases' evidence to try")
    parser.add_argument("--moby-shares", default="0",
                        help="comma-separated shares of Moby's spin ratio in a word's to try")
    parser.add_argument("--thesaurus", default="lexicon", choices=THESAURI,
                        help="the simulator's spinner (unspin.spin)")
    args = parser.parse_args()
    scorers = {"session 2 (gap share)": (gap_score, 0.0, 0.0)}
    for prior in (float(p) for p in args.priors.split(",")):
        for weight in (float(w) for w in args.phrase_weights.split(",")):
            for share in (float(m) for m in args.moby_shares.split(",")):
                name = (f"likelihood ratio, r={prior}"
                        + (f", phrases x{weight:g}" if weight else "")
                        + (f", Moby {share:g}" if share else ""))
                scorers[name] = (lambda w, r=prior, m=share: math.log(
                    1.0 - r + r * ((1.0 - m) * spin_ratio(w) + m * moby_spin_ratio(w))),
                    weight, prior)
    print("| score | corpus | " + " | ".join(f"AUC @{r}" for r in RATES) + " |")
    print("|---|---|" + "---|" * len(RATES))
    for corpus in ("sotu", "brown"):
        texts: dict[float, list[str]] = {0.0: []}
        for pid, text in sample_paragraphs(corpus, args.split, args.paragraphs):
            texts[0.0].append(text)
            for rate in RATES:
                spun = spin(text, rate, seed=zlib.crc32(f"{pid}:{rate}".encode()),
                            thesaurus=args.thesaurus)
                texts.setdefault(rate, []).append(spun.text)
        for name, (per_word, weight, prior) in scorers.items():
            scores = {rate: [mean_over_words(t, per_word, weight, prior) for t in group]
                      for rate, group in texts.items()}
            cells = " | ".join(f"{auc(scores[r], scores[0.0]):.3f}" for r in RATES)
            print(f"| {name} | {corpus} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
