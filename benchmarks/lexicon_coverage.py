"""Channel breadth: is the true original among restores_from(spun), and how big are the sets?

Run: .venv/bin/python benchmarks/lexicon_coverage.py [--split dev|test] [--paragraphs N]

Three sources of spun words: the substitutions quoted in DEVELOPERS.md (real
spinner output, tests/data/brief_spins.tsv), tortured phrases from papers (real
spinner output, benchmarks/data/tortured_phrases*.tsv: each changed word of a
phrase whose words align), and the simulator's output on held-out paragraphs.
The simulator draws from the same lexicon, so its coverage checks inflection
and phrase handling, not breadth.
"""

from __future__ import annotations

import argparse
import statistics
import zlib
from pathlib import Path

from unspin.corpora import sample_paragraphs
from tortured import DATA, candidates, channel_knows, load_cases

from unspin.lexicon import restores_from
from unspin.spin import spin

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="test")
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--moby-paragraphs", type=int, default=100,
                        help="paragraphs per corpus spun by the Moby spinner (0: none)")
    args = parser.parse_args()
    rows = [line.split("\t") for line in (REPO / "tests/data/brief_spins.tsv").read_text()
            .splitlines() if line and not line.startswith("#")]
    hit = sum(orig in {link.word for link in restores_from(spun)} for spun, orig in rows)
    print(f"| real substitutions (DEVELOPERS.md) | {len(rows)} | {hit / len(rows):.1%} | "
          f"{statistics.median(len(restores_from(s)) for s, _ in rows)} |")
    every = [candidates(s)[2] for s, _ in rows]
    hit = sum(orig in found for (_, orig), found in zip(rows, every, strict=True))
    print(f"| the same, with narrowings and Moby | {len(rows)} | {hit / len(rows):.1%} | "
          f"{statistics.median(map(len, every))} |")
    for name, path in DATA.items():
        cases = load_cases(path)
        changed, plain, either, known = (sum(counts)
                                         for counts in zip(*map(channel_knows, cases)))
        spun = [s for case in cases for s, _ in case.word_pairs()]
        for level, (label, hit) in enumerate((("", plain), (", with narrowings", either),
                                               (", with narrowings and Moby", known))):
            median = statistics.median(len(candidates(word)[level]) for word in spun)
            print(f"| tortured phrases, {name} set{label} | {changed} | "
                  f"{hit / changed:.1%} | {median} |")
    for corpus in ("sotu", "brown"):
        sizes, hits, total = [], 0, 0
        for pid, text in sample_paragraphs(corpus, args.split, args.paragraphs):
            out = spin(text, 0.25, seed=zlib.crc32(pid.encode()))
            for edit in out.edits:
                links = restores_from(edit.spun)
                sizes.append(len(links))
                hits += edit.original.lower() in {link.word for link in links}
                total += 1
        print(f"| simulator, {corpus} {args.split}, rate 0.25 | {total} | {hits / total:.1%} | "
              f"{statistics.median(sizes)} (p90 {sorted(sizes)[int(0.9 * len(sizes))]}) |")
    if args.moby_paragraphs:
        moby_spinner_rows(args.split, args.moby_paragraphs)


def moby_spinner_rows(split: str, paragraphs: int) -> None:
    """The simulator's Moby spinner: how often the built channel, and the channel
    with narrowings and Moby, holds the original of what it wrote."""
    for corpus in ("sotu", "brown"):
        found = []
        for pid, text in sample_paragraphs(corpus, split, paragraphs):
            out = spin(text, 0.25, seed=zlib.crc32(pid.encode()), thesaurus="moby")
            found += [(edit.original.lower(), candidates(edit.spun.lower()))
                      for edit in out.edits]
        for level, label in ((0, ""), (2, ", with narrowings and Moby")):
            hit = sum(original in sets[level] for original, sets in found)
            median = statistics.median(len(sets[level]) for _, sets in found)
            print(f"| Moby spinner, {corpus} {split}, rate 0.25{label} | {len(found)} | "
                  f"{hit / len(found):.1%} | {median} |")


if __name__ == "__main__":
    main()
