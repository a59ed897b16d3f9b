"""A tiny deterministic stand-in for a real language model, for fast tests.

It is a byte-bigram model: tokens are the UTF-8 bytes of the text (ids 0-255)
and id 256 is the start token. Its probabilities come from bigram counts over a
small built-in English sample with add-one smoothing, so ordinary English
scores better than letter salad, and every answer is the same on every run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .base import LanguageModel, PrefixScores, char_offsets

_SAMPLE = """\
Xi will hold talks in Moscow, as he said on Friday; a think tank warned of a trade war.
The new trade agreement is a sign that both countries want to use their economic power.
Officials said the talks would focus on energy, farm goods and technology.
Critics argue that the plan will raise prices for ordinary families and hurt small businesses.
Experts expect the leaders to discuss security as well, and markets will watch closely.
The cat sat on the mat. It is a good day to be in the sun with the rest of the people.
"""


class FakeModel(LanguageModel):
    """Byte-bigram language model with the :class:`LanguageModel` interface.

    >>> lm = FakeModel()
    >>> lm.tokenize("hi")
    [104, 105]
    >>> a, b = lm.continuation_logprobs("Xi", [" will", " volition"])
    >>> a > b
    True
    """

    name = "fake"
    bos = 256
    n_vocab = 257

    def __init__(self, sample: str = _SAMPLE):
        counts = np.ones((self.n_vocab, self.n_vocab))
        for line in sample.splitlines():
            ids = [self.bos, *line.encode("utf-8")]
            np.add.at(counts, (ids[:-1], ids[1:]), 1.0)
        self._table = np.log(counts / counts.sum(axis=1, keepdims=True)).astype(np.float32)

    def tokenize(self, text: str) -> list[int]:
        return list(text.encode("utf-8"))

    def prefix_logprobs(self, text: str) -> PrefixScores:
        tokens = self.tokenize(text)
        seq = [self.bos, *tokens]
        logprobs = self._table[seq[:-1], seq[1:]]
        offsets = char_offsets(text, [1] * len(tokens))
        return PrefixScores(text, tokens, offsets, logprobs, lambda i: self._table[seq[i]].copy())

    def continuation_logprobs(self, prefix: str, continuations: Sequence[str]) -> list[float]:
        start = len(prefix.encode("utf-8"))
        scores = []
        for cont in continuations:
            seq = [self.bos, *self.tokenize(prefix + cont)]
            scores.append(float(self._table[seq[start:-1], seq[start + 1:]].sum()))
        return scores
