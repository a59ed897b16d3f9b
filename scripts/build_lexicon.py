#!/usr/bin/env python3
"""Build unspin's channel lexicon from WordNet 3.0 and the MyThes en_US thesaurus.

Sources are Debian's packages ``wordnet-base`` (with ``wordnet-sense-index``)
and ``mythes-en-us``, plus ``wamerican``'s word list for one question only:
which of WordNet's capitalised lemmas are also ordinary lower-case words. Nothing
else is read, and the output is byte-for-byte the same for the same inputs, so
the committed artifact can be checked with::

    python scripts/build_lexicon.py --check

The artifact (``src/unspin/data/lexicon.bin``) maps every lemma to what a
spinner may turn it into, with the relation type; the loader in
``unspin.lexicon.store`` documents the format.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import struct
import sys
import zlib
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from unspin.lexicon.relations import POS_CODES, RELATIONS  # noqa: E402

WORDNET_DIR = Path("/usr/share/wordnet")
MYTHES_FILE = Path("/usr/share/mythes/th_en_US_v2.dat")
WORD_LIST = Path("/usr/share/dict/american-english")
LICENCE_FILES = [
    Path("/usr/share/doc/wordnet-base/copyright"),
    Path("/usr/share/doc/mythes-en-us/copyright"),
    Path("/usr/share/doc/wamerican/copyright"),
]
OUT = REPO / "src" / "unspin" / "data" / "lexicon.bin"
LICENCE_OUT = REPO / "src" / "unspin" / "data" / "LEXICON-LICENCES.txt"
MAGIC = b"UNSPINLX"
FORMAT_VERSION = 2

WN_POS = {"n": "n", "v": "v", "a": "a", "s": "a", "r": "r"}
MYTHES_POS = {"(noun)": "n", "(verb)": "v", "(adj)": "a", "(adv)": "r"}
# WordNet pointer symbols we follow, by relation name. Hyponyms are left out on
# purpose: spinners generalise ("leader" -> "person") far more than they specialise,
# and hyponym edges would multiply the candidate sets of common words.
WN_POINTERS = {"@": "hypernym", "@i": "hypernym", "&": "similar", "^": "also_see",
               "+": "derivation", "\\": "pertainym"}
# Second hops: real spinners reach "caller" from "new" through "fresh".
TWO_HOP_FIRST = {"synonym", "similar", "also_see", "thesaurus_similar"}
TWO_HOP_SECOND = {"similar", "also_see"}
WH_EVER = ["what", "who", "whom", "when", "where", "how", "which"]
# Spinners pad copulas with adverbs ("is a" -> "is simply a").
FILLER_COPULAS = ["is", "are", "was", "were"]
FILLER_ADVERBS = ["simply", "really", "basically", "actually", "truly", "merely",
                  "certainly", "definitely", "generally", "essentially"]
FILLER_NEXT = ["a", "an", "the", "not"]


def clean_lemma(raw: str) -> str:
    """WordNet spells spaces as underscores and marks some adjectives '(p)'; case is kept."""
    if raw.endswith(")") and "(" in raw:
        raw = raw[: raw.index("(")]
    return raw.replace("_", " ").strip()


def usable(word: str) -> bool:
    return bool(word) and len(word) <= 40 and not any(c in word for c in "()|\t")


class Synset:
    __slots__ = ("pos", "words", "spellings", "pointers")

    def __init__(self, pos: str, spellings: list[str], pointers: list[tuple[str, str, int, int]]):
        self.pos = pos
        self.spellings = spellings  # as WordNet writes them ("Aries")
        self.words = [w.lower() for w in spellings]
        self.pointers = pointers  # (symbol, target key, source word no, target word no)


def read_wordnet(folder: Path) -> dict[str, Synset]:
    synsets: dict[str, Synset] = {}
    for name in ("noun", "verb", "adj", "adv"):
        with open(folder / f"data.{name}", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("  "):
                    continue  # licence header
                fields = line.split(" | ", 1)[0].split()
                offset, pos = fields[0], WN_POS[fields[2]]
                n_words = int(fields[3], 16)
                words = [clean_lemma(fields[4 + 2 * i]) for i in range(n_words)]
                at = 4 + 2 * n_words
                n_ptr = int(fields[at])
                pointers = []
                for i in range(n_ptr):
                    sym, target, tpos, st = fields[at + 1 + 4 * i: at + 5 + 4 * i]
                    pointers.append((sym, f"{WN_POS[tpos]}{target}", int(st[:2], 16),
                                     int(st[2:], 16)))
                synsets[f"{pos}{offset}"] = Synset(pos, words, pointers)
    return synsets


def read_mythes(path: Path):
    """Yield (headword, pos, term, relation) from the MyThes v2 data file."""
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    i = 1  # line 0 names the encoding
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        head, count = lines[i].rsplit("|", 1)
        head = head.strip().lower()
        for meaning in lines[i + 1: i + 1 + int(count)]:
            parts = meaning.split("|")
            pos = MYTHES_POS.get(parts[0])
            if pos is None:
                continue
            for term in parts[1:]:
                relation = "thesaurus_synonym"
                for tag, name in (("(generic term)", "thesaurus_generic"),
                                  ("(similar term)", "thesaurus_similar"),
                                  ("(related term)", "thesaurus_related"),
                                  ("(antonym)", None)):
                    if term.endswith(tag):
                        term, relation = term[: -len(tag)], name
                        break
                if relation is not None:
                    yield head, pos, term.strip().lower(), relation
        i += 1 + int(count)


def find_names(synsets: dict[str, Synset], word_list: Path) -> set[str]:
    """Lemmas that are names ("aries", "new york"), which a spinner leaves alone.

    A name is a lemma WordNet writes only with capitals, one of whose capitalised
    words the word list has no lower-case spelling of. The word list keeps
    "or" (Oregon), "it" (information technology) and "us" ordinary words, and
    "the City" (of London) an ordinary phrase.
    """
    lower, capital = set(), {}
    for synset in synsets.values():
        for raw in synset.spellings:
            if raw == raw.lower():
                lower.add(raw)
            else:
                capital.setdefault(raw.lower(), raw)
    with open(word_list, encoding="utf-8") as handle:
        ordinary = {w for w in handle.read().split("\n") if w and w == w.lower()}
    return {lemma for lemma, raw in capital.items() if lemma not in lower
            and any(part.lower() not in ordinary for part in raw.split() if part != part.lower())}


def collect_edges(synsets: dict[str, Synset]):
    """Return {(src, dst, pos): relation} keeping the strongest relation per pair."""
    weight = {name: w for name, w in RELATIONS}
    edges: dict[tuple[str, str, str], str] = {}

    def add(src: str, dst: str, pos: str, relation: str) -> None:
        if src == dst or not usable(src) or not usable(dst):
            return
        key = (src, dst, pos)
        old = edges.get(key)
        if old is None or weight[relation] > weight[old]:
            edges[key] = relation

    first_hop: dict[tuple[str, str], set[str]] = defaultdict(set)  # (word,pos) -> synset keys
    for key, synset in synsets.items():
        for w in synset.words:
            for other in synset.words:
                add(w, other, synset.pos, "synonym")
            first_hop[(w, synset.pos)].add(key)
        for sym, target, src_no, dst_no in synset.pointers:
            relation = WN_POINTERS.get(sym)
            if relation is None or target not in synsets:
                continue
            other = synsets[target]
            sources = synset.words if src_no == 0 else [synset.words[src_no - 1]]
            targets = other.words if dst_no == 0 else [other.words[dst_no - 1]]
            for w in sources:
                for t in targets:
                    add(w, t, synset.pos, relation)
                if relation in TWO_HOP_FIRST:
                    first_hop[(w, synset.pos)].add(target)
    for (w, pos), keys in first_hop.items():
        if pos != "a":
            continue
        for key in keys:
            for sym, target, _, _ in synsets[key].pointers:
                if WN_POINTERS.get(sym) in TWO_HOP_SECOND and target in synsets:
                    for t in synsets[target].words:
                        add(w, t, pos, "two_hop")
    return edges, add


def add_rules(add) -> None:
    for wh in WH_EVER:
        add(wh, wh + "ever", "r", "ever_form")
    for copula in FILLER_COPULAS:
        for nxt in FILLER_NEXT:
            for adverb in FILLER_ADVERBS:
                add(f"{copula} {nxt}", f"{copula} {adverb} {nxt}", "r", "filler")


def build(wordnet: Path, mythes: Path, word_list: Path) -> bytes:
    synsets = read_wordnet(wordnet)
    edges, add = collect_edges(synsets)
    for head, pos, term, relation in read_mythes(mythes):
        add(head, term, pos, relation)
    add_rules(add)

    words = sorted({w for src, dst, _ in edges for w in (src, dst)})
    index = {w: i for i, w in enumerate(words)}
    rel_code = {name: i for i, (name, _) in enumerate(RELATIONS)}
    rows = sorted((index[s], index[d], POS_CODES.index(p) << 4 | rel_code[r])
                  for (s, d, p), r in edges.items())
    sections = {"words": "\n".join(words).encode("utf-8")}
    sections.update(_csr("fwd", rows, len(words), 0, 1))
    sections.update(_csr("inv", sorted(rows, key=lambda r: (r[1], r[0], r[2])), len(words), 1, 0))
    names = sorted(index[w] for w in find_names(synsets, word_list) if w in index)
    sections["names"] = struct.pack(f"<{len(names)}i", *names)
    return _pack(sections, {
        "format": "unspin-lexicon", "version": FORMAT_VERSION,
        "words": len(words), "edges": len(rows),
        "relations": [list(r) for r in RELATIONS], "pos": list(POS_CODES),
        "sources": ["WordNet 3.0 (Debian wordnet-base)", "MyThes en_US v2 (Debian mythes-en-us)",
                    "SCOWL word list (Debian wamerican), for names only"],
    })


def _csr(prefix: str, rows, n_words: int, key_col: int, val_col: int) -> dict[str, bytes]:
    import numpy as np

    keys = np.fromiter((r[key_col] for r in rows), dtype=np.int32, count=len(rows))
    vals = np.fromiter((r[val_col] for r in rows), dtype=np.int32, count=len(rows))
    codes = np.fromiter((r[2] for r in rows), dtype=np.uint8, count=len(rows))
    indptr = np.zeros(n_words + 1, dtype=np.int32)
    np.add.at(indptr, keys + 1, 1)
    indptr = np.cumsum(indptr, dtype=np.int32)
    return {f"{prefix}_indptr": indptr.astype("<i4").tobytes(),
            f"{prefix}_other": vals.astype("<i4").tobytes(),
            f"{prefix}_code": codes.tobytes()}


def _pack(sections: dict[str, bytes], header: dict) -> bytes:
    blobs, layout, offset = [], {}, 0
    for name, raw in sections.items():
        blob = zlib.compress(raw, 9)
        layout[name] = [offset, len(blob), len(raw)]
        blobs.append(blob)
        offset += len(blob)
    header["sections"] = layout
    head = json.dumps(header, sort_keys=True).encode("utf-8")
    return MAGIC + struct.pack("<I", len(head)) + head + b"".join(blobs)


def licence_text() -> str:
    parts = ["unspin's lexicon (lexicon.bin) is derived from the following works.\n"]
    for path in LICENCE_FILES:
        parts.append(f"\n===== {path} =====\n{path.read_text(encoding='utf-8')}")
    return "".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="rebuild in memory and compare with the committed artifact")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    for path in (WORDNET_DIR / "data.noun", MYTHES_FILE, WORD_LIST, *LICENCE_FILES):
        if not path.exists():
            sys.exit(f"build_lexicon: missing {path}; install the Debian packages "
                     "wordnet-base wordnet-sense-index mythes-en-us wamerican")
    blob = build(WORDNET_DIR, MYTHES_FILE, WORD_LIST)
    digest = hashlib.sha256(blob).hexdigest()
    if args.check:
        same = args.out.exists() and args.out.read_bytes() == blob
        print(f"lexicon {'matches' if same else 'DIFFERS from'} {args.out} (sha256 {digest})")
        return 0 if same else 1
    args.out.write_bytes(blob)
    LICENCE_OUT.write_text(licence_text(), encoding="utf-8")
    print(f"wrote {args.out} ({len(blob) / 1e6:.1f} MB, sha256 {digest})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
