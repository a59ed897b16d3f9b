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

from unspin.detect import CALIBRATION, detect
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
    parser.add_argument("--plot", help="write a reliability plot (PNG) to this path")
    args = parser.parse_args()
    predicted, observed = [], []
    for corpus in ("sotu", "brown"):
        data = sample_paragraphs(corpus, args.split, args.paragraphs)
        scores = {0.0: []}
        n_words, seconds = 0, 0.0
        for pid, text in data:
            began = time.perf_counter()
            scores[0.0].append(detect(text, mode=args.mode).spun_fraction)
            seconds += time.perf_counter() - began
            n_words += len(words(text))
            for rate in RATES:
                spun = spin(text, rate, seed=zlib.crc32(f"{pid}:{rate}".encode())).text
                scores.setdefault(rate, []).append(
                    detect(spun, mode=args.mode).spun_fraction)
        a, b = CALIBRATION[args.mode]
        flagged = np.mean([1 / (1 + np.exp(-(a * s + b))) >= 0.5 for s in scores[0.0]])
        print(f"{corpus} {args.split} {args.mode}: " + ", ".join(
            f"AUC@{r} {auc(scores[r], scores[0.0]):.3f}" for r in RATES) +
            f", clean flagged {flagged:.1%}, {n_words / seconds:,.0f} words/s on clean text")
        for rate, values in scores.items():
            predicted += [1 / (1 + np.exp(-(a * v + b))) for v in values]
            observed += [float(rate > 0)] * len(values)
        if args.split == "dev":
            x = np.array([s for r in scores for s in scores[r]])
            y = np.array([float(r > 0) for r in scores for _ in scores[r]])
            # Spun and clean weigh the same in total: a prior of one half.
            w = np.where(y > 0, 1.0 / len(RATES), 1.0)
            a, b = fit_logistic(x, y, w)
            print(f"  fit: a={a:.2f} b={b:.2f}")
    if args.plot:
        reliability_plot(np.array(predicted), np.array(observed), args.plot,
                         f"detect --{args.mode}, {args.split} split, rates 0-0.4")


def reliability_plot(predicted: np.ndarray, observed: np.ndarray, path: str, title: str) -> None:
    """Predicted probability against observed share of spun paragraphs, in ten bins."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    edges = np.linspace(0, 1, 11)
    which = np.clip(np.digitize(predicted, edges) - 1, 0, 9)
    xs, ys, ns = [], [], []
    for i in range(10):
        mask = which == i
        if mask.any():
            xs.append(predicted[mask].mean())
            ys.append(observed[mask].mean())
            ns.append(int(mask.sum()))
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot(xs, ys, "o-", label="unspin")
    for x, y, n in zip(xs, ys, ns):
        ax.annotate(str(n), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set(xlabel="predicted probability spun", ylabel="observed share spun", title=title,
           xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
