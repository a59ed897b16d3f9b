"""Dump the decoder's per-slot evidence with the truth, to study which words look spun.

Run: .venv/bin/python benchmarks/slot_features.py --split dev --paragraphs 25 -o /tmp/slots.jsonl
     .venv/bin/python benchmarks/slot_features.py --analyse /tmp/slots.jsonl

For every slot (a word or phrase the lexicon has originals for) in spun and
clean paragraphs: whether the spinner changed it, the cheap pass's gain of the
best change over keeping it, whether it reached the joint decision and with
what confidence of keeping it, and the word's log-probability in context.
"""

from __future__ import annotations

import argparse
import json
import zlib
from collections import defaultdict
from dataclasses import replace
from typing import NamedTuple

from detect_calibrate import span_overlaps

from unspin import decode
from unspin.corpora import sample_paragraphs
from unspin.detect import detector_settings
from unspin.lm import load_model
from unspin.spin import spin


def record(text: str, truth: list, lm, config, rate: float, key: str, out) -> None:
    seen: list = []
    original_decide = decode._decide

    def decide(sentence, tokens, slots, lm_, cfg):
        chosen = original_decide(sentence, tokens, slots, lm_, cfg)
        seen.append((slots, chosen))
        return chosen

    decode._decide = decide
    try:
        for s, e in decode.sentences(text):
            for start, end in decode._pieces(text, s, e):
                seen.clear()
                decode._restore_sentence(text[start:end], lm, config)
                for slots, chosen in seen:
                    for slot in slots:
                        a, b = slot.start + start, slot.end + start
                        spun = any(t.start < b and a < t.end for t in truth)
                        exact = any(t.start == a and t.end == b for t in truth)
                        keep, *rest = slot.options
                        ranked = chosen.get(slot)
                        keep_conf = (next((c for o, c in ranked[2] if o.keep), 0.0)
                                     if ranked else None)
                        best = max(rest, key=lambda o: decode._cheap(o, config))
                        out.write(json.dumps({
                            "key": key, "start": a, "end": b,
                            "words": slot.last - slot.first + 1, "spun": spun, "exact": exact,
                            "gain": decode._gain(slot, config), "keep_lm": keep.lm,
                            "best_lm": best.lm, "best_channel": best.channel,
                            "keep_conf": keep_conf, "text": slot.spun,
                            "changed": bool(ranked and not ranked[0].keep),
                        }) + "\n")
    finally:
        decode._decide = original_decide


class Span(NamedTuple):
    start: int
    end: int


def span_precision_recall(paragraphs: dict, slots: dict, flag, corpus: str) -> tuple:
    """Precision and recall of the flagged slots against the spinner's edits,
    counted by detect_calibrate.py's rule (overlap either way)."""
    right, found = [], []
    for key, paragraph in paragraphs.items():
        if paragraph["rate"] != 0.25 or paragraph["corpus"] != corpus:
            continue
        flagged, end = [], -1
        for slot in sorted((s for s in slots[key] if flag(s)),
                           key=lambda s: (s["start"], -s["end"])):
            if slot["start"] >= end:
                flagged.append(Span(slot["start"], slot["end"]))
                end = slot["end"]
        truth = [Span(a, b) for a, b in paragraph["truth"]]
        right += span_overlaps(flagged, truth)
        found += span_overlaps(truth, flagged)
    return sum(right) / max(len(right), 1), sum(found) / max(len(found), 1)


def analyse(path: str) -> None:
    """Span precision/recall of doubt rules: decided words kept at confidence below
    t, plus words the cheap pass settled with a gain above g."""
    paragraphs, slots = {}, defaultdict(list)
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if "paragraph" in row:
                paragraphs[row["paragraph"]] = row
            else:
                slots[row["key"]].append(row)
    print("| doubt below | cheap gain above | sotu P | sotu R | brown P | brown R |")
    print("|---|---|---|---|---|---|")
    for below in (0.95, 0.98, 0.99, 0.995):
        for gain in (None, -4.5, -5.0, -6.0):
            def flag(s, below=below, gain=gain):
                if s["keep_conf"] is not None:
                    return s["changed"] or s["keep_conf"] < below
                return gain is not None and s["gain"] > gain
            cells = [f"{x:.3f}" for corpus in ("sotu", "brown")
                     for x in span_precision_recall(paragraphs, slots, flag, corpus)]
            print(f"| {below} | {gain if gain is not None else '-'} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="dev")
    parser.add_argument("--paragraphs", type=int, default=25)
    parser.add_argument("--model", default=None)
    parser.add_argument("-o", "--out")
    parser.add_argument("--analyse", metavar="FILE", help="print span P/R of doubt rules")
    args = parser.parse_args()
    if args.analyse:
        analyse(args.analyse)
        return
    if not args.out:
        parser.error("give -o OUT (or --analyse FILE)")
    lm = load_model(args.model) if args.model else load_model()
    # The detector's settings, first pass only: a later pass decodes the restored
    # text, whose offsets are not the input's, so its slots are not recorded here.
    config = replace(detector_settings(lm), passes=1)
    with open(args.out, "w", encoding="utf-8") as out:
        for corpus in ("sotu", "brown"):
            for pid, text in sample_paragraphs(corpus, args.split, args.paragraphs):
                for rate in (0.0, 0.25):
                    spun = spin(text, rate, seed=zlib.crc32(f"{pid}:{rate}".encode()))
                    key = f"{corpus}:{pid}:{rate}"
                    out.write(json.dumps({"paragraph": key, "corpus": corpus, "rate": rate,
                                          "truth": [[t.start, t.end] for t in spun.edits]})
                              + "\n")
                    record(spun.text, spun.edits, lm, config, rate, key, out)


if __name__ == "__main__":
    main()
