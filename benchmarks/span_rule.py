"""Span precision and recall for looser or stricter doubt rules, without decoding again.

Run: .venv/bin/python benchmarks/detect_calibrate.py --mode full --split dev \
         --paragraphs 15 --doubt-below 0.995 --spans-out dev_spans.jsonl
     .venv/bin/python benchmarks/span_rule.py dev_spans.jsonl 0.95,0.98,0.99,0.995
     .venv/bin/python benchmarks/span_rule.py dev_spans.jsonl --best-at 0.89,0.9,0.91

A doubt's score is one minus the decoder's probability of keeping the word, and
every edit scores at least ``min_confidence`` (0.5), so the spans a run with
``doubt_below=x`` (x >= 0.5) reports are exactly those scoring above ``1 - x``
in a run with a looser ``doubt_below``. Counted as in detect_calibrate.py: a
found span is right when it overlaps a spun span, a spun span is found when a
found span overlaps it. Intervals: 95 %, a bootstrap over paragraphs
(``unspin.evaluate.ratio_interval``).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

from unspin.evaluate import ratio_interval


def overlaps(a: tuple, spans: list) -> bool:
    return any(s[0] < a[1] and a[0] < s[1] for s in spans)


def per_paragraph(rows: list[dict], doubt_below: float) -> list[tuple[int, int, int, int]]:
    """(right, found, hit, spun) per paragraph with doubts up to ``doubt_below``."""
    counts = []
    for row in rows:
        flagged = [f for f in row["found"] if f[2] > 1.0 - doubt_below]
        counts.append((sum(overlaps(f, row["spun"]) for f in flagged), len(flagged),
                       sum(overlaps(s, flagged) for s in row["spun"]), len(row["spun"])))
    return counts


def precision_recall(counts: list[tuple[int, int, int, int]]) -> tuple[float, float, int, int]:
    """(precision, recall, found spans, spun spans) from :func:`per_paragraph` counts."""
    right, found, hit, spun = (sum(c) for c in zip(*counts))
    return right / max(found, 1), hit / max(spun, 1), found, spun


def intervals(counts: list[tuple[int, int, int, int]]) -> tuple[tuple, tuple]:
    """95 % bootstrap intervals over paragraphs for precision and recall."""
    right, found, hit, spun = zip(*counts)
    return ratio_interval(right, found), ratio_interval(hit, spun)


def best_recall(rows: list[dict], precision: float) -> float:
    """The highest recall, all corpora pooled, of a cut at 0.10, 0.12, ... 0.58 whose
    precision is at least ``precision`` (0 if none is): how sessions 37 and 38 compare
    posterior readings at the same precision.

    >>> rows = [{"spun": [(0, 3)], "found": [(0, 3, 0.9), (5, 8, 0.2)]}]
    >>> best_recall(rows, 0.9), best_recall(rows, 0.4)
    (1.0, 1.0)
    >>> rows = [{"spun": [(0, 3), (10, 13)],   # the second found only at low precision
    ...          "found": [(0, 3, 0.9), (10, 13, 0.15), (20, 23, 0.15), (30, 33, 0.15)]}]
    >>> best_recall(rows, 0.9), best_recall(rows, 0.5)
    (0.5, 1.0)
    >>> best_recall([{"spun": [(0, 3)], "found": [(5, 8, 0.9)]}], 0.5)
    0
    """
    curve = [precision_recall(per_paragraph(rows, 1.0 - cut / 100))[:2]
             for cut in range(10, 60, 2)]
    return max((r for p, r in curve if p >= precision), default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("spans", help="a detect_calibrate.py --spans-out file")
    parser.add_argument("doubt_below", nargs="?", default="",
                        help="comma-separated values to try (each >= 0.5)")
    parser.add_argument("--best-at", metavar="P,...",
                        help="instead, the best pooled recall at each precision (cuts 0.10-0.58)")
    args = parser.parse_args()
    if not (args.doubt_below or args.best_at):
        parser.error("give doubt_below values or --best-at")
    with open(args.spans, encoding="utf-8") as handle:
        all_rows = [json.loads(line) for line in handle]
    if args.best_at:
        for precision in (float(p) for p in args.best_at.split(",")):
            print(f"best recall at pooled precision >= {precision}: "
                  f"{best_recall(all_rows, precision):.3f}")
        return
    by_corpus: dict[str, list[dict]] = defaultdict(list)
    for row in all_rows:
        by_corpus[row["corpus"]].append(row)
    print("| doubt below | corpus | found spans | precision [95 %] | spun spans | recall [95 %] |")
    print("|---|---|---|---|---|---|")
    for value in (float(v) for v in args.doubt_below.split(",")):
        if value < 0.5:
            parser.error("doubt_below values under 0.5 cannot be told from edits")
        for corpus, rows in by_corpus.items():
            counts = per_paragraph(rows, value)
            p, r, found, spun = precision_recall(counts)
            (p_lo, p_hi), (r_lo, r_hi) = intervals(counts)
            print(f"| {value} | {corpus} | {found:,} | {p:.3f} [{p_lo:.3f}-{p_hi:.3f}] | "
                  f"{spun:,} | {r:.3f} [{r_lo:.3f}-{r_hi:.3f}] |")


if __name__ == "__main__":
    main()
