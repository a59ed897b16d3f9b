"""Read the posterior a second time with the confident doubts put in (dev; session 37).

Run: .venv/bin/python benchmarks/experiments/second_reading.py [--thesaurus moby] \
         [--sure 0.5] [--right 6] -o /tmp/second.jsonl
     .venv/bin/python benchmarks/experiments/second_reading.py --curve /tmp/second.jsonl

Session 35 found the exact posterior far better read among the author's words
than among the spinner's. The restorer's edits are in place when
``doubt.spun_posteriors`` reads a slot, but the spun words it left alone are
not. This puts in, as edits, the doubts of the first reading whose posterior
is above ``--sure`` (their likeliest originals), reads every other slot again
in that text, and keeps the second reading for them. ``--curve`` prints span
precision and recall (counted as ``span_rule.py`` counts) for the first reading
and the second at several posterior cuts. ``--right`` reads that many words after
each slot (both readings). The first 6 dev paragraphs per corpus of
``detect_calibrate.py``, rate 0.25, Gemma 3, as ``posterior_spans.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from unspin import doubt
from unspin.corpora import sample_paragraphs
from unspin.decode import for_text, restore
from unspin.detect import detector_settings
from unspin.doubt import DoubtSettings
from unspin.lm import load_model
from unspin.spin import THESAURI, spin
from unspin.text import Restoration, apply_edits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from detect_calibrate import spin_seed  # noqa: E402  (benchmarks/ is not a package)
from span_rule import per_paragraph, precision_recall  # noqa: E402

RATE = 0.25
LOWEST = 0.05  # posteriors kept in the rows; --curve cuts above it


def spans(found: list, taken: list) -> list:
    return [(e.start, e.end, e.confidence)
            for e in doubt.likeliest_apart([e for e in found if e.confidence > LOWEST], taken)]


def record(args) -> None:
    lm = load_model("gemma3")
    settings = detector_settings("gemma3")
    reading = DoubtSettings(right=args.right)
    with open(args.out, "w", encoding="utf-8") as out:
        for corpus in ("sotu", "brown"):
            for pid, text in sample_paragraphs(corpus, "dev", args.paragraphs):
                spun = spin(text, RATE, seed=spin_seed(pid, RATE), thesaurus=args.thesaurus)
                began = time.perf_counter()
                restored = restore(spun.text, model=lm,
                                   config=replace(settings, posterior_doubts=False))
                config = for_text(settings, spun.text)
                first = doubt.spun_posteriors(spun.text, restored, lm, config, reading)
                sure = doubt.likeliest_apart([e for e in first if e.confidence > args.sure],
                                             restored.edits)
                both = sorted(restored.edits + sure, key=lambda e: e.start)
                second = doubt.spun_posteriors(
                    spun.text, Restoration(apply_edits(spun.text, both), both), lm, config,
                    reading)
                out.write(json.dumps({
                    "corpus": corpus, "id": pid, "spun": [(e.start, e.end) for e in spun.edits],
                    "edits": [(e.start, e.end, e.confidence) for e in restored.edits],
                    "first": spans(first, restored.edits),
                    "sure": [(e.start, e.end, e.confidence) for e in sure],
                    "second": spans(second, both)}) + "\n")
                out.flush()
                print(f"{pid}: {time.perf_counter() - began:.1f} s", flush=True)


def curve(path: str) -> None:
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    print("| reading | posterior above | corpus | precision | recall |")
    print("|---|---|---|---|---|")
    for which in ("first", "second"):
        for cut in (0.2, 0.25, 0.3, 0.35, 0.4):
            for corpus in ("sotu", "brown"):
                chosen = [{"spun": r["spun"], "found": r["edits"] + r[which]
                           + (r["sure"] if which == "second" else [])}
                          for r in rows if r["corpus"] == corpus]
                p, r, _, _ = precision_recall(per_paragraph(chosen, 1.0 - cut))
                print(f"| {which} | {cut} | {corpus} | {p:.3f} | {r:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=6, help="per corpus, dev")
    parser.add_argument("--thesaurus", choices=THESAURI, default="lexicon")
    parser.add_argument("--sure", type=float, default=0.5,
                        help="doubts above this posterior are put in before the second reading")
    parser.add_argument("--right", type=int, default=6, help="words read after each slot")
    parser.add_argument("-o", "--out", help="write the rows here (JSON lines)")
    parser.add_argument("--curve", help="print precision and recall from these rows")
    args = parser.parse_args()
    if args.curve:
        curve(args.curve)
    elif args.out:
        record(args)
    else:
        parser.error("give -o FILE to record or --curve ROWS")


if __name__ == "__main__":
    main()
