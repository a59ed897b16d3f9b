"""Load the packaged lexicon artifact and answer raw lemma look-ups.

The artifact ``data/lexicon.bin`` is written by ``scripts/build_lexicon.py``:

    b"UNSPINLX" | uint32 little-endian header length | JSON header | sections

The header names the format and version (checked here), the relation table, and
for each section its ``[offset, compressed length, raw length]`` after the header.
Every section is zlib-compressed. ``words`` is the sorted, newline-joined list of
lower-case lemmas (multiword lemmas keep their spaces); ``fwd_*`` and ``inv_*``
are the edges as compressed-sparse-row arrays keyed by the source and by the
target lemma: ``*_indptr`` (int32, one more than the words), ``*_other`` (int32
word index of the other end) and ``*_code`` (uint8, ``pos << 4 | relation``).
``names`` holds the sorted int32 indices of lemmas that are names ("aries",
"new york"): WordNet writes them only with capitals and ``wamerican``'s word
list has no lower-case spelling.
"""

from __future__ import annotations

import json
import struct
import zlib
from bisect import bisect_left
from functools import lru_cache
from importlib import resources

import numpy as np

from ..errors import DataMissingError

MAGIC = b"UNSPINLX"
SUPPORTED_VERSION = 2


class LexiconStore:
    """Raw access to the artifact's edges, by lemma.

    >>> store = load_store()
    >>> ("volition", "n", "synonym") in store.forward("will")
    True
    """

    def __init__(self, blob: bytes):
        if not blob.startswith(MAGIC):
            raise DataMissingError("lexicon.bin is not an unspin lexicon; rebuild it with "
                                   "scripts/build_lexicon.py")
        (length,) = struct.unpack_from("<I", blob, len(MAGIC))
        start = len(MAGIC) + 4
        self.header = json.loads(blob[start:start + length])
        if (self.header.get("format"), self.header.get("version")) != ("unspin-lexicon",
                                                                        SUPPORTED_VERSION):
            raise DataMissingError(f"unsupported lexicon format {self.header.get('format')} "
                                   f"v{self.header.get('version')}")
        base = start + length
        raw = {name: zlib.decompress(blob[base + off: base + off + size])
               for name, (off, size, _) in self.header["sections"].items()}
        self.words: list[str] = raw["words"].decode("utf-8").split("\n")
        self.relations = [name for name, _ in self.header["relations"]]
        self.weights = {name: weight for name, weight in self.header["relations"]}
        self.pos = self.header["pos"]
        self._arrays = {name: np.frombuffer(data, dtype=np.uint8 if name.endswith("code")
                                            else "<i4")
                        for name, data in raw.items() if name != "words"}
        self._names = frozenset(self._arrays["names"].tolist())

    def __contains__(self, lemma: str) -> bool:
        return self.word_id(lemma) is not None

    def word_id(self, lemma: str) -> int | None:
        i = bisect_left(self.words, lemma)
        return i if i < len(self.words) and self.words[i] == lemma else None

    def is_name(self, lemma: str) -> bool:
        """Whether ``lemma`` is a name, which a spinner leaves alone.

        >>> store = load_store()
        >>> store.is_name("aries"), store.is_name("or"), store.is_name("mortal")
        (True, False, False)
        """
        return self.word_id(lemma) in self._names

    def forward(self, lemma: str) -> list[tuple[str, str, str]]:
        """What ``lemma`` may be spun into: ``(target, pos, relation)`` triples."""
        return self._edges("fwd", lemma)

    def inverse(self, lemma: str) -> list[tuple[str, str, str]]:
        """What ``lemma`` may have been spun from: ``(original, pos, relation)`` triples.

        Names are left out: a spinner leaves them alone, so none is an original.

        >>> store = load_store()
        >>> ("as", "n", "synonym") in store.inverse("arsenic")
        True
        >>> any(original == "aries" for original, _, _ in store.inverse("mortal"))
        False
        """
        return self._edges("inv", lemma, skip=self._names)

    def _edges(self, prefix: str, lemma: str,
               skip: frozenset[int] = frozenset()) -> list[tuple[str, str, str]]:
        i = self.word_id(lemma)
        if i is None:
            return []
        indptr = self._arrays[f"{prefix}_indptr"]
        lo, hi = int(indptr[i]), int(indptr[i + 1])
        others = self._arrays[f"{prefix}_other"][lo:hi].tolist()
        codes = self._arrays[f"{prefix}_code"][lo:hi].tolist()
        return [(self.words[o], self.pos[c >> 4], self.relations[c & 15])
                for o, c in zip(others, codes, strict=True) if o not in skip]


@lru_cache(maxsize=1)
def load_store() -> LexiconStore:
    """The packaged lexicon, read once per process."""
    try:
        blob = resources.files("unspin").joinpath("data/lexicon.bin").read_bytes()
    except FileNotFoundError as exc:
        raise DataMissingError("unspin's lexicon is missing: run scripts/build_lexicon.py") from exc
    return LexiconStore(blob)
