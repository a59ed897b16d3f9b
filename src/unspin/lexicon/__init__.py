"""The channel: what a spinner may turn a word into, and what a spun word may have been.

Built from WordNet 3.0 and the MyThes thesaurus by ``scripts/build_lexicon.py``;
see ``relations.py`` for the relation types and weights and ``store.py`` for the
file format. Look-ups take any inflected word or phrase and keep its inflection.

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
from .relations import NARROWING
from .store import load_store

__all__ = ["Link", "entry", "load_store", "narrowed_from", "narrowing_count", "narrowings",
           "restores_from", "spin_weight", "spins_to"]

# The relations that name a broader word: a spinner that narrows ("error" ->
# "blunder") follows one of these backwards.
BROADER = ("hypernym", "thesaurus_generic")


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
    return [link for link in _links(word.strip().lower(), forward=False, narrow=True)
            if narrowing_count(link.word) > 0]


def narrowings(word: str) -> list[Link]:
    """The narrower words a spinner may write for ``word`` (its hyponyms), the
    forward direction of :func:`narrowed_from`.

    >>> "blunder" in {link.word for link in narrowings("error")}
    True
    """
    return list(_links(word.strip().lower(), forward=True, narrow=True))


@lru_cache(maxsize=200_000)
def narrowing_count(word: str) -> int:
    """How many narrower words a spinner could turn ``word`` into: one of them
    is a narrowing spinner's pick with chance 1 / this.

    >>> narrowing_count("error") > narrowing_count("blunder")
    True
    """
    return len(narrowings(word))


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
    prints), and the broader words it may narrow (:func:`narrowed_from`).

    >>> sorted(entry("volition"))
    ['narrowed_from', 'restores_from', 'spins_to', 'word']
    """
    return {"word": word, "spins_to": [link.to_dict() for link in spins_to(word)],
            "restores_from": [link.to_dict() for link in restores_from(word)],
            "narrowed_from": [link.to_dict() for link in narrowed_from(word)]}


@lru_cache(maxsize=200_000)
def _links(word: str, forward: bool, narrow: bool = False) -> tuple[Link, ...]:
    store = load_store()
    edges = store.forward if forward else store.inverse
    if narrow:
        edges = _narrowing_edges(store, forward)
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
    return NARROWING[1] if relation == NARROWING[0] else store.weights[relation]


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
        # store.inverse leaves names out, and _links drops them as originals.
        return [(other, pos, NARROWING[0]) for other, pos, relation in broader_edges(lemma)
                if relation in BROADER and not store.is_name(other)]
    return edges
