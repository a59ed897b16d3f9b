"""Reference restorers that prove the evaluation harness: identity and unigram.

They are the floor any real restorer must beat: ``identity`` restores nothing,
``unigram`` replaces a word by its most frequent possible original whenever that
original is more frequent than the word itself (no context at all).
"""

from __future__ import annotations

from wordfreq import zipf_frequency

from .lexicon import restores_from
from .text import Edit, Restoration, apply_edits, match_case, words


def identity(text: str) -> Restoration:
    """Restore nothing.

    >>> identity("Xi volition hold talks").edits
    []
    """
    return Restoration(text, [], 0.0)


def unigram(text: str) -> Restoration:
    """Swap each word for its most frequent possible original, if that is more frequent.

    >>> unigram("volition, helium said").text
    'will, he said'
    >>> unigram("the of and").edits
    []
    """
    edits = []
    tokens = words(text)
    for token in tokens:
        best = _most_frequent_original(token.text.lower())
        if best is not None:
            edits.append(Edit(token.start, token.end, token.text, match_case(best, token.text),
                              confidence=0.5, reason="unigram"))
    restored = apply_edits(text, edits)
    return Restoration(restored, edits, len(edits) / max(1, len(tokens)))


def _most_frequent_original(word: str) -> str | None:
    own = zipf_frequency(word, "en")
    best, best_freq = None, own
    for link in restores_from(word):
        if " " in link.word:
            continue
        freq = zipf_frequency(link.word, "en")
        if freq > best_freq:
            best, best_freq = link.word, freq
    return best
