"""Headlines and capitals: a line set in title case or in capitals is read as prose.

Inside a sentence a capital marks a name, which is never spun or restored
(``text.is_name``). In a headline ("Xi Volition Hold Talks Successful Moscow")
or a line in capitals every word has one, so that rule alone would leave
the line as the spinner wrote it. Spinners rewrite titles and headings too,
and screeners read titles first. So the decoder and the fast detector read a
folded copy of the text: the same length, every character where it was, the
headlines (``text.cased_lines``) written as a sentence of prose would be. A
word there keeps its capital only where it looks like a name: at the start of
a sentence; where the lexicon knows it only as a name ("Moscow") or neither
wordfreq nor the channel knows it; or where the text's own prose capitalises it inside a
sentence ("Trump" in "... said Trump"). Ambiguous names the prose does not
show ("Smith", "China") are left to the language model and the bias towards
keeping words. Edits found in the copy then take the case of the input's
words (:func:`recase`).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from .text import (TITLE_SMALL_WORDS, CasedLine, Edit, Token, cased_lines, is_name,
                   match_case, starts_sentence, words)


def fold_headlines(text: str) -> tuple[str, list[CasedLine]]:
    """``text`` with its headlines in the case of prose, and those headlines' lines.

    The folded text has the same length as ``text`` and differs only in the
    case of letters inside the lines returned.

    >>> fold_headlines("XI VOLITION HOLD TALKS SUCCESSFUL MOSCOW")[0]
    'Xi volition hold talks successful Moscow'
    >>> fold_headlines("Xi volition hold talks in Moscow.")
    ('Xi volition hold talks in Moscow.', [])
    """
    lines = cased_lines(text)
    if not lines:
        return text, []
    prose_names = _prose_names(text, lines)
    chars = list(text)
    for line in lines:
        for token in words(text[line.start:line.end]):
            token = Token(token.start + line.start, token.end + line.start, token.text)
            lowered = _lower(token.text)
            if len(token.text) == 1:  # "I", and letters, which are never spun
                continue
            if _starts(text, token, line) or _looks_like_name(lowered, prose_names):
                folded = token.text[0] + (lowered[1:] if line.upper else token.text[1:])
            else:
                folded = lowered
            chars[token.start:token.end] = folded
    return "".join(chars), lines


def recase(text: str, edits: list[Edit], lines: list[CasedLine]) -> list[Edit]:
    """``edits`` found in the folded copy of ``text``, with the input's words and case.

    In a title-case line an original's words take capitals as a title's
    would; in a line of capitals they are capitals.

    >>> text = "A Deliberation Vessel Warned of Profound Learning"
    >>> folded, lines = fold_headlines(text)
    >>> folded
    'A deliberation vessel warned of profound learning'
    >>> edits = [Edit(2, 21, "deliberation vessel", "think tank", 0.9, (("think", 0.1),))]
    >>> [(e.spun, e.original, e.alternatives) for e in recase(text, edits, lines)]
    [('Deliberation Vessel', 'Think Tank', (('Think', 0.1),))]
    """
    out = []
    for edit in edits:
        if _line_at(lines, edit.start) is None:
            out.append(edit)
            continue
        spun = text[edit.start:edit.end]
        out.append(replace(
            edit, spun=spun, original=cased_like(edit.original, text, edit.start, edit.end, lines),
            alternatives=tuple((cased_like(w, text, edit.start, edit.end, lines), c)
                               for w, c in edit.alternatives)))
    return out


def cased_like(word: str, text: str, start: int, end: int, lines: list[CasedLine]) -> str:
    """``word`` in the case that ``text[start:end]`` has: as a title's words in a
    title-case line, in capitals in a line of capitals, else as ``match_case`` does.

    >>> text = "Xi Volition Hold Talks"
    >>> cased_like("think tank", text, 3, 11, cased_lines(text))
    'Think Tank'
    >>> cased_like("think tank", "Xi volition hold", 3, 11, [])
    'think tank'
    """
    spun = text[start:end]
    line = _line_at(lines, start)
    if line is None or line.upper:
        return match_case(word if line is None else word.lower(), spun)
    first = _starts(text, Token(start, end, spun), line)
    parts = word.lower().split(" ")
    return " ".join(part if part in TITLE_SMALL_WORDS and (i or not first) else part[:1].upper()
                    + part[1:] for i, part in enumerate(parts))


def _line_at(lines: list[CasedLine], at: int) -> CasedLine | None:
    """The headline line holding offset ``at``, if any."""
    return next((line for line in lines if line.start <= at < line.end), None)


def _starts(text: str, token: Token, line: CasedLine) -> bool:
    """Whether ``token`` begins a sentence: a headline's line is one, whatever ends the last."""
    return not text[line.start:token.start].strip() or starts_sentence(text, token)


def _prose_names(text: str, lines: list[CasedLine]) -> frozenset[str]:
    """Words the text's prose (its lines that are not headlines) capitalises inside a sentence."""
    names = set()
    for token in words(text):
        if _line_at(lines, token.start) is None and is_name(text, token):
            names.add(_lower(token.text))
    return frozenset(names)


def _looks_like_name(lowered: str, prose_names: frozenset[str]) -> bool:
    return lowered in prose_names or _is_name_word(lowered)


@lru_cache(maxsize=65536)
def _is_name_word(lowered: str) -> bool:
    """Whether the lexicon knows ``lowered`` (or the lemma of its form: "cherokees")
    only as a name, or neither wordfreq nor the channel knows it. Spun words are
    often rare forms wordfreq lacks ("approbative"), so the channel is asked too."""
    from wordfreq import zipf_frequency

    from .lexicon import moby_from, restores_from
    from .lexicon.inflect import analyses
    from .lexicon.store import load_store

    store = load_store()
    if store.is_name(lowered) or (store.word_id(lowered) is None and any(
            store.is_name(lemma) for lemma, _, _ in analyses(lowered))):
        return True
    return zipf_frequency(lowered, "en") == 0 and not (restores_from(lowered)
                                                        or moby_from(lowered))


def _lower(word: str) -> str:
    """``word`` in lower case, letter for letter (a letter whose lower case is longer stays)."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in word)
