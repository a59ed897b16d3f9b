"""Fit the full mode's calibration and verdict threshold over both simulated spinners,
from decoded files, and check them on test; optionally add a share of the fast score.

Run on dev with the files of ``detect_calibrate.py --mode full --scores-out`` (one
per simulated spinner) and ``clean_scores.py`` (more clean paragraphs); no
decoding, seconds:

    .venv/bin/python benchmarks/full_refit.py --split dev --paragraphs 15 \\
        --scores lexicon=dev_full.json --scores moby=dev_full_moby.json \\
        --clean dev_clean.jsonl --clean-paragraphs 115

The files give each paragraph's spun fraction (the full mode's score; make them
without ``experiments/full_fast_weight.patch``, which adds to it). For each
weight w of ``--weights`` (default 0) the script rebuilds the same paragraphs and
spins (same samples and seeds; only when some w is not 0, since the fast score
is all they are for), scores each as its fraction plus w x its fast score, and
prints: the AUC per spinner, corpus and rate against all clean paragraphs of the
corpus; the logistic calibration fitted over all of them
(clean and spun weigh the same, each spinner half the spun); the verdict
threshold by session 3's rule (above every clean paragraph, rounded up to two
decimals); and how many spun paragraphs reach it. With several weights it names
the one that calls the most spun paragraphs at rates 0.10 and 0.25, both
spinners, at its own threshold, among those whose AUC at 0.10 on the lexicon's
spins stays within 0.005 of weight 0's on both corpora (session 24's trial of
a fast-score share, not adopted: ``experiments/full_fast_weight.patch``).

With ``--split test`` it evaluates the packaged calibration and threshold
instead, at each weight given, on test files made the same way.
``--scores-out`` saves (score, rate, corpus) rows at the chosen (dev) or first
(test) weight, for ``detect_calibrate.py --scores-in ... --plot``.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

import numpy as np
from detect_calibrate import fit_logistic, reliability_plot, spin_seed
from verdict_threshold import line_above

from unspin.corpora import sample_paragraphs
from unspin.detect import CALIBRATION, THRESHOLD, calibrated, detect, settings_key
from unspin.evaluate import auc
from unspin.spin import spin

Row = tuple[str, str, float, float, float]  # spinner, corpus, rate, spun fraction, fast score


def fast_score(text: str, needed: bool) -> float:
    """The fast mode's score of ``text``, or 0 where no weight uses it."""
    return detect(text, mode="fast").score if needed else 0.0


def scored_rows(split: str, n: int, spinner: str, path: str, clean: bool,
                fast: bool) -> list[Row]:
    """The rows of one detect_calibrate file with each paragraph's fast score
    (``fast``: computed, else 0).

    Its rows run corpus by corpus, then rate by rate, then paragraph by paragraph
    in sample order. ``clean``: keep its rate-0 rows (once over all the files).
    """
    with open(path, encoding="utf-8") as handle:
        saved = json.load(handle)
    by_corpus: dict[str, list] = defaultdict(list)
    for row in saved:
        by_corpus[row[2]].append(row)
    rows = []
    for corpus, found in by_corpus.items():
        paragraphs = sample_paragraphs(corpus, split, n)
        per_rate: dict[float, list] = defaultdict(list)
        for row in found:
            per_rate[float(row[1])].append(row)
        for rate, those in per_rate.items():
            if len(those) != len(paragraphs):
                raise SystemExit(f"{path}: {len(those)} {corpus} rows at rate {rate}, "
                                 f"but --paragraphs {n} samples {len(paragraphs)}")
            if rate == 0 and not clean:
                continue
            for row, (pid, text) in zip(those, paragraphs, strict=True):
                if rate and fast:
                    text = spin(text, rate, seed=spin_seed(pid, rate), thesaurus=spinner).text
                fraction = row[0]  # the full mode's score is its spun fraction
                rows.append((spinner if rate else "clean", corpus, rate, fraction,
                             fast_score(text, fast)))
    return rows


def clean_rows(split: str, n: int, path: str, fast: bool) -> list[Row]:
    """The rows of a clean_scores.py file (made with ``--paragraphs n``) with each
    paragraph's fast score (``fast``: computed, else 0)."""
    texts: dict[str, dict[str, str]] = {}
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            corpus = row["corpus"]
            if corpus not in texts:
                texts[corpus] = dict(sample_paragraphs(corpus, split, n))
            text = texts[corpus][row["id"]]
            rows.append(("clean", corpus, 0.0, row["spun_score"], fast_score(text, fast)))
    return rows


def report(rows: list[Row], weight: float, calibration: tuple[float, float] | None,
           threshold: float | None, plot: str | None = None) -> dict:
    """Print one weight's AUCs, calibration, threshold and verdicts; return them
    (and draw the reliability plot to ``plot``, if given)."""
    score = np.array([f + weight * s for _, _, _, f, s in rows])
    spinner = np.array([r[0] for r in rows])
    corpus = np.array([r[1] for r in rows])
    rate = np.array([r[2] for r in rows])
    clean = spinner == "clean"
    aucs = {}
    for name in sorted(set(spinner) - {"clean"}):
        for c in ("sotu", "brown"):
            for r in sorted(set(rate[spinner == name])):
                chosen = (spinner == name) & (corpus == c) & (rate == r)
                aucs[name, c, r] = auc(list(score[chosen]), list(score[clean & (corpus == c)]))
    spinners = sorted(set(spinner) - {"clean"})
    # Clean and spun weigh the same in total, each spinner half the spun.
    w = np.array([1.0 if k == "clean" else
                  clean.sum() / (len(spinners) * (spinner == k).sum()) for k in spinner])
    if calibration is None:
        calibration = fit_logistic(score, (~clean).astype(float), w)
    probability = np.array([calibrated(s, calibration) for s in score])
    if plot:
        reliability_plot(probability, (~clean).astype(float), w, plot,
                         "detect full, test split, rates 0-0.4, both spinners")
    if threshold is None:
        threshold = line_above(probability[clean].max())
    called = {}
    for name in sorted(set(spinner)):
        for r in sorted(set(rate[spinner == name])):
            chosen = (spinner == name) & (rate == r)
            called[name, r] = (int((probability[chosen] >= threshold).sum()), int(chosen.sum()))
    print(f"weight {weight:g}: calibration {calibration[0]:.2f},{calibration[1]:.2f}, "
          f"threshold {threshold:.2f}")
    print("  AUC " + "; ".join(f"{k[0]} {k[1]} {k[2]:g}: {v:.3f}" for k, v in aucs.items()))
    print("  called spun " + "; ".join(f"{k[0]} {k[1]:g}: {v[0]}/{v[1]}"
                                       for k, v in called.items()))
    return {"aucs": aucs, "called": called}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    parser.add_argument("--paragraphs", type=int, default=15,
                        help="the --paragraphs the detect_calibrate.py files were made with")
    parser.add_argument("--scores", action="append", default=[],
                        help="SPINNER=PATH: a detect_calibrate.py --scores-out file")
    parser.add_argument("--clean", action="append", default=[],
                        help="a clean_scores.py file: more clean paragraphs")
    parser.add_argument("--clean-paragraphs", type=int, default=115,
                        help="the --paragraphs the clean_scores.py files were made with")
    parser.add_argument("--weights", default="0",
                        help="shares of the fast score to try, comma-separated")
    parser.add_argument("--scores-out", help="save (score, rate, corpus) rows as JSON")
    parser.add_argument("--plot", help="test: write a reliability plot (PNG; needs the "
                                       "bench extra) of the packaged calibration here")
    args = parser.parse_args()
    weights = [float(w) for w in args.weights.split(",")]
    fast = any(weights)
    rows: list[Row] = []
    for i, item in enumerate(args.scores):
        spinner, _, path = item.partition("=")
        rows += scored_rows(args.split, args.paragraphs, spinner, path, i == 0, fast)
    for path in args.clean:
        rows += clean_rows(args.split, args.clean_paragraphs, path, fast)
    print(f"{sum(r[0] == 'clean' for r in rows)} clean paragraphs, "
          f"{sum(r[0] != 'clean' for r in rows)} spun")
    if args.split == "test":
        key = settings_key("full")
        for weight in weights:
            report(rows, weight, CALIBRATION[key], THRESHOLD[key],
                   args.plot if weight == weights[0] else None)
        save(rows, weights[0], args.scores_out)
        return
    results = {w: report(rows, w, None, None) for w in weights}
    base = results.get(0.0)
    eligible = [w for w, found in results.items() if base is None or all(
        found["aucs"][k] >= base["aucs"][k] - 0.005
        for k in base["aucs"] if k[0] == "lexicon" and k[2] == 0.1)]

    def reached(w: float) -> int:
        return sum(v[0] for k, v in results[w]["called"].items()
                   if k[0] != "clean" and k[1] in (0.1, 0.25))

    best = max(eligible, key=lambda w: (reached(w), -w))
    print(f"chosen: weight {best:g} ({reached(best)} spun paragraphs at 0.10 and 0.25 "
          f"called spun; weight 0: {reached(0.0) if base else 'not run'})")
    save(rows, best, args.scores_out)


def save(rows: list[Row], weight: float, path: str | None) -> None:
    """Write (score, rate, corpus) rows at ``weight`` to ``path``, if given."""
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump([(f + weight * s, rate, corpus) for _, corpus, rate, f, s in rows], handle)


if __name__ == "__main__":
    main()
