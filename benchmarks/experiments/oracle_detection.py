"""How many spun words the restorer would bring back if it knew which words were spun.

Run: .venv/bin/python benchmarks/experiments/oracle_detection.py --corpus sotu --paragraphs 15
     .venv/bin/python benchmarks/experiments/oracle_detection.py --clean-context --paragraphs 8
     .venv/bin/python benchmarks/experiments/oracle_detection.py --count [--corpus brown]
     .venv/bin/python benchmarks/experiments/oracle_detection.py --count --set max_options=30

The decoder's keep bias and gate trade restored words for clean words left
alone. This bounds what any better detection could buy: each paragraph is
decoded with the truth about which words the spinner changed, so a slot whose
words were spun may not be kept (its keep's channel score is -40, tens of nats
under any option's, and any confidence applies) and a slot of clean words is
not offered at all. Everything else is the default decoder: the same
candidates, cheap pass, joint readings, passes and model. Dev split only (the
paragraphs and spins of ``benchmarks/tune.py``).
Where a word was spun in one place and left alone in another of the same
paragraph, the word counts as spun in both (rare; the clean copy may then change).

With ``--clean-context`` each spun span is restored alone, in its sentence with
every other word original (``clean_context.py``'s setting, session 18): the
truth about which words were spun and a perfect context, so what is still lost
is lost to the candidates, the channel and the model's ranking of them.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

from unspin import decode
from unspin.corpora import sample_paragraphs
from unspin.evaluate import Counts
from unspin.lm import load_model
from unspin.spin import THESAURI, spin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import tune  # noqa: E402  (benchmarks/ is not a package)

# The spun wordings of the paragraph being decoded, each with its original.
SPUN: dict[str, str] = {}
# Where the oracle's originals go (--count): per slot read, and per decision.
TALLY: Counter = Counter()
MISSES: list[tuple[str, str, str]] = []
# A keep's channel score in the oracle: far below any option's, but finite, since
# the decoder subtracts a neighbour's keep score from its options' (joint readings).
NEVER_KEPT = -40.0
_slots, _prune, _decide = decode._slots, decode._prune, decode._decide  # before main() patches


def spin_and_tell(text: str, rate: float, seed: int, thesaurus: str):
    """``spin``, telling the oracle what it changed (``tune.run`` spins each paragraph
    just before restoring it)."""
    spun = spin(text, rate, seed=seed, thesaurus=thesaurus)
    SPUN.clear()
    SPUN.update((e.spun.lower(), e.original.lower()) for e in spun.edits)
    return spun


def oracle_slots(sentence, tokens, config):
    """The decoder's slots, kept only where the words were spun, and never kept there."""
    slots = [s for s in _slots(sentence, tokens, config) if s.spun.lower() in SPUN]
    for slot in slots:
        slot.options[0].channel = NEVER_KEPT
    return slots


def counting_prune(sentence, tokens, slots, lm, config):
    """The cheap pass, counting the slots whose original was a candidate and survived it."""
    had = [SPUN[s.spun.lower()] in [o.text for o in s.options] for s in slots]
    _prune(sentence, tokens, slots, lm, config)
    for slot, was in zip(slots, had, strict=True):
        TALLY["slots read"] += 1
        TALLY["original a candidate"] += was
        TALLY["original past the cheap pass"] += SPUN[slot.spun.lower()] in [
            o.text for o in slot.options]


def counting_decide(sentence, tokens, slots, lm, config):
    """The joint decisions, counting those won by the original when it was an option."""
    chosen = _decide(sentence, tokens, slots, lm, config)
    for slot, (option, *_) in chosen.items():
        original = SPUN[slot.spun.lower()]
        if original in [o.text for o in slot.options]:
            TALLY["decided with the original an option"] += 1
            TALLY["won by the original"] += option.text == original
            if option.text != original:
                MISSES.append((slot.spun, option.text, original))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paragraphs", type=int, default=15)
    parser.add_argument("--rate", type=float, default=0.25)
    parser.add_argument("--corpus", default="sotu")
    parser.add_argument("--model", default="gemma3")
    parser.add_argument("--thesaurus", default="lexicon", choices=THESAURI)
    parser.add_argument("--clean-context", action="store_true",
                        help="restore each spun span alone, every other word original")
    parser.add_argument("--set", default="",
                        help="decoder settings to change, e.g. max_options=30")
    parser.add_argument("--count", action="store_true",
                        help="also count where the originals are lost, and list the wrong choices")
    args = parser.parse_args()
    lm = load_model(args.model)
    data = sample_paragraphs(args.corpus, "dev", args.paragraphs)
    config = replace(decode.settings_for(args.model), min_confidence=0.0,
                     **tune.parse_settings(args.set))
    decode._slots = oracle_slots
    if args.count:
        decode._prune, decode._decide = counting_prune, counting_decide
    if args.clean_context:
        print(f"oracle, clean context, {args.corpus} {args.thesaurus}:",
              one_at_a_time(data, lm, config, args.rate, args.thesaurus), flush=True)
    else:
        tune.spin = spin_and_tell
        print(f"oracle {args.corpus} {args.thesaurus}:",
              tune.run(config, data, lm, args.rate, args.thesaurus), flush=True)
    if args.count:
        print(", ".join(f"{key} {n}" for key, n in TALLY.items()))
        for spun, chosen, original in MISSES:
            print(f"  {spun} -> {chosen} (was {original})")


def one_at_a_time(data, lm, config, rate: float, thesaurus: str) -> str:
    """Restore each spun span alone in its clean sentence, knowing it was spun."""
    from clean_context import one_span_texts, score_sentence

    counts = Counts()
    for pid, text in data:
        spun = tune.dev_spin(pid, text, rate, thesaurus)
        for single in one_span_texts(spun):
            SPUN.clear()
            SPUN[single.edits[0].spun.lower()] = single.edits[0].original.lower()
            counts += score_sentence(single, lm, config)
    return (f"{counts.restored_words}/{counts.spun_words} spun words restored "
            f"({counts.accuracy:.1%})")


if __name__ == "__main__":
    main()
