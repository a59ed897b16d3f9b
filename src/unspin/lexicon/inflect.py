"""Inflection on both sides of the channel: a plural stays plural, a past stays past.

The lexicon stores lemmas. A spun word is lemmatised, its lemma looked up, and
each original re-inflected with the spun word's Penn tag; for a multiword lemma
the head is inflected (the last word of a noun, the first of a verb).
"""

from __future__ import annotations

from functools import lru_cache

import lemminflect

UPOS = {"n": "NOUN", "v": "VERB", "a": "ADJ", "r": "ADV"}
TAGS = {"n": ("NNS",), "v": ("VBD", "VBN", "VBG", "VBZ"), "a": ("JJR", "JJS"), "r": ()}


@lru_cache(maxsize=100_000)
def analyses(word: str) -> tuple[tuple[str, str, str], ...]:
    """Inflected readings of ``word`` as ``(lemma, pos, tag)``; the base form is not listed.

    >>> ("privation", "n", "NNS") in analyses("privations")
    True
    >>> analyses("the")
    ()
    """
    found = []
    for at, pos, head in _heads(word):
        upos = UPOS[pos]
        for lemma in lemminflect.getAllLemmas(head, upos).get(upos, ()):
            if lemma == head:
                continue
            for tag in TAGS[pos]:
                if head in inflect_word(lemma, tag):
                    found.append((_replace(word, at, lemma), pos, tag))
    last = word.rsplit(" ", 1)[-1]
    if not any(pos == "n" for _, pos, _ in found) and last.endswith("s") and len(last) > 3 \
            and not last.endswith("ss"):
        # lemminflect lists mass nouns ("wants") only as verbs; accept a regular plural.
        found.append((word[:-1], "n", "NNS"))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=100_000)
def unmarked_readings(word: str) -> tuple[tuple[str, str, str], ...]:
    """Past readings of a verb (or verb phrase) whose past is its base form, as
    ``(lemma, pos, tag)``: "read", "put", "set up" may be past tenses or participles.

    :func:`analyses` leaves them out, since the word is its own lemma; a spun
    "read" still may stand for "said".

    >>> unmarked_readings("read")
    (('read', 'v', 'VBD'), ('read', 'v', 'VBN'))
    >>> unmarked_readings("come"), unmarked_readings("talk")
    ((('come', 'v', 'VBN'),), ())
    """
    head = word.split(" ", 1)[0]
    if head not in lemminflect.getAllLemmas(head, "VERB").get("VERB", ()):
        return ()
    return tuple((word, "v", tag) for tag in ("VBD", "VBN") if head in inflect_word(head, tag))


def inflect(lemma: str, pos: str, tag: str) -> list[str]:
    """Forms of ``lemma`` (a word or phrase) for a Penn ``tag``, most usual first.

    >>> inflect("want", "n", "NNS")
    ['wants']
    >>> inflect("think tank", "n", "NNS")
    ['think tanks']
    >>> inflect("sell out", "v", "VBD")
    ['sold out']
    """
    words = lemma.split(" ")
    at = 0 if pos == "v" else len(words) - 1
    forms = inflect_word(words[at], tag)
    return [" ".join(words[:at] + [form] + words[at + 1:]) for form in forms]


@lru_cache(maxsize=100_000)
def inflect_word(word: str, tag: str) -> tuple[str, ...]:
    if tag == "NNS" and _regular_plural(word) == word:
        return (word,)
    forms = [f for f in lemminflect.getInflection(word, tag) if f]
    if tag == "NNS" and (not forms or forms == [word]):
        forms = [_regular_plural(word)]
    elif not forms:
        forms = [f for f in lemminflect.getInflection(word, tag, inflect_oov=True) if f]
    return tuple(dict.fromkeys(forms))


def _regular_plural(word: str) -> str:
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word  # already plural: "terms", "goods", "means"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _heads(word: str) -> list[tuple[int, str, str]]:
    """(word index, pos, head): a phrase inflects its last word, or its first if a verb."""
    words = word.split(" ")
    last = len(words) - 1
    heads = [(last, pos, words[last]) for pos in UPOS if pos != "v" or last == 0]
    heads.append((0, "v", words[0]) if last else None)
    return [h for h in heads if h]


def _replace(phrase: str, at: int, new: str) -> str:
    words = phrase.split(" ")
    words[at] = new
    return " ".join(words)
