"""Spans from each word's posterior of having been spun, read in the restored text.

Run: .venv/bin/python benchmarks/experiments/posterior_spans.py --paragraphs 6 \
         [--thesaurus moby] [--mix smollm2] -o /tmp/rows.jsonl --today /tmp/today.jsonl
     .venv/bin/python benchmarks/experiments/posterior_spans.py --spans /tmp/rows.jsonl \
         /tmp/spans.jsonl [--keep K] [--weight W] [--gate G] [--rate R] [--mix-weight M]
     .venv/bin/python benchmarks/span_rule.py /tmp/spans.jsonl 0.5,0.6,0.7,0.8
     .venv/bin/python benchmarks/span_rule.py /tmp/today.jsonl 0.9,0.95,0.97,0.99,0.995

Session 35 (``bayes_detection.py``) found that the exact posterior of each
word, read among the spun words, finds some 11 points more spun words at
precision 0.90 than the full detector's doubts. ``unspin.doubt`` computes it
with what the product knows: the built channel (``decode._options``, Moby's
and the narrowing links included), its prior rate, and the restorer's edits.

Recording decodes each dev paragraph as the full mode does (its edits stay
spans, scored by their confidence) and reads every other slot the channel
can read back with ``doubt.spun_posteriors`` (``--keep`` originals, ``--right``
words after), saving what the model said of each: the cheap pass's
posterior, the words' own log-probability and each option's. ``--spans``
then rescores the slots with fewer options, another channel weight, a gate
or a prior rate, and picks among overlapping slots as
``doubt.posterior_doubts`` does, into ``detect_calibrate.py --spans-out``
rows that ``span_rule.py`` counts. ``--today`` writes the detector's spans
from the decoder's own doubts (to 0.995) on the same decodes.

``--mix MODEL`` (session 37) also has a second model score every full reading
(the words as they stand and each option read, with the same left context and
words after), recorded beside the first's; ``--mix-weight`` then gives the
second model that share of each log-probability. The cheap pass, its gate and
the decodes stay the first model's. Session 38 gave ``--mix`` a ``.gguf`` path
too, to measure a larger model than the registry's. Dev unless ``--split test``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from unspin import doubt
from unspin.corpora import sample_paragraphs
from unspin.decode import for_text, restore
from unspin.detect import detect, detector_settings
from unspin.doubt import DoubtSettings
from unspin.lm import load_model
from unspin.spin import THESAURI, spin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from detect_calibrate import spin_seed  # noqa: E402  (benchmarks/ is not a package)

RATE = 0.25


class Mixed:
    """``lm`` for everything, and ``other``'s scores of each full reading kept aside."""

    def __init__(self, lm, other):
        self.lm, self.other, self.calls = lm, other, []

    def __getattr__(self, name):
        return getattr(self.lm, name)

    def continuation_logprobs(self, prefix: str, continuations: list[str]) -> list[float]:
        self.calls.append(self.other.continuation_logprobs(prefix, continuations))
        return self.lm.continuation_logprobs(prefix, continuations)


def recorded_readings(lm, text: str, restoration, config, settings) -> list[dict]:
    """Each slot's offsets and what the model said of it (``doubt.Reading``); with a
    :class:`Mixed` model, also the other model's scores of the same reading ("mix":
    the words as they stand first, then each option read)."""
    readings = []
    real = doubt._slot_reading
    if isinstance(lm, Mixed):
        lm.calls = []

    def keep_reading(*args, **kwargs):
        readings.append(real(*args, **kwargs))
        return readings[-1]

    doubt._slot_reading = keep_reading
    try:
        found = doubt.spun_posteriors(text, restoration, lm, config, settings)
    finally:
        doubt._slot_reading = real
    calls = iter(lm.calls if isinstance(lm, Mixed) else [])
    return [{"at": (e.start, e.end), "quick": r.quick, "keep": r.keep,
             "read": [(o.channel, score) for o, score in r.read],
             **({"mix": next(calls) if r.keep is not None else None}
                if isinstance(lm, Mixed) else {})}
            for e, r in zip(found, readings, strict=True)]


class Found(NamedTuple):
    """A recorded span, as ``doubt.likeliest_apart`` reads it."""

    start: int
    end: int
    confidence: float


def posterior(slot: dict, keep: int, weight: float, gate: float, rate: float,
              mix: float = 0.0) -> float:
    """A recorded slot's P(spun) with the first ``keep`` options read, the gate at
    ``gate``, and each reading's log-probability ``mix`` parts the other model's
    (recorded with ``--mix``) to ``1 - mix`` parts the first's."""
    if slot["quick"] < gate or slot["keep"] is None:
        return slot["quick"]
    other = slot["mix"] if mix else [0.0] * (len(slot["read"]) + 1)
    words = (1 - mix) * slot["keep"] + mix * other[0]
    mass = doubt._logsumexp([(1 - mix) * score + mix * said + weight * channel
                             for (channel, score), said in zip(slot["read"][:keep], other[1:])])
    # The channel scores were recorded at RATE: another rate moves each by the same step.
    return doubt._sigmoid(mass - words - math.log(1.0 - rate) + math.log(rate / RATE))


def spans_out(rows_path: str, out_path: str, keep: int, weight: float, gate: float,
              rate: float, mix: float = 0.0) -> None:
    """``span_rule.py`` rows: the edits, then the likeliest of overlapping slots (as
    ``doubt.posterior_doubts`` picks them), each scored by :func:`posterior`."""
    with open(out_path, "w", encoding="utf-8") as out:
        for line in open(rows_path, encoding="utf-8"):
            row = json.loads(line)
            slots = [Found(*s["at"], posterior(s, keep, weight, gate, rate, mix))
                     for s in row["slots"]]
            chosen = doubt.likeliest_apart(slots, [Found(*e) for e in row["edits"]])
            out.write(json.dumps({"corpus": row["corpus"], "id": row["id"], "spun": row["spun"],
                                  "found": sorted(row["edits"] + [list(c) for c in chosen])})
                      + "\n")


def other_model(name: str):
    """A registry model, or any GGUF file by its path (session 38: a larger model)."""
    if not name.endswith(".gguf"):
        return load_model(name)
    from unspin.lm.llama import LlamaModel
    from unspin.lm.registry import default_threads
    return LlamaModel(name, n_threads=default_threads())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=6, help="per corpus")
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N per corpus")
    parser.add_argument("--thesaurus", choices=THESAURI, default="lexicon")
    parser.add_argument("--model", default="gemma3")
    parser.add_argument("--corpora", default="sotu,brown")
    parser.add_argument("--keep", type=int, default=12, help="originals read in full per slot")
    parser.add_argument("--right", type=int, default=6, help="words read after each slot")
    parser.add_argument("--gate", type=float, default=0.0,
                        help="read in full only slots whose cheap-pass posterior reaches this")
    parser.add_argument("-o", "--out", help="record each slot's reading here (JSON lines)")
    parser.add_argument("--today", help="also write the detector's own spans (doubts to 0.995)")
    parser.add_argument("--spans", nargs=2, metavar=("ROWS", "OUT"),
                        help="write span_rule.py rows from recorded ROWS; no model")
    parser.add_argument("--weight", type=float, default=1.0, help="with --spans: channel weight")
    parser.add_argument("--rate", type=float, default=RATE, help="with --spans: prior rate")
    parser.add_argument("--mix", metavar="MODEL",
                        help="also record this model's (a name or a .gguf path) scores "
                             "of each full reading")
    parser.add_argument("--mix-weight", type=float, default=0.0,
                        help="with --spans: the --mix model's share of each reading's score")
    args = parser.parse_args()
    if args.spans:
        spans_out(*args.spans, args.keep, args.weight, args.gate, args.rate, args.mix_weight)
        return
    if not args.out:
        parser.error("give -o FILE to record or --spans ROWS OUT")
    lm = load_model(args.model)
    # The decoder's own doubts, for --today; the posterior is read here.
    settings = replace(detector_settings(args.model), doubt_below=0.995, posterior_doubts=False)
    reading = DoubtSettings(keep=args.keep, right=args.right, gate=args.gate)
    reader = Mixed(lm, other_model(args.mix)) if args.mix else lm
    out = open(args.out, "w", encoding="utf-8")
    today = open(args.today, "w", encoding="utf-8") if args.today else None
    for corpus in args.corpora.split(","):
        for pid, text in sample_paragraphs(corpus, args.split, args.paragraphs)[args.skip:]:
            spun = spin(text, RATE, seed=spin_seed(pid, RATE), thesaurus=args.thesaurus)
            began = time.perf_counter()
            restoration = restore(spun.text, model=lm, config=settings)
            decoded = time.perf_counter() - began
            truth = [(e.start, e.end) for e in spun.edits]
            if today is not None:
                found = detect(spun.text, mode="full", model=lm, restoration=restoration)
                today.write(json.dumps({"corpus": corpus, "id": pid, "spun": truth, "found": [
                    (f.start, f.end, f.score) for f in found.spans]}) + "\n")
                today.flush()
            began = time.perf_counter()
            slots = recorded_readings(reader, spun.text, restoration,
                                      for_text(settings, spun.text), reading)
            read = time.perf_counter() - began
            out.write(json.dumps({
                "corpus": corpus, "id": pid, "spun": truth, "score": restoration.spun_score,
                "edits": [(e.start, e.end, e.confidence) for e in restoration.edits],
                "slots": slots, "seconds": (decoded, read)}) + "\n")
            out.flush()
            print(f"{corpus} {pid}: decode {decoded:.1f} s, posteriors {read:.1f} s "
                  f"({len(slots)} slots)", flush=True)


if __name__ == "__main__":
    main()
