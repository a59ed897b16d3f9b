"""Place a detection mode's default verdict threshold on the clean tail of the DEV split.

Run: .venv/bin/python benchmarks/verdict_threshold.py --mode full \
         --scores dev_full.json --clean dev_clean.jsonl
     .venv/bin/python benchmarks/verdict_threshold.py --mode fast --scores dev_fast.json

``--scores`` takes the (score, rate, corpus) triples that ``detect_calibrate.py
--scores-out`` saves (rate 0 is clean); ``--clean`` adds clean paragraphs scored
by ``clean_scores.py``. The threshold is the calibrated probability of the
score that all but ``--clean-share`` of the clean paragraphs stay below, rounded
up to two decimals; the script prints it with the share of spun paragraphs
that reach it at each rate. With ``--threshold T`` it only counts, per corpus
where the files say, how many clean paragraphs a given threshold calls spun
(those of ``--clean`` and the rate-0 ones of ``--scores``; use it on test files
to check a threshold placed on dev):

     .venv/bin/python benchmarks/verdict_threshold.py --mode full --threshold 0.9 \
         --clean test_clean.jsonl
"""

from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict

import numpy as np

from unspin.detect import CALIBRATION, calibrated, settings_key


def line_above(probability: float) -> float:
    """Session 3's verdict line: the probability rounded up to two decimals, strictly above.

    >>> line_above(0.876), line_above(0.88)
    (0.88, 0.89)
    """
    return math.ceil(probability * 100 + 1e-9) / 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", choices=["fast", "full"], required=True)
    parser.add_argument("--scores", action="append", default=[])
    parser.add_argument("--clean", action="append", default=[])
    parser.add_argument("--clean-share", type=float, default=0.005)
    parser.add_argument("--calibration", help="a,b instead of the packaged ones")
    parser.add_argument("--model", help="full mode: use this model's packaged calibration")
    parser.add_argument("--threshold", type=float, help="count what this threshold flags")
    args = parser.parse_args()
    calibration = (tuple(map(float, args.calibration.split(","))) if args.calibration
                   else CALIBRATION[settings_key(args.mode, args.model)])
    if args.threshold is not None:
        count_flagged(args.clean, args.threshold, calibration, args.scores)
        return
    by_rate: dict[float, list[float]] = defaultdict(list)
    for path in args.scores:
        with open(path, encoding="utf-8") as handle:
            for score, rate, *_ in json.load(handle):
                by_rate[float(rate)].append(score)
    for path in args.clean:
        with open(path, encoding="utf-8") as handle:
            by_rate[0.0] += [json.loads(line)["spun_score"] for line in handle]
    clean = np.sort(by_rate[0.0])
    allowed = math.floor(args.clean_share * len(clean))
    # The score of the highest clean paragraph that must not be flagged.
    edge = float(clean[len(clean) - 1 - allowed])
    threshold = line_above(calibrated(edge, calibration))
    print(f"{args.mode}: {len(clean)} clean paragraphs; all but {allowed} score at most "
          f"{edge:.4f}, probability {calibrated(edge, calibration):.3f}; "
          f"threshold {threshold:.2f}")
    for rate in sorted(by_rate):
        probabilities = [calibrated(s, calibration) for s in by_rate[rate]]
        print(f"  rate {rate}: {len(probabilities)} paragraphs, called spun: "
              f"{np.mean([p >= threshold for p in probabilities]):.1%} at {threshold:.2f}, "
              f"{np.mean([p >= 0.5 for p in probabilities]):.1%} at 0.50")


def count_flagged(paths: list[str], threshold: float, calibration: tuple[float, float],
                  score_paths: list[str] = ()) -> None:
    """Print, per corpus, how many clean paragraphs ``threshold`` calls spun
    (those in ``paths`` and the rate-0 ones in ``score_paths``)."""
    by_corpus: dict[str, list[float]] = defaultdict(list)
    for path in score_paths:
        with open(path, encoding="utf-8") as handle:
            for score, rate, corpus in json.load(handle):
                if rate == 0:
                    by_corpus[corpus].append(calibrated(score, calibration))
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                by_corpus[row["corpus"]].append(calibrated(row["spun_score"], calibration))
    for corpus, probabilities in by_corpus.items():
        flagged = sum(p >= threshold for p in probabilities)
        print(f"{corpus}: {flagged} of {len(probabilities)} clean paragraphs called spun at "
              f"{threshold:.2f} ({flagged / len(probabilities):.1%}); highest probability "
              f"{max(probabilities):.3f}")


if __name__ == "__main__":
    main()
