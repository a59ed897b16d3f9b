"""Fit detect()'s logistic calibration on DEV paragraphs and report AUC per spin rate.

Run: .venv/bin/python benchmarks/detect_calibrate.py --mode fast --paragraphs 300
     .venv/bin/python benchmarks/detect_calibrate.py --mode full --paragraphs 20

Clean paragraphs (rate 0) are negatives; the same paragraphs spun at 0.1, 0.25
and 0.4 are positives. Prints the (a, b) to put in unspin.detect.CALIBRATION.
With --split test it only evaluates (AUC, false-positive rate at 0.5).
"""

from __future__ import annotations

import argparse
import time
import zlib

import numpy as np

from unspin import detect as detect_module
from unspin.corpora import sample_paragraphs
from unspin.evaluate import auc
from unspin.spin import spin
from unspin.text import words

RATES = (0.1, 0.25, 0.4)


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray,
                 steps: int = 50) -> tuple[float, float]:
    """Weighted maximum-likelihood a, b for P(y=1) = sigmoid(a*x + b), by Newton's method."""
    a, b = 0.0, 0.0
    design = np.stack([x, np.ones_like(x)], axis=1)
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a * x + b)))
        grad = design.T @ (w * (y - p))
        hess = design.T @ (design * (w * p * (1 - p))[:, None]) + 1e-6 * np.eye(2)
        a, b = np.array([a, b]) + np.linalg.solve(hess, grad)
    return float(a), float(b)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", default="fast", choices=["fast", "full"])
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    args = parser.parse_args()
    for corpus in ("sotu", "brown"):
        data = sample_paragraphs(corpus, args.split, args.paragraphs)
        scores = {0.0: []}
        n_words, seconds = 0, 0.0
        for pid, text in data:
            began = time.perf_counter()
            scores[0.0].append(detect_module.detect(text, mode=args.mode).spun_fraction)
            seconds += time.perf_counter() - began
            n_words += len(words(text))
            for rate in RATES:
                spun = spin(text, rate, seed=zlib.crc32(f"{pid}:{rate}".encode())).text
                scores.setdefault(rate, []).append(
                    detect_module.detect(spun, mode=args.mode).spun_fraction)
        a, b = detect_module.CALIBRATION[args.mode]
        flagged = np.mean([1 / (1 + np.exp(-(a * s + b))) >= 0.5 for s in scores[0.0]])
        print(f"{corpus} {args.split} {args.mode}: " + ", ".join(
            f"AUC@{r} {auc(scores[r], scores[0.0]):.3f}" for r in RATES) +
            f", clean flagged {flagged:.1%}, {n_words / seconds:,.0f} words/s on clean text")
        if args.split == "dev":
            x = np.array([s for r in scores for s in scores[r]])
            y = np.array([float(r > 0) for r in scores for _ in scores[r]])
            # Spun and clean weigh the same in total: a prior of one half.
            w = np.where(y > 0, 1.0 / len(RATES), 1.0)
            a, b = fit_logistic(x, y, w)
            print(f"  fit: a={a:.2f} b={b:.2f}")


if __name__ == "__main__":
    main()
