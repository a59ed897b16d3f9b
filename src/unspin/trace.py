"""Find the source of a spun copy: MinHash LSH over word shingles of the restored text.

A spinner changes about a quarter of the words, which breaks most word
trigrams a plain near-duplicate search relies on (0.75³ ≈ 42 % survive).
Restoring first brings many of them back. Candidates come from MinHash
locality-sensitive hashing (``datasketch``) and are re-ranked by the exact share
of the copy's shingles found in each candidate.

>>> index = TraceIndex.build([
...     ("a", "The committee will meet in Moscow on Friday to discuss trade."),
...     ("b", "Rain is expected over the weekend in the north of the country.")])
>>> [m.id for m in index.search("The committee volition meet successful Moscow on Friday.")]
['a']
"""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import InputError

SHINGLE_WORDS = 3
NUM_PERM = 128
LSH_THRESHOLD = 0.1     # low: spun copies keep only part of their shingles
INDEX_FORMAT = 1
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Lower-cased word ``size``-grams (the whole text when it is shorter).

    >>> sorted(shingles("The cat sat, the cat ran", 2))
    ['cat ran', 'cat sat', 'sat the', 'the cat']
    """
    tokens = _WORD.findall(text.lower())
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def _minhash(items: set[str]):
    from datasketch import MinHash

    sketch = MinHash(num_perm=NUM_PERM)
    sketch.update_batch([s.encode("utf-8") for s in items])
    return sketch


@dataclass(frozen=True)
class Match:
    """A candidate source: its ID, the share of the copy's shingles it holds, and Jaccard."""

    id: str
    containment: float
    jaccard: float

    def to_dict(self) -> dict:
        return {"id": self.id, "containment": round(self.containment, 4),
                "jaccard": round(self.jaccard, 4)}


@dataclass
class Trace:
    """The result of tracing one spun text: the text that was searched and the best sources."""

    query: str
    restored: bool
    matches: list[Match] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"query": self.query, "restored": self.restored,
                "matches": [m.to_dict() for m in self.matches]}


class TraceIndex:
    """Documents with their MinHash signatures and an LSH table; saved as a folder."""

    def __init__(self, ids: list[str], texts: list[str], signatures: np.ndarray, lsh):
        self.ids, self.texts, self.signatures, self.lsh = ids, texts, signatures, lsh

    @classmethod
    def build(cls, documents: Iterable[tuple[str, str]]) -> TraceIndex:
        """Index ``(id, text)`` pairs; texts without a word are skipped."""
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        ids, texts, signatures = [], [], []
        with lsh.insertion_session() as session:
            for doc_id, text in documents:
                items = shingles(text)
                if not items:
                    continue
                sketch = _minhash(items)
                session.insert(len(ids), sketch, check_duplication=False)
                ids.append(str(doc_id))
                texts.append(text)
                signatures.append(sketch.hashvalues)
        matrix = np.array(signatures, dtype=np.uint64).reshape(len(ids), NUM_PERM)
        return cls(ids, texts, matrix, lsh)

    def save(self, folder: str | Path) -> None:
        """Write the index to ``folder`` (created if needed)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "documents.jsonl", "w", encoding="utf-8") as f:
            f.writelines(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n"
                         for doc_id, text in zip(self.ids, self.texts, strict=True))
        np.save(folder / "signatures.npy", self.signatures)
        with open(folder / "lsh.pkl", "wb") as f:
            pickle.dump(self.lsh, f, protocol=pickle.HIGHEST_PROTOCOL)
        info = {"format": INDEX_FORMAT, "documents": len(self.ids), "num_perm": NUM_PERM,
                "shingle_words": SHINGLE_WORDS, "lsh_threshold": LSH_THRESHOLD}
        (folder / "index.json").write_text(json.dumps(info, indent=1) + "\n")

    @classmethod
    def load(cls, folder: str | Path) -> TraceIndex:
        """Read an index written by :meth:`save` (``unspin index``)."""
        folder = Path(folder)
        try:
            info = json.loads((folder / "index.json").read_text())
            if info.get("format") != INDEX_FORMAT or info.get("num_perm") != NUM_PERM:
                raise InputError(f"{folder}: index from another unspin version; rebuild it "
                                 "with unspin index")
            with open(folder / "documents.jsonl", encoding="utf-8") as handle:
                rows = [json.loads(line) for line in handle]
            signatures = np.load(folder / "signatures.npy")
            with open(folder / "lsh.pkl", "rb") as f:
                lsh = pickle.load(f)  # our own file, written by save(); never a user upload
        except (OSError, ValueError, pickle.UnpicklingError) as exc:
            raise InputError(f"{folder}: not a readable unspin index ({exc})") from exc
        return cls([r["id"] for r in rows], [r["text"] for r in rows], signatures, lsh)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, text: str, top: int = 5, scan: bool = True) -> list[Match]:
        """The ``top`` documents sharing most of ``text``'s shingles, best first.

        ``scan`` tops up LSH candidates, when fewer than ``top``, from a scan of
        every signature; without it only LSH candidates are ranked.
        """
        items = shingles(text)
        if not items or not self.ids:
            return []
        sketch = _minhash(items)
        candidates = set(self.lsh.query(sketch))
        if scan and len(candidates) < top:
            # LSH can miss a heavily changed copy; a signature scan is cheap next to restoring.
            estimates = (self.signatures == sketch.hashvalues).mean(axis=1)
            candidates |= set(np.argsort(-estimates)[:top].tolist())
        matches = []
        for position in candidates:
            theirs = shingles(self.texts[position])
            shared = len(items & theirs)
            if not shared:
                continue
            matches.append(Match(self.ids[position], shared / len(items),
                                 shared / len(items | theirs)))
        matches.sort(key=lambda m: (-m.containment, -m.jaccard, m.id))
        return matches[:top]


def read_corpus(path: str | Path, text_field: str = "text",
                id_field: str = "id") -> Iterator[tuple[str, str]]:
    """``(id, text)`` from a JSONL/CSV/Parquet file or a folder of ``.txt`` files."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.rglob("*.txt"))
        if not files:
            raise InputError(f"{path}: no .txt files in this folder")
        for file in files:
            try:
                yield str(file.relative_to(path)), file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # one unreadable file does not spoil a corpus
        return
    if not path.is_file():
        raise InputError(f"cannot read {path}: no such file or folder")
    from .records import read_records

    for record in read_records(path, text_field, id_field):
        if record.text:
            yield str(record.id), record.text


def trace(text: str, index: TraceIndex, *, restore: bool = True, model: object = None,
          top: int = 5) -> Trace:
    """Find where the spun ``text`` was copied from, restoring it first unless told not to.

    >>> index = TraceIndex.build([("src", "The new leader will hold talks in Moscow on Friday.")])
    >>> trace("The new leader volition hold talks in Moscow on Friday.", index,
    ...       restore=False).matches[0].id
    'src'
    """
    if not text.strip():
        raise InputError("nothing to trace: the text is empty")
    query = text
    if restore:
        from .decode import restore as restore_text

        query = restore_text(text, model=model).text
    return Trace(query, restore, index.search(query, top))
