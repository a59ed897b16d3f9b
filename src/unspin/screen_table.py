"""The fast detector's word table: each common word's evidence of spinning, precomputed.

The fast mode asks two things of every word. Does the lexicon know an original
that is much more common than the word itself (its span and likely original)?
And how much likelier is the word as a spinner's output than as itself, if
text were drawn word by word from English frequencies (its spin ratio, the
document score's evidence)? Answering either from the lexicon means undoing
inflections and looking up word frequencies for every candidate (hundreds for a
word like "person"), about half a millisecond per new word.
``scripts/build_screen_table.py`` answers both once for the 100,000 most common
English words and ships the answers; words outside the table, or a table built
from another lexicon or wordfreq version, fall back to the live lookup, which
gives the same answers, only slower. Each word also carries its spin ratio under
Moby Thesaurus II's lists (:func:`moby_spin_ratio`), for a spinner the built
channel does not describe. The same script lists the spin ratio of
every two- or three-word phrase the channel can write whose ratio is above 1
(``phrase_spin_ratio``), with its likeliest original; phrases have no live
lookup, since a text has too many windows to look each up in the lexicon.

Spun text is full of rare words, the spinner's outputs ("geezerhood",
"bipartizan"), a few milliseconds each live: spun text was screened at a third
of the speed of clean text (BENCHMARKS.md, Detection, session 30). So a second
table, the *tail*, answers for every single word the channel or Moby's lists
can write from those 100,000 words and that is not among them. It is read at
the first word the main table lacks: 0.15 s, less than the first live look-up,
which loads lemminflect's tables (0.7 s).

>>> likely_original("volition")
('will', 3.62)
>>> likely_original("the") is None
True
>>> spin_ratio("volition") > 100 > spin_ratio("will"), spin_ratio("the")
(True, 0.0)
"""

from __future__ import annotations

import gzip
import hashlib
import math
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from wordfreq import top_n_list, word_frequency, zipf_frequency

from .lexicon import (Link, load_store, moby_fanout, moby_from, moby_spins_to, restores_from,
                      spin_weight, spins_to)
from .lexicon.inflect import TAGS, inflect

# How much more common (in Zipf units) an original must be for a word to look spun.
FAST_MIN_GAP = 1.0
TABLE_PATH = Path(__file__).parent / "data" / "screen_table.tsv.gz"
PHRASE_TABLE_PATH = Path(__file__).parent / "data" / "screen_phrases.tsv.gz"
LEXICON_PATH = Path(__file__).parent / "data" / "lexicon.bin"
MOBY_PATH = Path(__file__).parent / "data" / "moby.tsv.gz"
TABLE_WORDS = 100_000
TAIL_PATH = Path(__file__).parent / "data" / "screen_tail.tsv.gz"
# Frequency of a word wordfreq does not list (its lists stop near 1e-8).
FREQUENCY_FLOOR = 1e-8


def compute_likely_original(word: str) -> tuple[str, float] | None:
    """The live lookup: the most common original, if it beats ``word`` by FAST_MIN_GAP."""
    own = zipf_frequency(word, "en")
    best, best_freq = None, own + FAST_MIN_GAP
    for link in restores_from(word):
        freq = zipf_frequency(link.word, "en") + math.log10(link.weight)
        if freq > best_freq:
            best, best_freq = link.word, freq
    return (best, round(best_freq - own, 2)) if best else None


def compute_spin_ratio(word: str) -> float:
    """The live lookup: P(a spinner writes ``word``) / P(a writer does), by unigram frequencies.

    A spinner writes ``word`` when it changes an original that the channel
    turns into it: the sum over originals of their frequency times the
    channel's probability of this output (the link's share of the original's
    spin weight, as the decoder's channel term). Rounded to 4 significant digits,
    as the table stores it.
    """
    links = restores_from(word)
    if not links:
        return 0.0
    return _per_own_frequency(sum(_written_then_spun(link) for link in links), word)


def compute_moby_spin_ratio(word: str) -> float:
    """The live lookup: :func:`compute_spin_ratio` for a spinner that draws uniformly
    from Moby's list for the original (``lexicon.moby_from``, ``moby_fanout``).

    >>> compute_moby_spin_ratio("organization") > 0.01 > compute_moby_spin_ratio("zzyzx")
    True
    """
    links = moby_from(word)
    if not links:
        return 0.0
    return _per_own_frequency(sum(word_frequency(link.word, "en") / max(1, moby_fanout(link.word))
                                  for link in links), word)


def _per_own_frequency(spun: float, word: str) -> float:
    """A spin ratio: the chance a spinner writes ``word`` (``spun``) over the chance a
    writer does, rounded to 4 significant digits as the table stores it."""
    return float(f"{spun / max(word_frequency(word, 'en'), FREQUENCY_FLOOR):.4g}")


def _written_then_spun(link: Link) -> float:
    """P(a writer uses the original) x P(the spinner turns it into this word): the
    original's frequency times the link's share of its spin weight (the decoder's
    channel term, ``decode._channel``)."""
    return (word_frequency(link.word, "en") * link.weight
            / max(table_spin_weight(link.word), link.weight))


def table_key() -> str:
    """What the table depends on: the lexicon's and Moby's bytes, wordfreq's version,
    the gap, the columns."""
    digest = hashlib.sha256(LEXICON_PATH.read_bytes()).hexdigest()[:16]
    moby_digest = hashlib.sha256(MOBY_PATH.read_bytes()).hexdigest()[:16]
    return (f"lexicon={digest} moby={moby_digest} wordfreq={version('wordfreq')} "
            f"gap={FAST_MIN_GAP} columns=original,gap,spin_ratio,spin_weight,moby_ratio")


def tail_key() -> str:
    """What the tail table depends on: the main table's key, and which words it holds."""
    return table_key() + f" tail=written_from_top_{TABLE_WORDS}"


def tail_words(common: list[str] | None = None) -> list[str]:
    """Single words the channel or Moby's lists write from ``common`` (by default
    the :data:`TABLE_WORDS` most common words), other than those words: the rare
    words of spun text.

    >>> words = tail_words(["person", "old", "bod"])
    >>> "soma" in words, "antediluvian" in words, "bod" in words, "causal agent" in words
    (True, True, False, False)
    """
    common = top_n_list("en", TABLE_WORDS) if common is None else common
    written = {link.word for word in common
               for link in (*spins_to(word), *moby_spins_to(word)) if " " not in link.word}
    return sorted(written - set(common))


# Per word: (likely original and its Zipf gap, or None; spin ratio).
Table = dict[str, tuple[tuple[str, float] | None, float]]


def load_table() -> Table:
    """The shipped answers (likely original or None, spin ratio) by word, or an
    empty table when they were built for other data."""
    return _load_table()[0]


Rows = tuple[Table, dict[str, float], dict[str, float]]


@lru_cache(maxsize=1)
def _load_table() -> Rows:
    """The answers by word, each word's spin weight (``lexicon.spin_weight``), and
    its Moby spin ratio where not 0."""
    return _read_rows(TABLE_PATH, table_key())


@lru_cache(maxsize=1)
def load_tail() -> Rows:
    """The tail table's rows (as :func:`_load_table`'s), for the rare words a
    spinner writes.

    >>> table, weights, moby_ratios = load_tail()
    >>> table["geezerhood"][0], "the" in table
    (('years', 5.96), False)
    """
    return _read_rows(TAIL_PATH, tail_key())


def _read_rows(path: Path, key: str) -> Rows:
    table: Table = {}
    weights: dict[str, float] = {}
    moby_ratios: dict[str, float] = {}
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            if f.readline().rstrip("\n") != "# " + key:
                return {}, {}, {}
            for line in f:
                word, _, rest = line.rstrip("\n").partition("\t")
                if not rest:
                    table[word] = (None, 0.0)
                    continue
                original, gap, ratio, weight, moby_ratio = rest.split("\t")
                table[word] = ((original, float(gap)) if original else None, float(ratio))
                if weight:
                    weights[word] = float(weight)
                if moby_ratio:
                    moby_ratios[word] = float(moby_ratio)
    except OSError:
        return {}, {}, {}
    return table, weights, moby_ratios


def _rows_for(word: str) -> Rows | None:
    """The shipped rows that hold ``word``, the main table's or the tail's, or
    None: look it up live."""
    rows = _load_table()
    if word in rows[0]:
        return rows
    rows = load_tail()   # read at the first word the main table lacks
    return rows if word in rows[0] else None


def table_spin_weight(word: str) -> float:
    """``lexicon.spin_weight``, from the tables where they have the word. A rare word's
    originals are mostly common words, and working one out means inflecting
    everything it may be spun into: the live lookup of a rare word would
    otherwise cost a few milliseconds. The tables keep the exact value.

    >>> from unspin.lexicon import spin_weight
    >>> table_spin_weight("person") == spin_weight("person") > 0
    True
    """
    rows = _rows_for(word)
    weight = rows[1].get(word) if rows else None
    return spin_weight(word) if weight is None else weight


@lru_cache(maxsize=200_000)
def likely_original(word: str) -> tuple[str, float] | None:
    """The most common possible original of lower-cased ``word`` and its Zipf gap, or None."""
    rows = _rows_for(word)
    return rows[0][word][0] if rows else compute_likely_original(word)


@lru_cache(maxsize=200_000)
def spin_ratio(word: str) -> float:
    """How much likelier lower-cased ``word`` is as a spinner's output than as itself."""
    rows = _rows_for(word)
    return rows[0][word][1] if rows else compute_spin_ratio(word)


@lru_cache(maxsize=200_000)
def moby_spin_ratio(word: str) -> float:
    """How much likelier lower-cased ``word`` is as the output of a spinner drawing
    from Moby's lists than as itself (``channel_mix`` and the fast mode weigh it).

    >>> moby_spin_ratio("organization") > moby_spin_ratio("the") == 0.0
    True
    """
    rows = _rows_for(word)
    return rows[2].get(word, 0.0) if rows else compute_moby_spin_ratio(word)


def table_lines(words: list[str]) -> list[str]:
    """One table line per word, as the live look-ups answer for it.

    >>> table_lines(["the"])
    ['the']
    """
    lines = []
    for word in words:
        found, ratio = compute_likely_original(word), compute_spin_ratio(word)
        # repr keeps the weight exact, so the live lookup gives the same answers.
        weight = spin_weight(word)
        column = repr(weight) if weight else ""
        moby_ratio = compute_moby_spin_ratio(word)
        moby_column = f"{moby_ratio:.4g}" if moby_ratio else ""
        if found is None and ratio == 0.0 and not column and not moby_column:
            lines.append(word)
        elif found is None:
            lines.append(f"{word}\t\t\t{ratio:.4g}\t{column}\t{moby_column}")
        else:
            lines.append(f"{word}\t{found[0]}\t{found[1]:.2f}\t{ratio:.4g}\t{column}"
                         f"\t{moby_column}")
    return lines


def spinner_phrases() -> list[str]:
    """Every two- or three-word form the channel can write: its multiword entries
    that have originals, and their inflections.

    >>> {"think factory", "think factories", "is simply a"} <= set(spinner_phrases())
    True
    """
    store = load_store()
    forms: set[str] = set()
    for phrase in store.words:
        if phrase.count(" ") not in (1, 2):
            continue
        edges = store.inverse(phrase)
        if not edges:
            continue
        forms.add(phrase)
        for pos in {pos for _, pos, _ in edges}:
            for tag in TAGS[pos]:
                forms.update(f for f in inflect(phrase, pos, tag)
                             if f.count(" ") == phrase.count(" "))
    return sorted(forms)


def phrase_table_key() -> str:
    """What the phrase table depends on: the word table's key, and its own columns."""
    return table_key() + " phrase_columns=spin_ratio,original"


@lru_cache(maxsize=1)
def load_phrase_table() -> dict[str, tuple[float, str]]:
    """Spin ratio and likeliest original of the channel's phrases that are likelier as
    a spinner's output than as themselves (ratio above 1), or an empty table when
    built for other data."""
    try:
        with gzip.open(PHRASE_TABLE_PATH, "rt", encoding="utf-8") as f:
            if f.readline().rstrip("\n") != "# " + phrase_table_key():
                return {}
            table = {}
            for line in f:
                phrase, ratio, original = line.rstrip("\n").split("\t")
                table[phrase] = (float(ratio), original)
            return table
    except OSError:
        return {}


@lru_cache(maxsize=1)
def phrase_starts() -> frozenset[str]:
    """First words of the phrase table's phrases: a cheap test before building a phrase."""
    return frozenset(phrase.split(" ", 1)[0] for phrase in load_phrase_table())


def phrase_spin_ratio(phrase: str) -> float:
    """:func:`spin_ratio` of a lower-cased two- or three-word phrase the channel can
    write, when above 1; otherwise 0 (no evidence either way).

    >>> phrase_spin_ratio("is simply a") > 1, phrase_spin_ratio("the cat")
    (True, 0.0)
    """
    found = load_phrase_table().get(phrase)
    return found[0] if found else 0.0


def compute_phrase_original(phrase: str) -> str:
    """The original a spinner most likely turned ``phrase`` into: the one with the most
    probability of being written and then spun into it.

    >>> compute_phrase_original("think factories")
    'think tanks'
    """
    best = max(restores_from(phrase), key=lambda link: (_written_then_spun(link), link.word))
    return best.word


def build_phrase_table_text() -> str:
    """The phrase table file's text (a header with the key, then phrase, ratio, original)."""
    lines = ["# " + phrase_table_key()]
    for phrase in spinner_phrases():
        ratio = compute_spin_ratio(phrase)
        if ratio > 1.0:
            lines.append(f"{phrase}\t{ratio:.4g}\t{compute_phrase_original(phrase)}")
    return "\n".join(lines) + "\n"
