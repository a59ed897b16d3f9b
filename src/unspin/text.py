"""Tokens, offsets and case: the only place that knows how text is cut into words.

Offsets everywhere in unspin are Python string indices into the input, so an
emoji or a combining mark counts as what Python says it is. Every character
outside an edit is copied through unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

# Letters with inner apostrophes or hyphens ("don't", "well-known"); digits are
# not words here, so numbers are never candidates for spinning or restoring. Nor
# are letters glued to digits ("30th", "mp3", "B52"): read alone, the "th" of
# "30th" is Thursday, and the spinner wrote "30thursday". The atomic group keeps
# the engine from backing off to a shorter run of letters before a digit.
WORD_RE = re.compile(r"(?<![^\W_])(?>[^\W\d_]+(?:['’\-][^\W\d_]+)*)(?!\d)")
# What may close a sentence after its full stop: quotes and brackets.
CLOSERS = "\"')]’”"


@dataclass(frozen=True)
class Token:
    """A word in a text: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


def words(text: str) -> list[Token]:
    """The word tokens of ``text`` with their offsets.

    >>> [t.text for t in words("Xi will hold talks in Moscow, he said 😀.")]
    ['Xi', 'will', 'hold', 'talks', 'in', 'Moscow', 'he', 'said']
    >>> words("42 + 7")
    []
    >>> [t.text for t in words("the 30th of May, mp3s, COVID-19")]
    ['the', 'of', 'May', 'COVID']
    """
    return [Token(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]


def starts_sentence(text: str, token: Token) -> bool:
    """Whether ``token`` is the first word of a sentence (so its capital says nothing).

    It is when only space comes before it, when the text before it ends in
    ``.``, ``!`` or ``?`` (then closing quotes or brackets, then space), or when a
    blank line ends within the four characters before it.

    >>> text = "It rained. Rain fell."
    >>> [starts_sentence(text, t) for t in words(text)]
    [True, False, True, False]
    """
    # Only the characters just before the token count, so look back from it
    # instead of searching the whole prefix: that was quadratic in a long text.
    end = token.start
    while end and text[end - 1].isspace():
        end -= 1
    if not end or "\n\n" in text[max(0, token.start - 4):token.start]:
        return True
    while end and text[end - 1] in CLOSERS:
        end -= 1
    return bool(end) and text[end - 1] in ".!?"


def is_name(text: str, token: Token) -> bool:
    """A capital inside a sentence marks a name, which is never spun or restored.

    Headlines, where every word has a capital, are first folded to the case of
    prose (``unspin.casing``).

    >>> text = "Then Smith left."
    >>> [is_name(text, t) for t in words(text)]
    [False, True, False]
    """
    return token.text[0].isupper() and not starts_sentence(text, token)


# Words a headline in title case leaves in lower case (articles, short
# prepositions and conjunctions): any other lower-case word marks a line as prose.
TITLE_SMALL_WORDS = frozenset(
    "a an and as at but by en for from in into nor of off on onto or over per so "
    "than the to up upon via vs with yet".split())
# A byline ("By John Smith and Mary Baker") is capitalised because it is names,
# many of them common words too ("john", "smith", "baker"): not a headline.
BYLINE_RE = re.compile(r"\s*(?:By|BY)\s+[A-Z]")


@dataclass(frozen=True)
class CasedLine:
    """A line set in capitals or in title case, where a capital does not mark a name."""

    start: int
    end: int
    upper: bool  # every letter a capital, rather than title case


def cased_lines(text: str) -> list[CasedLine]:
    """The lines of ``text`` set as headlines: at least three capitalised words and
    no lower-case word but the small ones title case keeps (``TITLE_SMALL_WORDS``).
    A byline is not one.

    >>> text = "Xi Volition Hold Talks in Moscow\\nXi met Smith in New York.\\nTHE NEW LEADER"
    >>> [(text[c.start:c.end], c.upper) for c in cased_lines(text)]
    [('Xi Volition Hold Talks in Moscow', False), ('THE NEW LEADER', True)]
    >>> cased_lines("By John Smith and Mary Baker")
    []
    """
    found = []
    for line in re.finditer(r"[^\n]+", text):
        if BYLINE_RE.match(line.group()):
            continue
        capitals = 0
        for match in WORD_RE.finditer(line.group()):
            word = match.group()
            if word[0].isupper():
                capitals += 1
            elif word.lower() not in TITLE_SMALL_WORDS:
                break
        else:
            if capitals >= 3:
                piece = line.group()
                found.append(CasedLine(line.start(), line.end(), piece == piece.upper()))
    return found


def phrase_span(text: str, tokens: list[Token], i: int, n: int) -> tuple[int, int] | None:
    """Offsets of the ``n`` words from token ``i`` when they form a phrase: single spaces
    between them and no name among them; otherwise None.

    >>> text = "a think tank, Smith said"
    >>> tokens = words(text)
    >>> phrase_span(text, tokens, 1, 2), phrase_span(text, tokens, 2, 2)
    ((2, 12), None)
    """
    span = tokens[i:i + n]
    if len(span) < n or any(is_name(text, t) for t in span):
        return None
    if any(text[a.end:b.start] != " " for a, b in pairwise(span)):
        return None
    return span[0].start, span[-1].end


def match_case(word: str, model: str) -> str:
    """Give ``word`` the capitalisation pattern of ``model``.

    >>> match_case("will", "Volition"), match_case("think tank", "DELIBERATION VESSEL")
    ('Will', 'THINK TANK')
    >>> match_case("as", "arsenic")
    'as'
    """
    letters = [c for c in model if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@dataclass(frozen=True)
class Edit:
    """A span of (spun) text and the wording it stands for.

    ``start``/``end`` index the text the edit applies to; ``spun`` is the text
    there and ``original`` what replaces it. ``confidence`` is 0..1 and
    ``alternatives`` lists other originals as ``(word, confidence)``.
    """

    start: int
    end: int
    spun: str
    original: str
    confidence: float = 1.0
    alternatives: tuple[tuple[str, float], ...] = field(default=())
    reason: str = ""

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "spun": self.spun,
                "original": self.original, "confidence": round(self.confidence, 4),
                "alternatives": [{"word": w, "confidence": round(c, 4)}
                                 for w, c in self.alternatives],
                "reason": self.reason}


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Replace each edit's span by its original; everything else is kept.

    >>> apply_edits("Xi volition hold", [Edit(3, 11, "volition", "will")])
    'Xi will hold'
    """
    out, at = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < at or text[edit.start:edit.end] != edit.spun:
            raise ValueError(f"edit {edit.start}:{edit.end} does not fit the text")
        out += [text[at:edit.start], edit.original]
        at = edit.end
    out.append(text[at:])
    return "".join(out)


@dataclass(frozen=True)
class Restoration:
    """Restored text, the edits that made it from the input, and how spun the input looked.

    ``apply_edits(input, edits) == text``. ``spun_score`` is 0..1, higher for
    text that looks spun (the share of words restored, unless a scorer says more).
    ``doubts`` are words the decoder left alone although it was not sure they
    are original: each an Edit naming the likeliest original, with confidence
    the probability that the word was changed. The detector reports them as
    spans; they are not applied and not part of ``to_dict``.
    """

    text: str
    edits: list[Edit]
    spun_score: float = 0.0
    doubts: list[Edit] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"text": self.text, "spun_score": round(self.spun_score, 4),
                "edits": [e.to_dict() for e in self.edits]}


def word_diff(text: str, edits: list[Edit], color: bool = False) -> str:
    """Show ``text`` with each edit as ``[-spun-]{+original+}``, or in colour for a terminal.

    >>> word_diff("Xi volition hold", [Edit(3, 11, "volition", "will")])
    'Xi [-volition-]{+will+} hold'
    """
    out, at = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        out.append(text[at:edit.start])
        if color:  # red struck-through spun word, green original
            out.append(f"\x1b[9;31m{edit.spun}\x1b[0m \x1b[32m{edit.original}\x1b[0m")
        else:
            out.append(f"[-{edit.spun}-]{{+{edit.original}+}}")
        at = edit.end
    out.append(text[at:])
    return "".join(out)
