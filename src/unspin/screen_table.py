"""The fast detector's word table: each common word's most likely original, precomputed.

The fast mode asks, for every word, whether the lexicon knows an original that
is much more common than the word itself. Answering that from the lexicon
means undoing inflections and looking up word frequencies for every candidate
(hundreds for a word like "person"), about half a millisecond per new word.
``scripts/build_screen_table.py`` answers it once for the 100,000 most common
English words and ships the answers; words outside the table, or a table built
from another lexicon or wordfreq version, fall back to the live lookup, which
gives the same answer, only slower.

>>> likely_original("volition")
('will', 3.62)
>>> likely_original("the") is None
True
"""

from __future__ import annotations

import gzip
import hashlib
import math
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from wordfreq import zipf_frequency

from .lexicon import restores_from

# How much more common (in Zipf units) an original must be for a word to look spun.
FAST_MIN_GAP = 1.0
TABLE_PATH = Path(__file__).parent / "data" / "screen_table.tsv.gz"
LEXICON_PATH = Path(__file__).parent / "data" / "lexicon.bin"
TABLE_WORDS = 100_000


def compute_likely_original(word: str) -> tuple[str, float] | None:
    """The live lookup: the most common original, if it beats ``word`` by FAST_MIN_GAP."""
    own = zipf_frequency(word, "en")
    best, best_freq = None, own + FAST_MIN_GAP
    for link in restores_from(word):
        freq = zipf_frequency(link.word, "en") + math.log10(link.weight)
        if freq > best_freq:
            best, best_freq = link.word, freq
    return (best, round(best_freq - own, 2)) if best else None


def table_key() -> str:
    """What the table depends on: the lexicon's bytes, wordfreq's version, the gap."""
    digest = hashlib.sha256(LEXICON_PATH.read_bytes()).hexdigest()[:16]
    return f"lexicon={digest} wordfreq={version('wordfreq')} gap={FAST_MIN_GAP}"


@lru_cache(maxsize=1)
def load_table() -> dict[str, tuple[str, float] | None]:
    """The shipped answers, or an empty table when they were built for other data."""
    try:
        with gzip.open(TABLE_PATH, "rt", encoding="utf-8") as f:
            header = f.readline().rstrip("\n")
            if header != "# " + table_key():
                return {}
            table: dict[str, tuple[str, float] | None] = {}
            for line in f:
                word, _, rest = line.rstrip("\n").partition("\t")
                if rest:
                    original, gap = rest.split("\t")
                    table[word] = (original, float(gap))
                else:
                    table[word] = None
            return table
    except OSError:
        return {}


@lru_cache(maxsize=200_000)
def likely_original(word: str) -> tuple[str, float] | None:
    """The most common possible original of lower-cased ``word`` and its Zipf gap, or None."""
    table = load_table()
    if word in table:
        return table[word]
    return compute_likely_original(word)


def build_table_text(words: list[str]) -> str:
    """The table file's text for ``words`` (a header with the key, then one line per word)."""
    lines = ["# " + table_key()]
    for word in words:
        found = compute_likely_original(word)
        lines.append(word if found is None else f"{word}\t{found[0]}\t{found[1]:.2f}")
    return "\n".join(lines) + "\n"
