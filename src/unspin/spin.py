"""The spinner simulator: the channel run forwards, to make evaluation data.

It behaves like the spinners described in DEVELOPERS.md: word by word and
phrase by phrase it swaps in thesaurus neighbours of any sense, with no regard
for meaning; it keeps names, numbers and most function words, keeps case,
punctuation and inflection, and now and then pads a copula with a filler.
Headlines in title case or capitals are spun as the prose they stand for
(``unspin.casing``), as spinners rewrite titles too.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from .casing import cased_like, fold_headlines
from .lexicon import Link, moby_spins_to, spins_to
from .lexicon.kept import WH_WORDS, never_spun
from .text import Edit, Token, is_name, phrase_span, words

# Spinnable function words change less often than content words.
FUNCTION_WORDS = frozenset("""
as he in on at or be will can may up out about over all more most even still just
also only into off down well very much many some any each both
""".split())
FUNCTION_WORD_FACTOR = 0.3
FILLER_FACTOR = 0.3
TARGET_RE = re.compile(r"[a-z]+(?:[ '\-][a-z]+)*")
MAX_PHRASE = 3
THESAURI = ("lexicon", "moby")


@dataclass(frozen=True)
class Spun:
    """Spun text and where it differs from the original.

    Each edit's ``start``/``end`` index ``text`` (the spun text), ``spun`` is the
    spun wording there and ``original`` what it was: ``apply_edits(text, edits)``
    gives back the original exactly.
    """

    text: str
    edits: list[Edit]

    def to_dict(self) -> dict:
        return {"text": self.text, "edits": [e.to_dict() for e in self.edits]}


def spin(text: str, rate: float = 0.25, seed: int = 0, thesaurus: str = "lexicon") -> Spun:
    """Spin ``text`` so that about ``rate`` of its words change; the same seed, the same result.

    ``thesaurus`` is where substitutes come from: ``"lexicon"``, the built
    channel (WordNet and MyThes, with phrases and fillers), or ``"moby"``, Moby
    Thesaurus II's lists, one word for one word and uniformly chosen. Real
    spinners draw on thesauri as broad as Moby; a restorer tuned on one
    spinner is tested on the other.

    >>> out = spin("The new leader will hold talks in Moscow.", rate=0.5, seed=1)
    >>> out.text != "The new leader will hold talks in Moscow."
    True
    >>> from unspin.text import apply_edits
    >>> apply_edits(out.text, out.edits)
    'The new leader will hold talks in Moscow.'
    >>> spin("The 42 of 1999.", rate=0.9).edits
    []
    >>> spin("Neural networks", rate=1.0, seed=2, thesaurus="moby").text != "Neural networks"
    True
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be between 0 and 1, not {rate}")
    if thesaurus not in THESAURI:
        raise ValueError(f"thesaurus must be one of {', '.join(THESAURI)}, not {thesaurus!r}")
    rng = random.Random(seed)
    # A headline's words are chosen from its folded copy, where a capital marks
    # a name again; the copy has the text's length, so its tokens fit the text.
    folded, headlines = fold_headlines(text)
    tokens = words(folded)
    plans = _eligible(folded, tokens, moby=thesaurus == "moby")
    weight = sum(factor for _, _, factor, _ in plans)
    # Scale so that about `rate` of all words change although many are protected.
    chance = min(1.0, rate * len(tokens) / weight) if weight else 0.0
    replacements: list[tuple[int, int, str]] = []  # token index range and new wording
    taken = -1
    for first, last, factor, links in plans:
        if first <= taken or rng.random() >= chance * factor:
            continue
        target = _choose(links, rng)
        replacements.append((first, last, target.word))
        taken = last
    return _render(text, tokens, replacements, headlines)


def _eligible(text: str, tokens: list[Token],
              moby: bool = False) -> list[tuple[int, int, float, list[Link]]]:
    """Spans the spinner may replace: (first token, last token, chance factor, links)."""
    plans = []
    look_up = moby_spins_to if moby else spins_to
    # Moby's phrases are idioms, and the lexicon's phrases are the lexicon's.
    phrase_lengths = () if moby else range(MAX_PHRASE, 1, -1)
    for i, token in enumerate(tokens):
        for n in phrase_lengths:
            phrase = _phrase(text, tokens, i, n)
            links = _usable(spins_to(phrase)) if phrase else []
            if links:
                factor = FILLER_FACTOR if links[0].relation == "filler" else 1.0
                plans.append((i, i + n - 1, factor, links))
        word = token.text
        if _protected(text, token):
            continue
        links = _usable(look_up(word))
        if links:
            factor = FUNCTION_WORD_FACTOR if word.lower() in FUNCTION_WORDS else 1.0
            plans.append((i, i, factor, links))
    return plans


def _protected(text: str, token: Token) -> bool:
    word = token.text
    lowered = word.lower()
    return never_spun(lowered) or lowered in WH_WORDS or is_name(text, token)


def _phrase(text: str, tokens: list[Token], i: int, n: int) -> str | None:
    span = phrase_span(text, tokens, i, n)
    return text[span[0]:span[1]].lower() if span else None


def _usable(links: list[Link]) -> list[Link]:
    return [link for link in links if TARGET_RE.fullmatch(link.word)]


def _choose(links: list[Link], rng: random.Random) -> Link:
    # Squaring the weights makes plain synonyms the usual choice and two-hop paths rare.
    return rng.choices(links, weights=[link.weight ** 2 for link in links])[0]


def _render(text: str, tokens: list[Token], replacements: list[tuple[int, int, str]],
            headlines: list) -> Spun:
    out, edits, at, shift = [], [], 0, 0
    for first, last, new in replacements:
        start, end = tokens[first].start, tokens[last].end
        old = text[start:end]
        new = cased_like(new, text, start, end, headlines)
        out += [text[at:start], new]
        begin = start + shift
        edits.append(Edit(begin, begin + len(new), new, old, reason="spun"))
        shift += len(new) - len(old)
        at = end
    out.append(text[at:])
    return Spun("".join(out), edits)
