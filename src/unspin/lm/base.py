"""The language-model interface the decoder scores candidates with.

Every model, real or fake, turns text into token ids and answers two questions:

* ``prefix_logprobs(text)``: one pass over the whole text; afterwards the
  log-probability of any stretch of it, and the model's full next-token
  distribution at any token boundary, are cheap look-ups.
* ``continuation_logprobs(prefix, continuations)``: how likely each of several
  short continuations is after the same prefix.

Log-probabilities are natural logs and every text is scored after the model's
start-of-text token, so the first word of a text is scored too.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

import numpy as np

# Rows of a (rows x vocabulary) logits block reduced at once: bounds the temporary
# arrays to about 16 MB even for Gemma's 262,144-token vocabulary.
_ROWS_PER_STEP = 16


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Return the log-softmax of one logits vector as a new float32 array.

    >>> v = log_softmax(np.array([0.0, 0.0], dtype=np.float32))
    >>> [round(float(x), 4) for x in v]
    [-0.6931, -0.6931]
    """
    shifted = logits - logits.max()
    return (shifted - np.log(np.exp(shifted).sum())).astype(np.float32, copy=False)


def target_logprobs(logits: np.ndarray, targets: Sequence[int]) -> np.ndarray:
    """For each row of ``logits``, the log-softmax value of that row's target id.

    >>> block = np.log(np.array([[0.25, 0.75], [0.5, 0.5]], dtype=np.float32))
    >>> [round(float(x), 4) for x in target_logprobs(block, [1, 0])]
    [-0.2877, -0.6931]
    """
    return picked_logprobs(logits, range(len(targets)), targets)


def picked_logprobs(logits: np.ndarray, rows: Sequence[int],
                    targets: Sequence[int]) -> np.ndarray:
    """The log-softmax value of ``logits[rows[i]]`` at ``targets[i]``, for each i.

    Rows may repeat: each row's normaliser is worked out once, in small groups
    of rows so that memory stays flat for big vocabularies.

    >>> block = np.log(np.array([[0.25, 0.75], [0.5, 0.5]], dtype=np.float32))
    >>> [round(float(x), 4) for x in picked_logprobs(block, [0, 1, 0], [1, 0, 0])]
    [-0.2877, -0.6931, -1.3863]
    """
    rows = np.asarray(rows, dtype=np.intp)
    used, where = np.unique(rows, return_inverse=True)
    normalisers = np.empty(len(used), dtype=np.float64)
    for lo in range(0, len(used), _ROWS_PER_STEP):
        block = np.asarray(logits[used[lo:lo + _ROWS_PER_STEP]], dtype=np.float32)
        normalisers[lo:lo + len(block)] = _log_normalisers(block)
    picked = np.asarray(logits[rows, np.asarray(targets, dtype=np.intp)], dtype=np.float64)
    return picked - normalisers[where]


def _log_normalisers(rows: np.ndarray) -> np.ndarray:
    """log(sum(exp(row))) for each row of a float32 block, computed stably."""
    top = rows.max(axis=1, keepdims=True)
    return np.log(np.exp(rows - top).sum(axis=1)) + top[:, 0]


def char_offsets(text: str, piece_lengths: Sequence[int]) -> list[int | None]:
    """Map each token's starting byte to a character offset into ``text``.

    ``piece_lengths`` are the UTF-8 byte lengths of the tokens in order; they must
    add up to the text's byte length. A token that starts inside a multi-byte
    character (byte-level BPE can split one) gets ``None``: it is no boundary.

    >>> char_offsets("a é", [1, 2, 1])   # 'a', ' \\xc3', '\\xa9'
    [0, 1, None]
    """
    data = text.encode("utf-8")
    if sum(piece_lengths) != len(data):
        raise RuntimeError("the tokenizer did not round-trip this text; cannot map offsets")
    if text.isascii():
        byte_to_char = None
    else:
        byte_to_char = {}
        pos = 0
        for i, ch in enumerate(text):
            byte_to_char[pos] = i
            pos += len(ch.encode("utf-8"))
    offsets: list[int | None] = []
    pos = 0
    for length in piece_lengths:
        offsets.append(pos if byte_to_char is None else byte_to_char.get(pos))
        pos += length
    return offsets


class PrefixScores:
    """The result of one pass of a model over a text.

    ``tokens`` are the text's token ids (no start token) and ``token_logprobs[i]``
    is log P(token i | start token, tokens before i). Character offsets that begin
    a token, plus ``len(text)``, are *boundaries*; in practice every word starts
    one, together with the space in front of it.

    >>> from unspin.lm import FakeModel
    >>> lm = FakeModel()
    >>> scores = lm.prefix_logprobs("Xi will hold talks")
    >>> scores.boundaries[:4]          # the fake model's tokens are single bytes
    [0, 1, 2, 3]
    >>> will = scores.logprob(2, 7)    # " will"
    >>> round(will, 4) == round(lm.continuation_logprobs("Xi", [" will"])[0], 4)
    True
    >>> row = scores.next_token_logprobs(7)          # what follows "Xi will"
    >>> round(float(np.exp(row).sum()), 4), bool(row[ord(" ")] == scores.token_logprobs[7])
    (1.0, True)
    """

    def __init__(self, text: str, tokens: Sequence[int], offsets: Sequence[int | None],
                 token_logprobs: np.ndarray, row: Callable[[int], np.ndarray]):
        self.text = text
        self.tokens = list(tokens)
        self.token_logprobs = np.asarray(token_logprobs, dtype=np.float64)
        self._row = row
        self._index = {off: i for i, off in enumerate(offsets) if off is not None}
        self._index[len(text)] = len(self.tokens)
        self._cumulative = np.concatenate([[0.0], np.cumsum(self.token_logprobs)])

    @property
    def boundaries(self) -> list[int]:
        """Every character offset the other methods accept, in order."""
        return sorted(self._index)

    def is_boundary(self, offset: int) -> bool:
        """Whether a token of this text starts at ``offset`` (or it is the end)."""
        return offset in self._index

    def token_index(self, offset: int) -> int:
        """The index of the token that starts at character ``offset``.

        Raises ValueError when ``offset`` falls inside a token.
        """
        try:
            return self._index[offset]
        except KeyError:
            raise ValueError(
                f"offset {offset} is not a token boundary of the scored text "
                f"(near {self.text[max(0, offset - 10):offset + 10]!r})") from None

    def logprob(self, start: int = 0, end: int | None = None) -> float:
        """Sum of the log-probabilities of the tokens of ``text[start:end]``.

        Both ends must be boundaries; ``end`` defaults to the end of the text.
        """
        i = self.token_index(start)
        j = self.token_index(len(self.text) if end is None else end)
        if j < i:
            raise ValueError(f"end {end} comes before start {start}")
        return float(self._cumulative[j] - self._cumulative[i])

    def next_token_logprobs(self, offset: int) -> np.ndarray:
        """The model's log-probability for every vocabulary id as the token at ``offset``.

        Conditioned on the start token and everything before ``offset``; at
        ``len(text)`` it is the distribution of whatever would follow the text.
        Each call may cost the model one forward step, so keep the vector if you
        need it twice.
        """
        return self._row(self.token_index(offset))


class LanguageModel(ABC):
    """What the decoder needs from a language model; see the module docstring.

    Attributes: ``name`` (registry name), ``bos`` (the start-of-text token id put
    in front of every scored text) and ``n_vocab`` (length of the distributions).
    """

    name: str
    bos: int
    n_vocab: int

    @abstractmethod
    def tokenize(self, text: str) -> list[int]:
        """Token ids of ``text``, without the start token."""

    @abstractmethod
    def prefix_logprobs(self, text: str) -> PrefixScores:
        """Score all of ``text`` in one pass; see :class:`PrefixScores`."""

    @abstractmethod
    def continuation_logprobs(self, prefix: str, continuations: Sequence[str]) -> list[float]:
        """log P(continuation | start token + prefix) for each continuation.

        Continuations normally start with a space (" hold talks"). The value is
        exactly ``score(prefix + c) - score(prefix)``, even where the tokenizer
        merges the last prefix token with the continuation's first.
        """

    def score(self, text: str) -> float:
        """Total log-probability of ``text`` after the start token.

        >>> from unspin.lm import FakeModel
        >>> FakeModel().score("the cat") > FakeModel().score("tqe cxt")
        True
        """
        return self.prefix_logprobs(text).logprob(0)
