"""The llama.cpp implementation of :class:`~unspin.lm.base.LanguageModel`.

It talks to llama.cpp through the low-level ``llama_cpp.llama_cpp`` bindings,
which are imported only when a model is constructed. Each model keeps two
llama.cpp contexts over the same weights, so neither workload evicts the other:

* the *scorer* runs ``prefix_logprobs`` passes and keeps the last scored text in
  its KV cache, so a full next-token distribution at any earlier position costs
  one single-token step instead of a stored (tokens x vocabulary) array;
* the *prompter* serves ``continuation_logprobs``: sequence 0 caches the prefix
  (reused when the next prefix extends it), and all continuations run in one
  batch, each in its own sequence that starts as a copy of sequence 0. Their
  tokens form a tree (:class:`_Trie`): where continuations begin alike (one
  option before several right contexts, an option scored alone and with its
  context, a repeat) the shared tokens are decoded once, in all their
  sequences, and their logits rows serve each of them.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from ..errors import DataMissingError
from .base import (LanguageModel, PrefixScores, char_offsets, log_softmax, picked_logprobs,
                   target_logprobs)

# Continuation scoring decodes the prefix in batches this big.
_PROMPT_BATCH = 512
# Logits one decode may return (rows x vocabulary): 64 MB of float32. llama.cpp
# keeps an output buffer this big per context, so rows per decode scale with
# 1 / vocabulary: SmolLM2 gets 192 (16 continuations of 13 tokens in one
# decode), Gemma 3 125 with the vocabulary English uses (lm/trim.py; 64 with
# all 262k tokens, when more continuations took two decodes).
_OUTPUT_FLOATS = 1 << 24
# Texts whose token ids are remembered; short option texts, so a few MB at most.
_TOKEN_CACHE_SIZE = 100_000
# Longest continuation, in tokens; it must fit one decode with room to spare.
_MAX_CONTINUATION = 32


# Logits kept from one prefix pass, in floats: 64 MB (325 SmolLM2 or 61 Gemma tokens).
KEPT_LOGITS_MAX = 16_000_000

def _load_lib():
    """Import the bindings, keep llama.cpp's loading chatter out of stderr, init once."""
    try:
        from llama_cpp import llama_cpp as lib
    except ImportError as exc:
        raise DataMissingError("llama-cpp-python is not installed; install it with: "
                               "pip install 'llama-cpp-python==0.3.36'") from exc

    log = logging.getLogger("llama-cpp-python")
    if log.level == logging.NOTSET:  # leave alone a level the application chose
        # The bindings map llama.cpp's warnings to ERROR and its errors to DEBUG
        # (the level numbers changed upstream), so only CRITICAL silences the
        # loading chatter; failures still surface as exceptions raised here.
        log.setLevel(logging.CRITICAL)
    lib.llama_backend_init()
    return lib


def extra_buffers_safe(system_info: str) -> bool:
    """Whether llama.cpp may repack weights into its extra buffer types.

    Not when it was built with AMX (``-march=native`` on a Sapphire Rapids
    CPU): the first matrix product in an AMX buffer crashes the process
    (llama.cpp issue 20824, open upstream), and the plain CPU buffers were as
    fast here, 2.8 s for the same prefix pass either way.

    >>> extra_buffers_safe("CPU : AVX2 = 1 | AMX_INT8 = 1 | REPACK = 1 |")
    False
    >>> extra_buffers_safe("CPU : AVX2 = 1 | AVX512 = 1 | REPACK = 1 |")
    True
    """
    return "AMX_INT8 = 1" not in system_info


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class _Context:
    """One llama.cpp context: sequence 0 holds ``cached`` tokens, ids 1.. are scratch."""

    def __init__(self, lib, model, *, n_ctx: int, n_batch: int, n_seq: int,
                 n_outputs: int, n_threads: int):
        params = lib.llama_context_default_params()
        params.n_ctx, params.n_batch, params.n_ubatch = n_ctx, n_batch, n_batch
        params.n_seq_max, params.n_outputs_max = n_seq, n_outputs
        params.n_threads = params.n_threads_batch = n_threads
        # Unified: sequences share one cell pool, so copying sequence 0 to another
        # only tags cells, and n_ctx is not divided among the sequences.
        params.kv_unified = True
        # Full-size sliding-window cache (Gemma): rolling back or re-reading an
        # early position needs cells a windowed cache would already have dropped.
        params.swa_full = True
        params.no_perf = True
        self.lib, self.n_ctx, self.n_batch = lib, n_ctx, n_batch
        self.n_seq, self.n_outputs = n_seq, n_outputs
        self.n_vocab = lib.llama_vocab_n_tokens(lib.llama_model_get_vocab(model))
        self.ctx = lib.llama_init_from_model(model, params)
        if self.ctx is None:
            raise RuntimeError("llama.cpp could not create a context")
        self.mem = lib.llama_get_memory(self.ctx)
        self.batch = lib.llama_batch_init(n_batch, 0, n_seq)
        self.cached: list[int] = []
        self.last_row: np.ndarray | None = None  # log-softmax after all of `cached`

    def close(self) -> None:
        if self.ctx is not None:
            self.lib.llama_batch_free(self.batch)
            self.lib.llama_free(self.ctx)
            self.ctx = None

    def decode(self, items: Sequence[tuple[int, int, int | Sequence[int], bool]]) -> int:
        """Run one llama_decode on (token, position, sequence(s), wants logits) items.

        A token given several sequences is decoded once and seen by all of them.
        llama.cpp masks its attention by the first, so the first must hold every
        earlier position the token should see.
        Returns how many logits rows it produced; read them with :meth:`rows`.
        """
        b = self.batch
        b.n_tokens = len(items)
        for i, (token, pos, seq, out) in enumerate(items):
            seqs = (seq,) if isinstance(seq, int) else seq
            b.token[i], b.pos[i], b.n_seq_id[i], b.logits[i] = token, pos, len(seqs), out
            for k, one in enumerate(seqs):
                b.seq_id[i][k] = one
        rc = self.lib.llama_decode(self.ctx, b)
        if rc != 0:
            raise RuntimeError(f"llama_decode failed with code {rc} "
                               f"({len(items)} tokens, context {self.n_ctx})")
        return sum(1 for item in items if item[3])

    def rows(self, n: int) -> np.ndarray:
        """The logits of the last decode, one row per requested output, in batch order.

        A view into llama.cpp's buffer: valid only until the next decode.
        """
        ptr = self.lib.llama_get_logits(self.ctx)
        return np.ctypeslib.as_array(ptr, shape=(n, self.n_vocab))

    def truncate(self, keep: int) -> int:
        """Drop sequence 0's tokens from position ``keep`` on; returns what is kept."""
        if keep < len(self.cached):
            if not self.lib.llama_memory_seq_rm(self.mem, 0, keep, -1):
                self.lib.llama_memory_seq_rm(self.mem, 0, -1, -1)
                keep = 0
            self.cached = self.cached[:keep]
        return min(keep, len(self.cached))

    def sync(self, tokens: list[int], *, reuse: bool = True, last: bool = False,
             each: Callable[[int, np.ndarray], None] | None = None) -> np.ndarray | None:
        """Make sequence 0 hold exactly ``tokens``, decoding only what is not cached.

        ``last``: return the log-softmax row after the final token (kept, so an
        unchanged prefix costs nothing). ``each(lo, block)``: request logits for
        every decoded token and hand over each chunk's rows, block row r being
        the output at position lo + r. ``reuse=False`` re-decodes everything.
        """
        if last and self.cached == tokens and self.last_row is not None:
            return self.last_row
        keep = _common_prefix(self.cached, tokens) if reuse else 0
        if last:
            keep = min(keep, len(tokens) - 1)  # the final token must produce logits
        keep = self.truncate(keep)
        self.last_row = None
        for lo in range(keep, len(tokens), self.n_batch):
            n_out = self._append(tokens, lo, last=last, every=each is not None)
            if each is not None:
                each(lo, self.rows(n_out))
        if last:
            self.last_row = log_softmax(self.rows(1)[0])
        return self.last_row

    def _append(self, tokens: list[int], lo: int, *, last: bool, every: bool) -> int:
        """Decode one batch, ``tokens[lo:lo + n_batch]``, onto sequence 0."""
        chunk = tokens[lo:lo + self.n_batch]
        final = len(tokens) - 1
        items = [(t, pos, 0, every or (last and pos == final))
                 for pos, t in enumerate(chunk, start=lo)]
        try:
            n_out = self.decode(items)
        except RuntimeError:
            # A failed decode can leave some of its micro-batches in the cache.
            self.lib.llama_memory_seq_rm(self.mem, 0, lo, -1)
            self.cached = self.cached[:lo]
            raise
        self.cached = tokens[:lo + len(chunk)]
        return n_out

    def fork(self, seq: int, length: int) -> None:
        """Let sequence ``seq`` see sequence 0's first ``length`` positions."""
        if length > 0:
            self.lib.llama_memory_seq_cp(self.mem, 0, seq, 0, length)

    def drop(self, seq: int) -> None:
        self.lib.llama_memory_seq_rm(self.mem, seq, -1, -1)


@dataclass
class _Job:
    """Score ``tokens[start:]`` given ``tokens[:start]``; add ``sign`` x that to ``index``."""

    index: int
    sign: float
    tokens: list[int]
    start: int

    def share(self, prefix_len: int) -> int:
        """Positions taken from sequence 0's cache. When the job continues the
        whole cached prefix, the prefix's stored last row predicts the first target;
        otherwise the token before the first target is decoded again."""
        return self.start if self.start == prefix_len else self.start - 1

    def feed(self, prefix_len: int) -> list[int]:
        return self.tokens[self.share(prefix_len):-1]


class _Trie:
    """Jobs for one decode, as a tree of their fed tokens: each distinct (first
    position, tokens so far) is one batch item and one logits row, seen by the
    sequence of every job through it. A job whose tokens are all in the tree
    already (a duplicate, or the beginning of another) needs no sequence.

    >>> trie = _Trie(2)          # each job feeds its tokens after the prefix but the last
    >>> for tokens in ([0, 5, 6, 7, 9], [0, 5, 6, 8, 9], [0, 5, 6, 7]):
    ...     trie.add(_Job(0, 1.0, tokens, 2))
    >>> trie.items, trie.n_seqs, [path for _, path in trie.paths]
    ([(6, 2, [1, 2]), (7, 3, [1]), (8, 3, [2])], 2, [[0, 1], [0, 2], [0]])
    """

    def __init__(self, prefix_len: int):
        self.prefix_len = prefix_len
        self.nodes: dict[tuple[int, int, int], int] = {}  # (share, parent row, token) -> row
        self.items: list[tuple[int, int, list[int]]] = []  # token, position, sequences
        self.paths: list[tuple[_Job, list[int]]] = []
        self.shares: list[int] = []  # per sequence: positions it takes from sequence 0

    @property
    def n_seqs(self) -> int:
        return len(self.shares)

    def new_rows(self, job: _Job) -> int:
        """Rows that adding ``job`` would take."""
        share, parent = job.share(self.prefix_len), -1
        feed = job.feed(self.prefix_len)
        for k, token in enumerate(feed):
            row = self.nodes.get((share, parent, token))
            if row is None:
                return len(feed) - k
            parent = row
        return 0

    def add(self, job: _Job) -> None:
        share, parent = job.share(self.prefix_len), -1
        path: list[int] = []
        known = len(self.items)
        for k, token in enumerate(job.feed(self.prefix_len)):
            row = self.nodes.setdefault((share, parent, token), len(self.items))
            if row == len(self.items):
                self.items.append((token, share + k, []))
            path.append(row)
            parent = row
        if len(self.items) > known:  # a new branch: it needs a sequence of its own
            self.shares.append(share)
            for row in path:
                self.items[row][2].append(self.n_seqs)
        self.paths.append((job, path))


class LlamaModel(LanguageModel):
    """A GGUF language model run by llama.cpp on the CPU (or GPU, if built for it).

    ``bos_text`` names the start token (e.g. ``"<|endoftext|>"``); None uses the
    GGUF's own BOS. ``n_ctx`` bounds the tokens of a scored text. Public methods
    are serialised by a lock: llama.cpp contexts are not thread-safe.

    >>> from unspin.lm import load_model
    >>> lm = load_model("smollm2")                                  # doctest: +SKIP
    >>> s = lm.prefix_logprobs("Xi will hold talks")               # doctest: +SKIP
    >>> s.boundaries, round(s.logprob(2, 7), 2)                     # doctest: +SKIP
    ([0, 1, 2, 7, 12, 18], -6.78)
    >>> row = s.next_token_logprobs(7)     # what may follow "Xi will"   # doctest: +SKIP
    >>> row[lm.tokenize(" hold")[0]] > row[lm.tokenize(" volition")[0]]  # doctest: +SKIP
    True
    """

    def __init__(self, path: str | os.PathLike, *, name: str | None = None,
                 bos_text: str | None = None, n_threads: int = 4, gpu_layers: int = 0,
                 n_ctx: int = 4096, max_parallel: int = 16):
        self._lib = lib = _load_lib()
        self.name = name or Path(path).stem
        self._lock = threading.RLock()
        self._model = None
        params = lib.llama_model_default_params()
        params.n_gpu_layers = gpu_layers
        params.use_extra_bufts = extra_buffers_safe(lib.llama_print_system_info().decode())
        self._model = lib.llama_model_load_from_file(os.fsencode(path), params)
        if self._model is None:
            raise RuntimeError(f"llama.cpp could not load {path}")
        self._vocab = lib.llama_model_get_vocab(self._model)
        self.n_vocab = lib.llama_vocab_n_tokens(self._vocab)
        self.bos = self._special_token(bos_text) if bos_text else lib.llama_vocab_bos(self._vocab)
        self._piece_lengths: dict[int, int] = {}
        self._token_cache: dict[str, tuple[int, ...]] = {}
        self._piece_buf = ctypes.create_string_buffer(64)
        # The previous prefix pass: (tokens, logprobs, kept rows, first kept, kept mask).
        self._last_pass: tuple | None = None
        self._open_contexts(n_ctx, max_parallel, n_threads)

    def _open_contexts(self, n_ctx: int, max_parallel: int, n_threads: int) -> None:
        lib = self._lib
        rows = _OUTPUT_FLOATS // self.n_vocab
        chunk = max(32, min(512, rows))
        self._scorer = _Context(lib, self._model, n_ctx=n_ctx, n_batch=chunk, n_seq=2,
                                n_outputs=chunk, n_threads=n_threads)
        self._prompter = _Context(lib, self._model, n_ctx=n_ctx, n_batch=_PROMPT_BATCH,
                                  n_seq=max_parallel + 1, n_outputs=max(64, min(192, rows)),
                                  n_threads=n_threads)
        #: Longest prefix ``continuation_logprobs`` conditions on, in tokens; longer
        #: ones keep their most recent part. Attention over a long prefix costs
        #: about as much as the weights (CPU, ~800 tokens), so a decoder may lower it.
        self.max_prefix_tokens = self._prefix_room()

    def __repr__(self) -> str:
        return f"LlamaModel({self.name!r}, n_vocab={self.n_vocab}, bos={self.bos})"

    def close(self) -> None:
        """Free llama.cpp's memory; the model is unusable afterwards."""
        with self._lock:
            for ctx in (getattr(self, "_scorer", None), getattr(self, "_prompter", None)):
                if ctx is not None:
                    ctx.close()
            if self._model is not None:
                self._lib.llama_model_free(self._model)
                self._model = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the bindings may already be gone
            pass

    # -- tokens -------------------------------------------------------------

    def _tokenize(self, text: str, special: bool = False) -> list[int]:
        data = text.encode("utf-8")
        room = len(data) + 8
        buf = (self._lib.llama_token * room)()
        n = self._lib.llama_tokenize(self._vocab, data, len(data), buf, room, False, special)
        if n < 0:
            raise RuntimeError(f"tokenizer overflow on a {len(data)}-byte text")
        return list(buf[:n])

    def _special_token(self, text: str) -> int:
        ids = self._tokenize(text, special=True)
        if len(ids) != 1:
            raise ValueError(f"{text!r} is not a single token of this model")
        return ids[0]

    def _piece_length(self, token: int) -> int:
        """UTF-8 bytes ``token`` contributes to the text (cached per id)."""
        n = self._piece_lengths.get(token)
        if n is None:
            n = self._lib.llama_token_to_piece(self._vocab, token, self._piece_buf,
                                               len(self._piece_buf), 0, False)
            if n < 0:  # the piece is longer than the buffer: grow it and ask again
                self._piece_buf = ctypes.create_string_buffer(-n)
                n = self._lib.llama_token_to_piece(self._vocab, token, self._piece_buf,
                                                   -n, 0, False)
            self._piece_lengths[token] = n
        return n

    def tokenize(self, text: str) -> list[int]:
        """Token ids of ``text``, without the start token."""
        # The decoder asks for the same short texts again and again (each
        # option after a space, every pass); a call into llama.cpp costs ~25 us.
        ids = self._token_cache.get(text)
        if ids is None:
            with self._lock:
                ids = tuple(self._tokenize(text))
            if len(self._token_cache) >= _TOKEN_CACHE_SIZE:
                self._token_cache.clear()
            self._token_cache[text] = ids
        return list(ids)

    # -- scoring a whole text -----------------------------------------------

    def prefix_logprobs(self, text: str) -> PrefixScores:
        """One pass over start token + ``text``; see :class:`PrefixScores`.

        Only the tokens after the part shared with the previous pass are read
        again: a decoder scores one sentence after another behind the same context.
        """
        with self._lock:
            tokens = self._tokenize(text)
            seq = [self.bos, *tokens]
            if len(seq) > self._scorer.n_ctx:
                raise ValueError(f"text has {len(tokens)} tokens; the model's context holds "
                                 f"{self._scorer.n_ctx - 1}: score it in parts")
            logprobs = np.zeros(len(tokens))
            # The last rows that fit are kept, so the decoder's look-up at a word
            # near the end (the sentence after a context) costs a log-softmax
            # instead of a decode step (7-13 ms each).
            first_kept = max(0, len(seq) - KEPT_LOGITS_MAX // self.n_vocab)
            kept = np.empty((len(seq) - first_kept, self.n_vocab), dtype=np.float32)
            have = np.zeros(len(kept), dtype=bool)
            redo = self._from_last_pass(seq, logprobs, kept, first_kept, have)

            def take(lo: int, block: np.ndarray) -> None:
                a, b = max(lo, first_kept), lo + len(block)
                if a < b:
                    kept[a - first_kept:b - first_kept] = block[a - lo:]
                    have[a - first_kept:b - first_kept] = True
                n = min(len(block), len(tokens) - lo)  # the last position predicts nothing
                if n > 0:
                    logprobs[lo:lo + n] = target_logprobs(block[:n], seq[lo + 1:lo + 1 + n])

            self._scorer.truncate(redo)
            self._scorer.sync(seq, each=take)
            self._last_pass = (seq, logprobs, kept, first_kept, have)
            offsets = char_offsets(text, [self._piece_length(t) for t in tokens])
        return PrefixScores(text, tokens, offsets, logprobs,
                            partial(self._kept_row, seq, kept, first_kept, have))

    def _from_last_pass(self, seq: list[int], logprobs: np.ndarray, kept: np.ndarray,
                        first_kept: int, have: np.ndarray) -> int:
        """Copy what the previous pass computed for ``seq``'s shared start; return
        the position from which ``seq`` must be decoded again.

        The output at a position depends only on the tokens up to it, so the
        outputs of the first ``shared`` positions carry over; the last of them is
        decoded again, because it predicts the first token that differs.
        """
        if self._last_pass is None:
            return 0
        last_seq, last_logprobs, last_kept, last_first, last_have = self._last_pass
        shared = _common_prefix(last_seq, seq)
        redo = max(0, shared - 1)
        logprobs[:redo] = last_logprobs[:redo]
        lo = max(first_kept, last_first)
        if lo < redo:
            rows = slice(lo - last_first, redo - last_first)
            kept[lo - first_kept:redo - first_kept] = last_kept[rows]
            have[lo - first_kept:redo - first_kept] = last_have[rows]
        return redo

    def _kept_row(self, seq: list[int], kept: np.ndarray, first_kept: int, have: np.ndarray,
                  i: int) -> np.ndarray:
        if i >= first_kept and have[i - first_kept]:
            return log_softmax(kept[i - first_kept])
        return self._row(seq, i)

    def _row(self, seq: list[int], i: int) -> np.ndarray:
        """Log-softmax of the output at position ``i`` of ``seq`` (predicting seq[i+1]).

        Re-reads the one token against the cached text: far cheaper in memory
        than keeping every row of the pass. Same numbers as the pass (bit for bit
        with SmolLM2; Gemma's kernels round differently by batch size).
        """
        with self._lock:
            ctx = self._scorer
            ctx.sync(seq)  # a no-op unless another text was scored since
            ctx.fork(1, i)
            try:
                ctx.decode([(seq[i], i, 1, True)])
                return log_softmax(ctx.rows(1)[0])
            finally:
                ctx.drop(1)

    # -- scoring continuations ----------------------------------------------

    def continuation_logprobs(self, prefix: str, continuations: Sequence[str]) -> list[float]:
        """log P(c | start token + ``prefix``) for each c, all in one batched decode.

        Calls whose prefix extends the previous call's only decode the new tokens.
        Prefixes too long for the context keep their most recent part.

        >>> lm = load_model("smollm2")                                 # doctest: +SKIP
        >>> lm.continuation_logprobs("Xi", [" will hold", " volition hold"])  # doctest: +SKIP
        [-11.758..., -34.112...]
        """
        with self._lock:
            prefix_ids = [self.bos, *self._tokenize(prefix)]
            jobs = self._jobs(prefix, prefix_ids, continuations)
            longest = max((len(j.tokens) for j in jobs), default=0) - len(prefix_ids)
            cut = self._overflow(len(prefix_ids), max(longest, 0))
            if cut:
                prefix_ids = self._window(prefix_ids, cut)
                jobs = [_Job(j.index, j.sign, self._window(j.tokens, cut), max(1, j.start - cut))
                        for j in jobs]
            last = self._prompter.sync(prefix_ids, last=True)
            totals = np.zeros(len(continuations))
            for job in jobs:
                if job.share(len(prefix_ids)) == job.start:
                    totals[job.index] += job.sign * float(last[job.tokens[job.start]])
            for group in self._groups([j for j in jobs if j.feed(len(prefix_ids))],
                                      len(prefix_ids)):
                self._run_group(group, len(prefix_ids), totals)
        return [float(x) for x in totals]

    def _jobs(self, prefix: str, prefix_ids: list[int], continuations: Sequence[str]) -> list[_Job]:
        jobs = []
        for index, cont in enumerate(continuations):
            if not cont:
                continue
            full = [self.bos, *self._tokenize(prefix + cont)]
            if full[:len(prefix_ids)] == prefix_ids:
                jobs.append(_Job(index, 1.0, full, len(prefix_ids)))
            else:
                # The tokenizer merged across the boundary: score the continuation
                # as log P(prefix + c) - log P(prefix), both from their common part.
                k = _common_prefix(full, prefix_ids)
                jobs += [_Job(index, 1.0, full, k), _Job(index, -1.0, prefix_ids, k)]
        return jobs

    def _overflow(self, prefix_len: int, extra: int) -> int:
        """Tokens to cut from the front of the prefix (start token excluded)."""
        if extra > _MAX_CONTINUATION:
            raise ValueError(f"a continuation of {extra} tokens is too long "
                             f"(at most {_MAX_CONTINUATION})")
        room = max(1, min(self.max_prefix_tokens, self._prefix_room()))
        excess = prefix_len - 1 - room
        if excess <= 0:
            return 0
        # Cut in steps of half the room, so that successive growing prefixes
        # share one window, and with it the cache, for a while.
        step = max(1, room // 2)
        return -(-excess // step) * step

    def _prefix_room(self) -> int:
        """Prefix tokens the prompter can hold next to one decode of continuations."""
        return self._prompter.n_ctx - self._prompter.n_outputs - 1

    def _window(self, tokens: list[int], cut: int) -> list[int]:
        return [tokens[0], *tokens[1 + cut:]]

    def _groups(self, jobs: list[_Job], prefix_len: int) -> list[_Trie]:
        """Split jobs into decodes that fit the batch, sequence and output limits.

        Jobs are sorted by their tokens, longest first among those that begin
        alike, so a job that shares its beginning with another (the same option
        before different right contexts, an option scored alone as well as with
        its context) lands in the same decode and reuses its rows.
        """
        ctx = self._prompter
        limit = min(ctx.n_batch, ctx.n_outputs)
        tries = [_Trie(prefix_len)]
        for job in sorted(jobs, key=lambda j: (j.share(prefix_len), j.feed(prefix_len)),
                          reverse=True):
            new = tries[-1].new_rows(job)
            if new and tries[-1].paths and (len(tries[-1].items) + new > limit
                                            or tries[-1].n_seqs == ctx.n_seq - 1):
                tries.append(_Trie(prefix_len))
            tries[-1].add(job)
        return [trie for trie in tries if trie.paths]

    def _run_group(self, trie: _Trie, prefix_len: int, totals: np.ndarray) -> None:
        """Decode every job of ``trie`` in one batch, each distinct beginning once."""
        ctx = self._prompter
        try:
            for seq, share in enumerate(trie.shares, start=1):
                ctx.fork(seq, share)
            n_out = ctx.decode([(tok, pos, seqs, True) for tok, pos, seqs in trie.items])
            rows, targets, owners = [], [], []
            for job, path in trie.paths:
                rows += path
                targets += job.tokens[job.share(prefix_len) + 1:]
                owners += [job] * len(path)
            logprobs = picked_logprobs(ctx.rows(n_out), rows, targets)
        finally:
            for seq in range(1, trie.n_seqs + 1):
                ctx.drop(seq)
        for job, lp in zip(owners, logprobs, strict=True):
            totals[job.index] += job.sign * lp
