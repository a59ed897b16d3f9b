"""Fit detect()'s logistic calibration on DEV paragraphs and report AUC per spin rate.

Run: .venv/bin/python benchmarks/detect_calibrate.py --mode fast --paragraphs 300
     .venv/bin/python benchmarks/detect_calibrate.py --mode full --paragraphs 20

Clean paragraphs (rate 0) are negatives; the same paragraphs spun at 0.1, 0.25
and 0.4 are positives. Prints the (a, b) to put in unspin.detect.CALIBRATION.
With --split test it only evaluates (AUC, false-positive rate at the default threshold).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
import zlib
from dataclasses import replace

import numpy as np
from tune import parse_settings

from unspin.corpora import sample_paragraphs
from unspin.detect import (
    CALIBRATION,
    THRESHOLD,
    calibrated,
    detect,
    detector_settings,
    settings_key,
)
from unspin.evaluate import auc
from unspin.lm import load_model
from unspin.lm.registry import DEFAULT_MODEL
from unspin.spin import THESAURI, spin
from unspin.text import words

RATES = (0.1, 0.25, 0.4)
RIDGE = 0.01


def spin_seed(pid: str, rate: float) -> int:
    """The seed a paragraph is spun with at ``rate`` (full_refit.py spins it again)."""
    return zlib.crc32(f"{pid}:{rate}".encode())


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray,
                 steps: int = 50) -> tuple[float, float]:
    """Weighted maximum-likelihood a, b for P(y=1) = sigmoid(a*x + b), by Newton's method."""
    # x is scaled to unit spread and the slope gets a ridge penalty: the full mode
    # separates small samples perfectly, where plain maximum likelihood diverges.
    scale = float(np.std(x)) or 1.0
    z = x / scale
    a, b = 0.0, 0.0
    design = np.stack([z, np.ones_like(z)], axis=1)
    ridge = np.diag([RIDGE, 1e-6])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a * z + b)))
        grad = design.T @ (w * (y - p)) - ridge @ np.array([a, b])
        hess = design.T @ (design * (w * p * (1 - p))[:, None]) + ridge
        a, b = np.array([a, b]) + np.linalg.solve(hess, grad)
    return float(a / scale), float(b)


def span_overlaps(spans: list, others: list) -> list[bool]:
    """For each span, whether it overlaps any of ``others`` (both have start and end)."""
    return [any(o.start < s.end and s.start < o.end for o in others) for s in spans]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", default="fast", choices=["fast", "full"])
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    parser.add_argument("--plot", help="write a reliability plot (PNG) to this path")
    parser.add_argument("--calibration", help="a,b to evaluate instead of the packaged ones")
    parser.add_argument("--scores-out",
                        help="save (score, rate, corpus) triples as JSON for refitting")
    parser.add_argument("--scores-in", help="fit and plot from a --scores-out file; no decoding")
    parser.add_argument("--spans-out",
                        help="save the found and the spun spans of each rate-0.25 paragraph "
                             "(JSON lines) to study span rules without decoding again")
    parser.add_argument("--skip", type=int, default=0,
                        help="leave out the first N paragraphs per corpus (a later run can "
                             "extend an earlier one: the sample is a prefix of one order)")
    parser.add_argument("--spun-only", action="store_true",
                        help="leave the clean paragraphs out (for --spans-out alone: the "
                             "spans are counted on spun ones; no AUC or fit is printed)")
    parser.add_argument("--rates", default=",".join(map(str, RATES)),
                        help="spin rates of the positives (comma-separated); "
                             "'none' scores clean paragraphs only (false-positive rate)")
    parser.add_argument("--model", default=DEFAULT_MODEL,
                        help="full mode: the model to decode with (its own calibration)")
    parser.add_argument("--doubt-below", type=float,
                        help="report doubts up to this confidence of keeping (spans only; "
                             "the scores do not change), to study looser span rules")
    parser.add_argument("--thesaurus", default="lexicon", choices=THESAURI,
                        help="the simulated spinner's thesaurus (unspin.spin); the packaged "
                             "calibration was fitted on the lexicon's")
    parser.add_argument("--set", default="",
                        help="full mode: decoder settings to change, e.g. right_context=6 "
                             "(an experiment: the packaged calibration was fitted without)")
    args = parser.parse_args()
    # The plot comes last, after what may be an hour of decoding: say at once if it cannot.
    if args.plot and importlib.util.find_spec("matplotlib") is None:
        parser.error('--plot needs matplotlib: .venv/bin/python -m pip install -e ".[bench]"')
    changes = parse_settings(args.set)
    if args.doubt_below is not None:
        changes["doubt_below"] = args.doubt_below
    config = (replace(detector_settings(args.model), **changes)
              if changes and args.mode == "full" else None)
    lm = load_model(args.model) if args.mode == "full" and not args.scores_in else None
    key = settings_key(args.mode, args.model)
    rates = (() if args.rates == "none"
             else tuple(float(r) for r in args.rates.split(",")))
    predicted, observed, raw = [], [], []
    saved = _load_scores(args.scores_in) if args.scores_in else None
    span_rows: list[dict] = []
    for corpus in ("sotu", "brown"):
        scores = {0.0: []}
        spans = [[], []]   # at rate 0.25: per found span, per true span: overlaps the other?
        n_words, seconds = 0, 0.0
        if saved is not None:
            scores = saved[corpus]
            rates = tuple(r for r in scores if r > 0)
        for pid, text in ([] if saved is not None
                          else sample_paragraphs(corpus, args.split, args.paragraphs)[args.skip:]):
            if not args.spun_only:
                began = time.perf_counter()
                scores[0.0].append(detect(text, mode=args.mode, model=lm, config=config).score)
                seconds += time.perf_counter() - began
                n_words += len(words(text))
            for rate in rates:
                spun = spin(text, rate, seed=spin_seed(pid, rate), thesaurus=args.thesaurus)
                found = detect(spun.text, mode=args.mode, model=lm, config=config)
                scores.setdefault(rate, []).append(found.score)
                if rate == 0.25:
                    spans[0] += span_overlaps(found.spans, spun.edits)
                    spans[1] += span_overlaps(spun.edits, found.spans)
                    span_rows.append({
                        "corpus": corpus, "id": pid,
                        "found": [(f.start, f.end, f.score) for f in found.spans],
                        "spun": [(e.start, e.end) for e in spun.edits]})
        print(f"  {corpus} score quantiles (10/50/90 %): " + "; ".join(
            f"rate {r}: " + "/".join(f"{q:.4f}" for q in np.quantile(scores[r], [0.1, 0.5, 0.9]))
            for r in scores if scores[r]))
        calibration = (tuple(map(float, args.calibration.split(","))) if args.calibration
                       else CALIBRATION[key])
        clean_probability = [calibrated(s, calibration) for s in scores[0.0]]
        threshold = THRESHOLD[key]
        flagged = sum(p >= threshold for p in clean_probability)
        if clean_probability:
            print(f"{corpus} {args.split} {args.mode}: " + ", ".join(
                f"AUC@{r} {auc(scores[r], scores[0.0]):.3f}" for r in rates) +
                f", clean flagged at {threshold} {flagged / len(clean_probability):.1%} "
                f"({flagged}/{len(clean_probability)}, "
                f"highest probability {max(clean_probability):.3f})"
                + (f", {n_words / seconds:,.0f} words/s on clean text" if seconds else ""))
        if spans[1]:
            print(f"{corpus} spans at rate 0.25: precision {np.mean(spans[0] or [0]):.3f} "
                  f"({len(spans[0])} found), recall {np.mean(spans[1]):.3f} "
                  f"({len(spans[1])} spun)")
        for rate, values in scores.items():
            predicted += [calibrated(v, calibration) for v in values]
            observed += [float(rate > 0)] * len(values)
        raw += [(s, r, corpus) for r in scores for s in scores[r]]
    if args.spans_out:
        with open(args.spans_out, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(row) + "\n" for row in span_rows)
    if args.scores_out:
        with open(args.scores_out, "w", encoding="utf-8") as handle:
            json.dump(raw, handle)
    if args.split == "dev" and not args.spun_only:
        x = np.array([s for s, _, _ in raw])
        y = np.array([float(r > 0) for _, r, _ in raw])
        # Spun and clean weigh the same in total: a prior of one half.
        a, b = fit_logistic(x, y, np.where(y > 0, 1.0 / len(rates), 1.0))
        print(f"fit over both corpora: a={a:.2f} b={b:.2f}")
        print(f"calibration {a:.2f},{b:.2f}")
    if args.plot:
        observed_arr = np.array(observed)
        # Clean and spun paragraphs weigh the same in total, as in the fit.
        weights = np.where(observed_arr > 0, 1.0 / len(rates), 1.0)
        reliability_plot(np.array(predicted), observed_arr, weights, args.plot,
                         f"detect {args.mode}, {args.split} split, rates 0-0.4")


def _load_scores(path: str) -> dict:
    """{corpus: {rate: [score, ...]}} from a --scores-out file."""
    found: dict = {"sotu": {0.0: []}, "brown": {0.0: []}}
    with open(path, encoding="utf-8") as handle:
        for score, rate, corpus in json.load(handle):
            found[corpus].setdefault(float(rate), []).append(score)
    return found


def reliability_plot(predicted: np.ndarray, observed: np.ndarray, weights: np.ndarray,
                     path: str, title: str) -> None:
    """Predicted probability against the (weighted) observed share spun, in ten bins."""
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
            ys.append(np.average(observed[mask], weights=weights[mask]))
            ns.append(int(mask.sum()))
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot(xs, ys, "o-", label="unspin")
    for x, y, n in zip(xs, ys, ns):
        ax.annotate(str(n), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set(xlabel="predicted probability spun", ylabel="observed share spun (classes equal)",
           title=title,
           xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
