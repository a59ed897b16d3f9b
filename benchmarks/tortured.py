"""Real spinner output: tortured phrases from papers, in sentences of our own.

Run: .venv/bin/python benchmarks/tortured.py [--data heldout] [--model gemma3]
         [--set narrow_share=0] [--set-as title|upper]

Every other benchmark spins text with unspin's own simulator, which draws from
the same lexicon the restorer reads. These phrases were made by spinners
nobody here wrote (``benchmarks/data/tortured_phrases.tsv`` says where they come
from). Nothing in unspin reads that file and no setting was chosen on it: it
measures, it does not tune.

For each phrase it prints whether the channel knows the way back (each changed
word's original among ``restores_from``, or among ``narrowed_from``), whether
``restore`` gives the original phrase back, whether the phrase is flagged at
all (an edit or a doubt over it), the fast detector's spans, and the words the
restorer changed outside the phrase (false changes: the sentences are clean
apart from the phrase). ``--set-as`` sets each sentence as a title or in
capitals first, letter for letter (``headlines.set_as``); the phrase then
counts as restored when it matches without case.
"""

from __future__ import annotations

import argparse
import re
import time
from dataclasses import dataclass, replace
from pathlib import Path

from headlines import set_as
from tune import parse_settings, start

from unspin.decode import restore
from unspin.detect import detect
from unspin.lexicon import moby_from, narrowed_from, restores_from
from unspin.lm import load_model
from unspin.text import apply_edits, match_case, words

DATA = {"seen": Path(__file__).resolve().parent / "data" / "tortured_phrases.tsv",
        "heldout": Path(__file__).resolve().parent / "data" / "tortured_phrases_heldout.tsv"}


@dataclass(frozen=True)
class Case:
    tortured: str
    original: str
    sentence: str
    start: int  # where the tortured phrase sits in the sentence
    end: int

    @property
    def original_sentence(self) -> str:
        found = self.sentence[self.start:self.end]
        before, after = self.sentence[:self.start], self.sentence[self.end:]
        return before + match_case(self.original, found) + after

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``start:end`` of the sentence overlaps the tortured phrase."""
        return start < self.end and self.start < end

    def word_pairs(self) -> list[tuple[str, str]]:
        """(tortured, original) word pairs that differ, where the phrases align word for word."""
        spun, orig = self.tortured.lower().split(), self.original.lower().split()
        if len(spun) != len(orig):
            return []
        return [(s, o) for s, o in zip(spun, orig, strict=True) if s != o]


def load_cases(path: Path = DATA["seen"]) -> list[Case]:
    """The rows of the data file, each with the tortured phrase found in its sentence.

    >>> case = load_cases()[0]
    >>> case.sentence[case.start:case.end], case.original_sentence.split()[3:5]
    ('profound learning', ['deep', 'learning'])
    """
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        tortured, original, sentence = line.split("\t")
        found = re.search(re.escape(tortured), sentence, re.IGNORECASE)
        if found is None:
            raise SystemExit(f"{path.name} line {number}: {tortured!r} is not in its sentence")
        cases.append(Case(tortured, original, sentence, found.start(), found.end()))
    return cases


def candidates(spun: str) -> tuple[set[str], set[str], set[str]]:
    """The originals offered for ``spun`` by restores_from, then with narrowed_from
    too, then with moby_from too (distinct words, as the decoder offers them)."""
    plain = {link.word for link in restores_from(spun)}
    narrowed = plain | {link.word for link in narrowed_from(spun)}
    return plain, narrowed, narrowed | {link.word for link in moby_from(spun)}


def channel_knows(case: Case) -> tuple[int, int, int, int]:
    """(changed words, originals among restores_from, among restores_from or
    narrowed_from, among those or moby_from)."""
    pairs = case.word_pairs()
    known = [0, 0, 0]
    for spun, original in pairs:
        for level, found in enumerate(candidates(spun)):
            known[level] += original in found
    return len(pairs), *known


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", choices=sorted(DATA), default="seen",
                        help="seen: the set the narrowing and Moby priors were found and "
                             "chosen on; heldout: written after, run only to measure them")
    parser.add_argument("--model", default="gemma3")
    parser.add_argument("--set", default="", help="decoder settings, e.g. narrow_share=0")
    parser.add_argument("--set-as", choices=("prose", "title", "upper"), default="prose",
                        help="set each sentence as a title or in capitals first")
    args = parser.parse_args()
    config = start(args.model, parse_settings(args.set))
    lm = load_model(args.model)
    cases = [replace(case, sentence=set_as(args.set_as, case.sentence))
             for case in load_cases(DATA[args.data])]
    totals = dict(words=0, plain=0, either=0, moby=0, right=0, flagged=0, fast=0, false=0, clean=0,
                  word_right=0)
    began = time.perf_counter()
    print("| tortured | original | channel (plain / +narrow / +moby) | restored as | flagged | "
          "fast | false changes |")
    print("|---|---|---|---|---|---|---|")
    for case in cases:
        n, plain, either, known = channel_knows(case)
        restored = restore(case.sentence, model=lm, config=config)
        inside = [e for e in restored.edits if case.overlaps(e.start, e.end)]
        outside = [e for e in restored.edits if e not in inside]
        flagged = bool(inside) or any(case.overlaps(d.start, d.end) for d in restored.doubts)
        fast = any(case.overlaps(s.start, s.end)
                   for s in detect(case.sentence, mode="fast").spans)
        phrase_only = apply_edits(case.sentence, inside)
        right = (phrase_only == case.original_sentence if args.set_as == "prose"
                 else phrase_only.lower() == case.original_sentence.lower())
        got = phrase_only[case.start:len(phrase_only) - (len(case.sentence) - case.end)]
        word_right = _words_right(case, got)
        totals["words"] += n
        totals["plain"] += plain
        totals["either"] += either
        totals["moby"] += known
        totals["word_right"] += word_right
        totals["right"] += right
        totals["flagged"] += flagged
        totals["fast"] += fast
        totals["false"] += len(outside)
        totals["clean"] += len(words(case.sentence)) - len(case.tortured.split())
        print(f"| {case.tortured} | {case.original} | {plain}/{n} / {either}/{n} / {known}/{n} | "
              f"{got}{' (right)' if right else ''} | {'yes' if flagged else 'no'} | "
              f"{'yes' if fast else 'no'} | "
              f"{', '.join(f'{e.spun}->{e.original}' for e in outside) or '-'} |", flush=True)
    n = len(cases)
    print(f"\n{n} phrases, {totals['words']} changed words in word-aligned phrases; "
          f"{args.data} set, model {args.model}, settings {args.set or 'default'}, "
          f"set as {args.set_as}; "
          f"{time.perf_counter() - began:.0f} s")
    print(f"channel knows the original: {totals['plain']}/{totals['words']} words, "
          f"{totals['either']}/{totals['words']} with narrowings, "
          f"{totals['moby']}/{totals['words']} with Moby too")
    print(f"phrases restored exactly: {totals['right']}/{n}; changed words restored: "
          f"{totals['word_right']}/{totals['words']}")
    print(f"phrases flagged by the restorer (edit or doubt): {totals['flagged']}/{n}; "
          f"by the fast detector: {totals['fast']}/{n}")
    print(f"clean words changed outside the phrases: {totals['false']}/{totals['clean']}")


def _words_right(case: Case, got: str) -> int:
    """Changed words of a word-aligned phrase that came back as their originals."""
    spun, orig, out = (phrase.lower().split() for phrase in (case.tortured, case.original, got))
    if not len(spun) == len(orig) == len(out):
        return 0
    return sum(o == r for s, o, r in zip(spun, orig, out, strict=True) if s != o)


if __name__ == "__main__":
    main()
