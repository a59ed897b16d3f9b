"""Where do spun words get lost? Each spun span on DEV paragraphs: not a candidate, left
alone, given a wrong original, or restored.

Run: .venv/bin/python benchmarks/diagnose.py --paragraphs 10 [--corpus brown] [--model smollm2]
"""

from __future__ import annotations

import argparse
import collections
import zlib

from unspin import decode
from unspin.corpora import sample_paragraphs
from unspin.lexicon import restores_from
from unspin.lm import load_model
from unspin.lm.registry import DEFAULT_MODEL
from unspin.spin import spin


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paragraphs", type=int, default=10)
    parser.add_argument("--corpus", default="sotu")
    parser.add_argument("--show", type=int, default=40)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--rate", type=float, default=0.25)
    args = parser.parse_args()
    lm = load_model(args.model)
    stages = collections.Counter()
    examples = collections.defaultdict(list)
    for pid, text in sample_paragraphs(args.corpus, "dev", args.paragraphs):
        out = spin(text, args.rate, seed=zlib.crc32(f"{pid}:tune".encode()))
        result = decode.restore(out.text, model=lm)
        fixes = {(e.start, e.end): e.original.lower() for e in result.edits}
        for edit in out.edits:
            orig = edit.original.lower()
            if orig not in {link.word for link in restores_from(edit.spun)}:
                stage = "not a candidate"
            elif fixes.get((edit.start, edit.end)) == orig:
                stage = "restored"
            elif (edit.start, edit.end) in fixes:
                stage = "wrong original"
            elif any(s < edit.end and edit.start < e for s, e in fixes):
                stage = "other span"
            else:
                stage = "left alone"
            stages[stage] += 1
            got = fixes.get((edit.start, edit.end))
            examples[stage].append(f"{edit.spun} <- {orig} (got {got})")
    total = sum(stages.values())
    for stage, n in stages.most_common():
        print(f"{stage:16} {n:5} {n / total:.1%}")
    for stage in ("left alone", "wrong original"):
        print(f"\n{stage}:", "; ".join(examples[stage][:args.show]))


if __name__ == "__main__":
    main()
