"""Where do spun words get lost? Each spun span on DEV paragraphs: not a candidate, left
alone, given a wrong original, or restored.

Run: .venv/bin/python benchmarks/diagnose.py --paragraphs 10 [--corpus brown] [--model smollm2]

With ``--stages`` each spun span left alone or given a wrong original is also
traced through the decoder's first pass: was the original cut by the cheap
pass (``max_options``), was the word never rescored (``gate_margin``), or did
the rescoring choose another reading.
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
    parser.add_argument("--stages", action="store_true",
                        help="trace lost spans through the decoder's first pass")
    args = parser.parse_args()
    lm = load_model(args.model)
    stages = collections.Counter()
    examples = collections.defaultdict(list)
    first_pass: dict = {}
    if args.stages:
        _trace_first_pass(first_pass)
    why = collections.Counter()
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
            if args.stages and stage in ("left alone", "wrong original"):
                why[(stage, _first_pass_stage(first_pass, out.text, edit.start, edit.end,
                                              orig, stage))] += 1
            got = fixes.get((edit.start, edit.end))
            examples[stage].append(f"{edit.spun} <- {orig} (got {got})")
    total = sum(stages.values())
    for stage, n in stages.most_common():
        print(f"{stage:16} {n:5} {n / total:.1%}")
    for (stage, reason), n in sorted(why.items(), key=lambda item: -item[1]):
        print(f"  {stage:16} {reason:38} {n:5} {n / total:.1%}")
    for stage in ("left alone", "wrong original"):
        print(f"\n{stage}:", "; ".join(examples[stage][:args.show]))


def _trace_first_pass(log: dict) -> None:
    """Record, for every slot the first pass saw, its options after the cheap pass and its fate.

    Keys are (text decoded, start, end), the text being the sentence after its
    left context; a later pass decodes a different text (the edits are in it),
    so the first record of a key is the first pass's.
    """
    real_decide = decode._decide

    def decide(sentence, tokens, slots, lm, config):
        chosen = real_decide(sentence, tokens, slots, lm, config)
        for slot in slots:
            key = (sentence, slot.start, slot.end)
            if key in log:
                continue
            live = (decode._gain(slot, config) + decode._right_damage(slot, config)
                    > -config.gate_margin)
            won = chosen.get(slot)
            log[key] = {"options": [o.text for o in slot.options if not o.keep],
                        "live": live, "kept": won and won[0].keep,
                        "rival_won": any(s is not slot and s.start < slot.end
                                         and slot.start < s.end and not c[0].keep
                                         for s, c in chosen.items())}
        return chosen

    decode._decide = decide


def _record_for(log: dict, piece: str, start: int, end: int) -> dict | None:
    """The first pass's record of ``piece[start:end]``. The decoder reads a piece
    after its left context, so a record's text ends with the piece."""
    for (decoded, a, b), record in log.items():
        skip = len(decoded) - len(piece)
        if decoded.endswith(piece) and (a - skip, b - skip) == (start, end):
            return record
    return None


def _first_pass_stage(log: dict, text: str, start: int, end: int, original: str,
                      stage: str) -> str:
    """Why the first pass did not restore ``text[start:end]`` to ``original``."""
    for a, b in decode.sentence_pieces(text):
        if a <= start and end <= b:
            record = _record_for(log, text[a:b], start - a, end - a)
            break
    else:
        return "outside every sentence"
    if record is None:
        return "no slot for this span"
    if original not in record["options"]:
        return "original cut by the cheap pass"
    if not record["live"]:
        return "never rescored (gate)"
    if record["rival_won"]:
        return "an overlapping slot changed"
    if record["kept"] is None:
        return "decided as part of another slot"
    if record["kept"]:
        return "rescored, keeping won"
    if stage == "left alone":
        return "rescored, a change under min_confidence"
    return "rescored, another original won"


if __name__ == "__main__":
    main()
