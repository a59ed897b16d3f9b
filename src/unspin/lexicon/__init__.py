"""The channel: what a spinner may turn a word into, and what a spun word may have been.

Built from WordNet 3.0 and the MyThes thesaurus by ``scripts/build_lexicon.py``;
see ``relations.py`` for the relation types and weights and ``store.py`` for the
file format. Look-ups take any inflected word or phrase and keep its inflection.
Two more look-ups sit beside the built channel: the hypernym edges read
backwards (:func:`narrowed_from`, for the restorer) and Moby Thesaurus II's
lists (from ``moby.py``), read backwards for the restorer (:func:`moby_from`)
and forwards for the simulator's second spinner (:func:`moby_spins_to`).

>>> [link.word for link in restores_from("volition")][:1]
['will']
>>> "wants" in {link.word for link in restores_from("privations")}
True
>>> {"price", "prices"} <= {link.word for link in restores_from("terms")}
True
>>> restores_from("the")
[]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .inflect import analyses, inflect, unmarked_readings
from .kept import never_spun
from . import moby
from .relations import MOBY, NARROWING, POS_CODES
from .store import load_store

__all__ = ["Link", "entry", "load_store", "moby_fanout", "moby_from", "moby_spins_to",
           "narrowed_from", "narrowing_count", "narrowings", "restores_from", "spin_weight",
           "spins_to"]

# The relations that name a broader word: a spinner that narrows ("error" ->
# "blunder") follows one of these backwards.
BROADER = ("hypernym", "thesaurus_generic")
# Weights of the relations read at look-up time, which the artifact does not hold.
LOOKUP_WEIGHTS = dict((NARROWING, MOBY))


@dataclass(frozen=True)
class Link:
    """One edge of the channel seen from a word: the word at the other end and how.

    ``tag`` is the Penn tag both ends were inflected to, or ``None`` for base forms.
    """

    word: str
    relation: str
    weight: float
    pos: str
    tag: str | None = None

    def to_dict(self) -> dict:
        return {"word": self.word, "relation": self.relation, "weight": self.weight,
                "pos": self.pos, **({"inflection": self.tag} if self.tag else {})}


def spins_to(word: str) -> list[Link]:
    """What a spinner may replace ``word`` with, strongest first.

    >>> "arsenic" in {link.word for link in spins_to("as")}
    True
    >>> "gave away" in {link.word for link in spins_to("betrayed")}
    True
    """
    return list(_links(word.strip().lower(), forward=True))


def restores_from(word: str) -> list[Link]:
    """Which originals a spinner may have turned into ``word``, strongest first.

    Names are never originals: a spinner leaves them alone, so a spun "mortals"
    is not "Aries" (a person born under the sign) even though the lexicon
    spins one into the other. Nor are the function words and letters a spinner
    keeps (``kept.never_spun``): a spun "birth" is not "have", "eleven" not "I".

    >>> "think tank" in {link.word for link in restores_from("think factory")}
    True
    >>> "aries" in {link.word for link in restores_from("mortal")}
    False
    >>> {"have", "had"} & {link.word for link in restores_from("birthed")}
    set()
    >>> restores_from("zzyzx")
    []
    """
    return list(_links(word.strip().lower(), forward=False))


def narrowed_from(word: str) -> list[Link]:
    """Broader words a spinner may have narrowed into ``word``: its hypernyms and
    MyThes generic terms, as ``hyponym`` links (the path from original to spun).

    The built channel follows hypernyms one way only ("leader" -> "person"),
    but real spinner output narrows too: tortured phrases such as "mean square
    blunder" (error), "kidney disappointment" (failure) and "lactose bigotry"
    (intolerance) each replace a word with one of its WordNet hyponyms. These
    links are kept apart from :func:`restores_from`, which the simulator and the
    fast detector's tables share; the decoder adds them with their own prior.

    >>> "error" in {link.word for link in narrowed_from("blunder")}
    True
    >>> "errors" in {link.word for link in narrowed_from("blunders")}
    True
    >>> narrowed_from("zzyzx")
    []

    An original must be able to narrow at all: inflecting a broader verb or
    noun back can make a form the forward look-up cannot read ("made" ->
    "egested"), and such a form would otherwise take the whole narrowing prior.

    >>> "egested" in {link.word for link in narrowed_from("made")}
    False
    """
    return [link for link in _links(word.strip().lower(), forward=False, source="narrow")
            if narrowing_count(link.word) > 0]


def narrowings(word: str) -> list[Link]:
    """The narrower words a spinner may write for ``word`` (its hyponyms), the
    forward direction of :func:`narrowed_from`.

    >>> "blunder" in {link.word for link in narrowings("error")}
    True
    """
    return list(_links(word.strip().lower(), forward=True, source="narrow"))


@lru_cache(maxsize=200_000)
def narrowing_count(word: str) -> int:
    """How many narrower words a spinner could turn ``word`` into: one of them
    is a narrowing spinner's pick with chance 1 / this.

    >>> narrowing_count("error") > narrowing_count("blunder")
    True
    """
    return len(narrowings(word))


def moby_from(word: str) -> list[Link]:
    """Originals whose Moby Thesaurus entry lists ``word``, as ``moby_synonym`` links.

    Real spinners use thesauri far broader than WordNet and MyThes: "neural
    organization" (network), "irregular woodland" (random forest) and "savvy"
    (smart) follow Moby's lists and no path of the built channel. These links
    are kept apart from :func:`restores_from`, as the narrowings are; the
    decoder adds them with their own prior. Inflection, kept words and names
    are handled as in :func:`restores_from`.

    >>> "network" in {link.word for link in moby_from("organization")}
    True
    >>> "networks" in {link.word for link in moby_from("organizations")}
    True
    >>> moby_from("zzyzx")
    []

    A word a spinner keeps is taken as written, as the built channel takes it:
    Moby lists "of" under "about", but a spinner leaves "of" alone. Nor is a
    phrase looked up: Moby's phrases are mostly idioms that read naturally as
    written ("beat the bushes" under "search"), and undoing one changes every
    word of it; on the dev split they raised the clean words changed on Brown
    by half (0.66 to 0.99 %).

    >>> moby_from("of"), moby_from("beat the bushes")
    ([], [])
    """
    word = word.strip().lower()
    if never_spun(word) or " " in word:
        return []
    return [link for link in _links(word, forward=False, source="moby")
            if moby_fanout(link.word) > 0]


def moby_spins_to(word: str) -> list[Link]:
    """What a spinner drawing on Moby's lists may write for ``word``: the single
    words listed under it (or under its lemma, inflected to agree), as
    ``moby_synonym`` links of equal weight. The simulator's second thesaurus
    (``spin(..., thesaurus="moby")``); :func:`moby_from` reads it backwards.

    >>> "organizations" in {link.word for link in moby_spins_to("networks")}
    True

    Kept words are not spun and names are not written; Moby's phrases are
    left out, as :func:`moby_from` leaves them out.

    >>> moby_spins_to("of"), moby_spins_to("zzyzx")
    ([], [])
    """
    word = word.strip().lower()
    if never_spun(word) or " " in word:
        return []
    # A form the lexicon cannot read back ("awesomer" for "larger") is made by
    # inflection rules, not found in any spinner's table.
    return [link for link in _links(word, forward=True, source="moby") if " " not in link.word
            and (link.tag is None or (link.pos, link.tag) in
                 {(pos, tag) for _, pos, tag in analyses(link.word)})]


@lru_cache(maxsize=200_000)
def moby_fanout(word: str) -> int:
    """How many synonyms Moby lists for ``word`` (or its lemma, for an inflected
    form): a spinner picking uniformly from that list writes each with chance 1 / this.

    >>> moby_fanout("networks") == moby_fanout("network") > 0
    True
    >>> moby_fanout("zzyzx")
    0
    """
    word = word.strip().lower()
    return moby.fanout(word) or max((moby.fanout(lemma) for lemma, _, _ in analyses(word)),
                                    default=0)


@lru_cache(maxsize=200_000)
def spin_weight(word: str) -> float:
    """The summed weight of everything a spinner may turn ``word`` into: a
    neighbour's share of it is the channel probability of that substitution.

    It counts every reading of the word, as :func:`spins_to` does: "said" is
    the past of "say" and also an adjective ("the said party"), so its share
    of "read" is smaller than the adjective's links alone would make it.

    >>> spin_weight("said") > spin_weight("say") > 0.0
    True
    >>> spin_weight("zzyzx")
    0.0
    """
    return float(sum(link.weight for link in spins_to(word)))


def entry(word: str) -> dict:
    """Both directions for ``word`` as plain data (what ``unspin lexicon --json``
    prints), the broader words it may narrow (:func:`narrowed_from`) and the Moby
    headwords that list it (:func:`moby_from`).

    >>> sorted(entry("volition"))
    ['moby_from', 'narrowed_from', 'restores_from', 'spins_to', 'word']
    """
    return {"word": word, "spins_to": [link.to_dict() for link in spins_to(word)],
            "restores_from": [link.to_dict() for link in restores_from(word)],
            "narrowed_from": [link.to_dict() for link in narrowed_from(word)],
            "moby_from": [link.to_dict() for link in moby_from(word)]}


@lru_cache(maxsize=200_000)
def _links(word: str, forward: bool, source: str = "channel") -> tuple[Link, ...]:
    """``word``'s links in one direction, from the built channel, the narrowings
    or Moby, each original re-inflected to agree with ``word``."""
    store = load_store()
    if source == "narrow":
        edges = _narrowing_edges(store, forward)
    elif source == "moby":
        edges = _moby_edges(store, forward)
    else:
        edges = store.forward if forward else store.inverse
    best: dict[str, Link] = {}

    def keep(link: Link) -> None:
        old = best.get(link.word)
        if not forward and never_spun(link.word):
            return
        if link.word != word and (old is None or link.weight > old.weight):
            best[link.word] = link

    readings = analyses(word)
    if not forward:
        # A spun "read" may be a past ("said"). The simulator reads such a word as
        # its base form, so the forward direction, and the data it makes, stay as they were.
        readings += unmarked_readings(word)
    # A lemma that is itself a plural ("terms", "goods") also reads as the plural of
    # its originals: a spun "terms" is more often "prices" than "price".
    plural = not forward and any(pos == "n" and tag == "NNS" for _, pos, tag in readings)
    for other, pos, relation in edges(word):
        keep(Link(other, relation, _weight(store, relation), pos))
        if plural and pos == "n":
            for form in inflect(other, "n", "NNS")[:1]:
                keep(Link(form, relation, _weight(store, relation), pos, "NNS"))
    for lemma, pos, tag in readings:
        for other, other_pos, relation in edges(lemma):
            if other_pos == pos:
                for form in inflect(other, pos, tag)[:1]:
                    keep(Link(form, relation, _weight(store, relation), pos, tag))
    return tuple(sorted(best.values(), key=lambda link: (-link.weight, link.word)))


def _weight(store, relation: str) -> float:
    return LOOKUP_WEIGHTS[relation] if relation in LOOKUP_WEIGHTS else store.weights[relation]


def _narrowing_edges(store, forward: bool):
    """Edge look-up for narrowing: a word's hyponyms (forward) or what it narrows (back).

    Names take no part: a spinner keeps them, and its thesaurus does not list
    the instances of a word ("Moscow" under "national capital"), so a spun
    "Moscow" was not narrowed, and the capital's narrowings are its common kinds.
    """
    broader_edges = store.inverse if forward else store.forward

    def edges(lemma: str) -> list[tuple[str, str, str]]:
        if store.is_name(lemma):
            return []
        # Names are left out on both ends: a name is neither narrowed nor a narrowing.
        return [(other, pos, NARROWING[0]) for other, pos, relation in broader_edges(lemma)
                if relation in BROADER and not store.is_name(other)]
    return edges


def _moby_edges(store, forward: bool):
    """Edge look-up for Moby: the words listed under a lemma (forward) or the
    headwords listing it (back).

    Moby has no parts of speech, so a word takes those the lexicon knows for
    it, and a link those both ends share (a word it does not know shares any
    but is taken only as written), which lets an inflected spun word
    ("organizations") find its original in the same inflection ("networks"),
    and an inflected original its spun form.
    """
    def edges(lemma: str) -> list[tuple[str, str, str]]:
        others = moby.synonyms(lemma) if forward else moby.headwords_listing(lemma)
        mine = _parts_of_speech(store, lemma) or POS_CODES
        found = []
        for other in others:
            if store.is_name(other):
                continue
            # A link holds only in a part of speech both ends have, so each word
            # is inflected as what it is ("say" lists "about", but a spun "said"
            # is not "abouted"), and a pair with none in common is not linked
            # ("anyhow" under "random"). A word the lexicon does not know gets no
            # part of speech: it links as written, never inflected ("gamesing").
            found += [(other, pos, MOBY[0])
                      for pos in _parts_of_speech(store, other) or ("",) if not pos or pos in mine]
        return found
    return edges


@lru_cache(maxsize=200_000)
def _parts_of_speech(store, lemma: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(pos for _, pos, _ in store.forward(lemma)))
