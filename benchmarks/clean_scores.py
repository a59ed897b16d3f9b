"""Restore clean paragraphs and save each one's detection score, edits and doubts.

Run: .venv/bin/python benchmarks/clean_scores.py --split dev --paragraphs 300 --skip 60 -o dev.jsonl

One JSON line per paragraph: corpus, id, ``spun_score`` (what the full-mode
detector turns into a probability), and the restorer's edits and doubts, to read
the false positives and to place the verdict threshold on the clean tail.
``--skip`` leaves out the first paragraphs of the sample (already scored elsewhere).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

from tune import parse_settings

from unspin.corpora import sample_paragraphs
from unspin.decode import restore
from unspin.detect import detector_settings
from unspin.lm import load_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--skip", type=int, default=0)
    parser.add_argument("--corpus", action="append", choices=["sotu", "brown"])
    parser.add_argument("--model", default=None)
    parser.add_argument("--set", default="",
                        help="decoder settings to change, e.g. moby_share=1 (an experiment: "
                             "the packaged calibration was fitted without)")
    parser.add_argument("-o", "--out", required=True)
    args = parser.parse_args()
    lm = load_model(args.model) if args.model else load_model()
    config = replace(detector_settings(lm), **parse_settings(args.set))
    with open(args.out, "w", encoding="utf-8") as out:
        for corpus in args.corpus or ["sotu", "brown"]:
            for pid, text in sample_paragraphs(corpus, args.split, args.paragraphs)[args.skip:]:
                restored = restore(text, model=lm, config=config)
                out.write(json.dumps({
                    "corpus": corpus, "id": pid, "spun_score": restored.spun_score,
                    "edits": [e.to_dict() for e in restored.edits],
                    "doubts": [e.to_dict() for e in restored.doubts]}) + "\n")
                out.flush()


if __name__ == "__main__":
    main()
