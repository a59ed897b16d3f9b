"""A copy of a GGUF model that keeps only the tokens English text is made of.

Gemma 3's vocabulary has 262,144 tokens, most of them for other scripts and
languages, and its output layer (a row per token at every position scored)
was 60 % of its time in the restorer on 2 cores (BENCHMARKS.md, "Speed").
The copy keeps the 133,902 tokens English text uses: such text is cut into
the same tokens, and each token's score changes only by the probability the
cut tokens held, which after English text is next to none (a thousandth of a
nat on six words), while the output layer's work halves.

Why the tokens stay the same: Gemma's tokenizer (SentencePiece's merge by
score, :func:`spm_pieces`) merges the best-scoring adjacent pair that is a
token until none is. Cutting tokens only removes candidate merges, so a text
whose every merge (:func:`spm_merges`) kept its token is merged the same way.
``scripts/build_gemma3_vocab.py`` lists those tokens for every word wordfreq,
the lexicon and Moby know, in several casings, and WordNet's glosses; this
module writes the copy from that list (:func:`trim_gguf`, :func:`english_copy`).
Other text still reads, in smaller pieces or bytes.

>>> sorted(spm_merges("▁the▁cat", {"▁t": 1.0, "▁th": 2.0, "▁the": 3.0, "he": 0.5}))
['▁t', '▁th', '▁the']
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import mmap
import os
import struct
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

VOCAB_PATH = Path(__file__).resolve().parents[1] / "data" / "gemma3_vocab.txt.gz"
GGUF_MAGIC = b"GGUF"
TOKEN_ARRAYS = ("tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type")
EMBEDDINGS = "token_embd.weight"
# (elements per block, bytes per block) of the ggml types an embedding table may have
_BLOCKS = {0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24),
           8: (32, 34), 12: (256, 144), 13: (256, 176), 14: (256, 210), 30: (1, 2)}
# scalar value types: struct format of each (string 8, array 9 are handled apart)
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
            10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9


class _Reader:
    """Just enough of GGUF v3 to find the vocabulary, the tensors and their bytes."""

    def __init__(self, path: Path):
        with open(path, "rb") as f:
            self.data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if self.data[:4] != GGUF_MAGIC:
            raise ValueError(f"{path} is not a GGUF file")
        self.at = 4
        self.version = self._scalar(4)
        if self.version != 3:
            raise ValueError(f"{path}: GGUF version {self.version}, expected 3")
        n_tensors, n_kv = self._scalar(10), self._scalar(10)
        self.kv: dict[str, tuple[int, int, int]] = {}  # key -> (type, value start, value end)
        self.values: dict[str, object] = {}
        for _ in range(n_kv):
            key = self._string()
            kind = self._scalar(4)
            start = self.at
            value = self._value(kind, keep=key not in TOKEN_ARRAYS)
            self.kv[key] = (kind, start, self.at)
            self.values[key] = value
        self.tensors = []  # (name, dims, type, offset)
        for _ in range(n_tensors):
            name = self._string()
            dims = [self._scalar(10) for _ in range(self._scalar(4))]
            self.tensors.append((name, dims, self._scalar(4), self._scalar(10)))
        self.alignment = int(self.values.get("general.alignment", 32))
        self.data_start = _aligned(self.at, self.alignment)

    def _scalar(self, kind: int):
        fmt = _SCALARS[kind]
        size = struct.calcsize(fmt)
        (value,) = struct.unpack_from(fmt, self.data, self.at)
        self.at += size
        return value

    def _string(self) -> str:
        n = self._scalar(10)
        text = self.data[self.at:self.at + n].decode("utf-8")
        self.at += n
        return text

    def _value(self, kind: int, keep: bool = True):
        if kind == _STRING:
            if keep:
                return self._string()
            n = self._scalar(10)
            self.at += n
            return None
        if kind == _ARRAY:
            sub, n = self._scalar(4), self._scalar(10)
            if sub in _SCALARS and sub != 7:
                dtype = np.dtype(_SCALARS[sub])
                values = np.frombuffer(self.data, dtype=dtype, count=n, offset=self.at)
                self.at += n * dtype.itemsize
                return values
            if keep:
                return [self._value(sub) for _ in range(n)]
            for _ in range(n):  # skipped now, read again by array()
                self._value(sub, keep=False)
            return None
        return self._scalar(kind)

    def array(self, key: str):
        """A token array's values, read again in full."""
        kind, start, _ = self.kv[key]
        self.at = start
        return self._value(kind)

    def tensor_bytes(self, index: int) -> np.ndarray:
        name, dims, kind, offset = self.tensors[index]
        size = _nbytes(dims, kind, name)
        return np.frombuffer(self.data, dtype=np.uint8, count=size,
                             offset=self.data_start + offset)


def _aligned(n: int, alignment: int) -> int:
    return n + (-n) % alignment


def _nbytes(dims: list[int], kind: int, name: str) -> int:
    if kind not in _BLOCKS:
        raise ValueError(f"tensor {name}: ggml type {kind} is not supported here")
    per_block, block_bytes = _BLOCKS[kind]
    count = int(np.prod(dims, dtype=np.int64))
    return count // per_block * block_bytes


def read_vocab(path: str | os.PathLike) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The model's tokens, their merge scores and their types (1 normal, 3 control,
    4 user-defined, 6 byte), in id order."""
    reader = _Reader(Path(path))
    tokens = reader.array(TOKEN_ARRAYS[0])
    return tokens, np.array(reader.array(TOKEN_ARRAYS[1])), np.array(reader.array(TOKEN_ARRAYS[2]))


def spm_merges(text: str, scores: Mapping[str, float]) -> set[str]:
    """Every token SentencePiece's merge loop forms on ``text`` (spaces as "▁").

    Keeping every token this returns keeps the tokenization of ``text`` (the
    module's docstring says why).
    """
    return _spm(text, scores)[1]


def spm_pieces(text: str, scores: Mapping[str, float]) -> list[str]:
    """The pieces SentencePiece's merge loop cuts ``text`` into, before any
    character outside the vocabulary falls back to bytes.

    >>> spm_pieces("▁theater", {"▁t": 1.0, "▁th": 2.0, "▁the": 3.0, "at": 2.5, "er": 0.1})
    ['▁the', 'at', 'er']
    """
    return _spm(text, scores)[0]


def _spm(text: str, scores: Mapping[str, float]) -> tuple[list[str], set[str]]:
    # The loop of llama.cpp's llm_tokenizer_spm: start from characters and
    # merge the adjacent pair whose joined text is the highest-scoring token
    # (the leftmost on a tie) until no pair is a token.
    symbols = list(text)
    prev = list(range(-1, len(symbols) - 1))
    nxt = list(range(1, len(symbols) + 1))
    nxt[-1:] = [-1] if symbols else []
    queue: list[tuple[float, int, int, str]] = []

    def push(left: int, right: int) -> None:
        if left < 0 or right < 0:
            return
        joined = symbols[left] + symbols[right]
        score = scores.get(joined)
        if score is not None:
            heapq.heappush(queue, (-score, left, right, joined))

    for i in range(1, len(symbols)):
        push(i - 1, i)
    formed: set[str] = set()
    while queue:
        _, left, right, joined = heapq.heappop(queue)
        if symbols[left] + symbols[right] != joined or nxt[left] != right:
            continue  # one side merged since: outdated
        symbols[left], symbols[right] = joined, ""
        formed.add(joined)
        nxt[left] = nxt[right]
        if nxt[right] >= 0:
            prev[nxt[right]] = left
        push(prev[left], left)
        push(left, nxt[left])
    return [s for s in symbols if s], formed


def trim_gguf(source: str | os.PathLike, target: str | os.PathLike,
              keep: Iterable[int]) -> Path:
    """Write ``source`` to ``target`` with only the tokens ``keep`` (ids, in order).

    The token arrays and the embedding table (which Gemma's output layer
    shares) lose the other rows; every other key and tensor is copied as it
    is. Written to a temporary name and renamed, so a reader never sees half
    a file.
    """
    reader = _Reader(Path(source))
    ids = np.array(sorted(set(int(i) for i in keep)), dtype=np.int64)
    n_vocab = len(reader.values.get(TOKEN_ARRAYS[1], ()))
    if len(ids) == 0 or ids[-1] >= n_vocab:
        raise ValueError(f"token ids must lie in 0..{n_vocab - 1}")
    target = Path(target)
    partial = target.with_name(target.name + f".{os.getpid()}.part")
    with open(partial, "wb") as out:
        out.write(reader.data[:24])  # magic, version, tensor and key counts
        for key, (kind, start, end) in reader.kv.items():
            out.write(_string_bytes(key) + struct.pack("<I", kind))
            if key in TOKEN_ARRAYS:
                out.write(_array_bytes(reader, key, ids))
            else:
                out.write(reader.data[start:end])
        sizes, offset = [], 0
        for index, (name, dims, kind, _) in enumerate(reader.tensors):
            if name == EMBEDDINGS:
                dims = [*dims[:-1], len(ids)]
            size = _nbytes(dims, kind, name)
            out.write(_string_bytes(name) + struct.pack("<I", len(dims))
                      + struct.pack(f"<{len(dims)}Q", *dims) + struct.pack("<IQ", kind, offset))
            sizes.append(size)
            offset = _aligned(offset + size, reader.alignment)
        out.write(b"\0" * (_aligned(out.tell(), reader.alignment) - out.tell()))
        for index, (name, _, _, _) in enumerate(reader.tensors):
            data = reader.tensor_bytes(index)
            if name == EMBEDDINGS:
                data = data.reshape(n_vocab, -1)[ids]
            out.write(data.tobytes())
            out.write(b"\0" * ((-sizes[index]) % reader.alignment))
    os.replace(partial, target)
    return target


def _string_bytes(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def _array_bytes(reader: _Reader, key: str, ids: np.ndarray) -> bytes:
    _, start, _ = reader.kv[key]
    sub, _ = struct.unpack_from("<IQ", reader.data, start)
    values = reader.array(key)
    head = struct.pack("<IQ", sub, len(ids))
    if sub == _STRING:
        return head + b"".join(_string_bytes(values[i]) for i in ids)
    return head + np.asarray(values)[ids].tobytes()


def kept_tokens(data: bytes | None = None) -> tuple[str, int, list[int]]:
    """The list ``scripts/build_gemma3_vocab.py`` wrote (``data``, its gzipped bytes,
    or the shipped file): the SHA-256 of the GGUF it was made for, that file's
    vocabulary size, and the ids to keep."""
    text = _unpacked(data)
    digest, n_vocab = _header(text)
    return digest, n_vocab, _ids(text)


def _unpacked(data: bytes | None) -> str:
    return gzip.decompress(VOCAB_PATH.read_bytes() if data is None else data).decode("ascii")


def _header(text: str) -> tuple[str, int]:
    """The list's first line: "# gemma3 SHA256 N_VOCAB"."""
    _, _, digest, n_vocab = text.split("\n", 1)[0].split()
    return digest, int(n_vocab)


def _ids(text: str) -> list[int]:
    return [int(line) for line in text.splitlines()[1:]]


def english_copy(source: Path, source_sha256: str, folder: Path | None = None) -> Path:
    """``source`` with its vocabulary cut to :func:`kept_tokens`, written beside it
    once (about 2 s) and reused; ``source`` itself when the list was made for
    another file. A copy made from an older list is removed.
    """
    data = VOCAB_PATH.read_bytes()
    text = _unpacked(data)
    if _header(text)[0] != source_sha256:
        return source
    tag = hashlib.sha256(data).hexdigest()[:12]
    target = (folder or source.parent) / f"{source.stem}.en-{tag}.gguf"
    if not target.exists():
        trim_gguf(source, target, _ids(text))
        for stale in target.parent.glob(f"{source.stem}.en-*.gguf"):
            if stale != target:  # made from an older list
                stale.unlink(missing_ok=True)
    return target
