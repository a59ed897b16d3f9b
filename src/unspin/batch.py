"""Restore or screen many records, resumably, on all cores or on a Dask cluster.

The input is cut into numbered chunks of ``chunk_size`` records. Each finished
chunk is committed as one small file in ``OUT.parts/`` (written to a temporary
name, flushed to disk, then renamed), so a run killed at any moment leaves only
whole chunks behind, and the next run with the same options does only the
chunks that are missing. When all chunks are in, the output and the errors file
are written next to ``OUT`` under temporary names and renamed into place, and
the parts are removed. Whatever the engine, a chunk is the unit of work and of
commit, so a local run and a cluster run give the same output.

>>> import json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> rows = [{"id": 1, "text": "Xi volition hold talks successful Moscow."}, {"id": 2, "text": ""}]
>>> _ = (folder / "in.jsonl").write_text("".join(json.dumps(r) + "\\n" for r in rows))
>>> summary = run_batch(folder / "in.jsonl", folder / "out.jsonl",
...                     BatchOptions(task="detect", fast=True))
>>> summary.done, summary.failed
(1, 1)
>>> [json.loads(line)["is_spun"] for line in open(folder / "out.jsonl")]
[True, None]
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path

from .errors import InputError
from .records import Record, check_no_clash, file_format, read_records, write_with_results

# Result columns each task adds, with their kinds (see records.write_with_results).
COLUMNS = {
    "restore": {"restored": "str", "spun_score": "float", "edits": "json", "error": "str"},
    "detect": {"probability": "float", "is_spun": "bool", "spun_fraction": "float",
               "spans": "json", "error": "str"},
}
PART_FORMAT = "part-{:08d}.jsonl"


@dataclass(frozen=True)
class BatchOptions:
    """What to do with each record; a resumed run must use the same options."""

    task: str
    text_field: str = "text"
    id_field: str = "id"
    fast: bool = False              # detect: lexicon and frequencies only
    model: str | None = None        # None: the default model
    threshold: float | None = None  # detect: probability at which a text is called spun
    min_confidence: float | None = None  # restore: keep only edits this sure
    max_chars: int = 1_000_000      # longer texts fail as records, not the run
    chunk_size: int = 32
    threads_per_job: int | None = None   # LM threads in each worker; None: cores / jobs

    def __post_init__(self) -> None:
        if self.task not in COLUMNS:
            raise InputError(f"unknown task {self.task!r}; choose restore or detect")
        if self.chunk_size < 1:
            raise InputError("chunk size must be at least 1")


@dataclass
class BatchSummary:
    """What a run did: records written, records that failed, and how long it took."""

    output: Path
    errors: Path
    records: int = 0
    done: int = 0
    failed: int = 0
    resumed_chunks: int = 0
    words: int = 0
    seconds: float = 0.0
    error_reasons: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        rate = self.records / self.seconds if self.seconds else 0.0
        text = (f"{self.records} records: {self.done} done, {self.failed} failed; "
                f"{self.seconds:.1f} s, {rate:.1f} records/s")
        if self.resumed_chunks:
            text += f"; {self.resumed_chunks} chunks kept from an earlier run"
        if self.failed:
            text += f"; reasons in {self.errors}"
        return text


# Work on one chunk: runs in whichever process the engine chooses ------------------------

_worker_model = None


def _model_for(options: BatchOptions):
    """The model this worker process uses, loaded on first use and kept."""
    global _worker_model
    if _worker_model is None:
        from .lm import load_model
        from .lm.registry import DEFAULT_MODEL

        _worker_model = load_model(options.model or DEFAULT_MODEL,
                                   n_threads=options.threads_per_job)
    return _worker_model


def worker_has_model() -> bool:
    """Whether this process has loaded its model (for checks on cluster workers)."""
    return _worker_model is not None


def process_chunk(records: list[Record], options: BatchOptions) -> list[dict]:
    """One result line per record: ``{"index", "id", "result"}`` or ``{..., "error"}``."""
    lines = []
    for record in records:
        rid = record.id if isinstance(record.id, (str, int, float, bool)) else str(record.id)
        line = {"index": record.index, "id": rid, "words": 0}
        problem = record.problem or _text_problem(record.text, options)
        if problem:
            line.update(error=problem, parsed=record.parsed)
        else:
            try:
                line["result"] = _run_task(record.text, options)
                line["words"] = len(record.text.split())
            except Exception as exc:  # one bad record must not stop a million-record run
                line["error"] = f"{type(exc).__name__}: {exc}"
        lines.append(line)
    return lines


def _text_problem(text: str | None, options: BatchOptions) -> str | None:
    if text is None or not text.strip():
        return "empty text"
    if len(text) > options.max_chars:
        return f"text longer than {options.max_chars:,} characters"
    if "\x00" in text:
        return "text contains NUL characters (binary?)"
    return None


def _run_task(text: str, options: BatchOptions) -> dict:
    if options.task == "detect":
        from .detect import detect

        model = None if options.fast else _model_for(options)
        result = detect(text, mode="fast" if options.fast else "full",
                        threshold=options.threshold, model=model).to_dict()
        return {k: result[k] for k in ("probability", "is_spun", "spun_fraction", "spans")}
    from .decode import restore, settings_for

    lm = _model_for(options)
    config = settings_for(lm.name, min_confidence=options.min_confidence)
    result = restore(text, model=lm, config=config).to_dict()
    return {"restored": result["text"], "spun_score": result["spun_score"],
            "edits": result["edits"]}


# Engines: each maps process_chunk over (chunk number, records) and yields the results -----

Chunk = tuple[int, list[Record]]
Engine = Callable[[Iterable[Chunk], BatchOptions], Iterator[tuple[int, list[dict]]]]


def local_engine(jobs: int) -> Engine:
    """Run chunks in this process (``jobs`` 1) or in a pool of ``jobs`` processes."""
    def run(chunks: Iterable[Chunk], options: BatchOptions):
        if jobs <= 1:
            for number, records in chunks:
                yield number, process_chunk(records, options)
            return
        import multiprocessing
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

        # spawn, not fork: a forked llama.cpp or thread pool is not safe to reuse.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_die_with_parent) as pool:
            pending = {}
            source = iter(chunks)
            while True:
                for number, records in islice(source, 2 * jobs - len(pending)):
                    pending[pool.submit(process_chunk, records, options)] = number
                if not pending:
                    return
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield pending.pop(future), future.result()
    return run


def dask_engine(scheduler: str | None, jobs: int) -> Engine:
    """Run chunks on a Dask cluster at ``scheduler``, or on a local one of ``jobs`` workers."""
    def run(chunks: Iterable[Chunk], options: BatchOptions):
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError as exc:
            raise InputError("the dask engine needs: pip install 'unspin[batch]'") from exc
        cluster = None
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1,
                                   processes=True, dashboard_address=None)
            client = Client(cluster)
        try:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            source = iter(chunks)
            futures = as_completed()
            numbers = {}
            for number, records in islice(source, 2 * workers):
                future = client.submit(process_chunk, records, options, pure=False)
                numbers[future.key] = number
                futures.add(future)
            for future in futures:
                yield numbers.pop(future.key), future.result()
                future.release()
                for number, records in islice(source, 1):
                    nxt = client.submit(process_chunk, records, options, pure=False)
                    numbers[nxt.key] = number
                    futures.add(nxt)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    return run


def _die_with_parent() -> None:
    """Ask Linux to end this worker when the batch process dies (even by SIGKILL)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


# The run ------------------------------------------------------------------------------

def run_batch(source: str | os.PathLike, output: str | os.PathLike, options: BatchOptions, *,
              engine: Engine | None = None, progress: Callable[[int, int], None] | None = None
              ) -> BatchSummary:
    """Run ``options.task`` over every record of ``source`` into ``output``; resumable.

    ``engine`` defaults to one local process; ``progress(records, words)`` is
    called as chunks finish. See the module docstring for an example.
    """
    source, output = Path(source), Path(output)
    if not source.is_file():
        raise InputError(f"cannot read {source}: no such file")
    if file_format(output) != file_format(source):
        raise InputError(f"{output}: write the same format as the input "
                         f"({source.suffix}), e.g. {output.with_suffix(source.suffix).name}")
    if output.resolve() == source.resolve():
        raise InputError("the output would overwrite the input; choose another -o")
    columns = COLUMNS[options.task]
    check_no_clash(source, list(columns))
    parts = _parts_folder(source, output, options)
    errors_path = output.with_name(output.name + ".errors.jsonl")
    summary = BatchSummary(output, errors_path)
    started = time.monotonic()

    done_chunks = {int(p.name[5:13]) for p in parts.glob("part-*.jsonl")}
    summary.resumed_chunks = len(done_chunks)
    if progress and done_chunks:
        progress(len(done_chunks) * options.chunk_size, 0)
    todo = ((n, c) for n, c in _chunks(source, options) if n not in done_chunks)
    for number, lines in (engine or local_engine(1))(todo, options):
        _commit_part(parts / PART_FORMAT.format(number), lines)
        if progress:
            progress(len(lines), sum(line["words"] for line in lines))

    _finish(source, output, parts, columns, summary)
    summary.seconds = time.monotonic() - started
    return summary


def _chunks(source: Path, options: BatchOptions) -> Iterator[Chunk]:
    records = read_records(source, options.text_field, options.id_field)
    number = 0
    while chunk := list(islice(records, options.chunk_size)):
        yield number, chunk
        number += 1


def _parts_folder(source: Path, output: Path, options: BatchOptions) -> Path:
    """The folder of committed chunks; refuses one left by a run with other settings."""
    parts = output.with_name(output.name + ".parts")
    stat = source.stat()
    manifest = {"input": str(source.resolve()), "size": stat.st_size,
                "mtime_ns": stat.st_mtime_ns, "options": asdict(options)}
    manifest["options"].pop("threads_per_job")  # how fast, not what: may change on resume
    path = parts / "manifest.json"
    if path.exists():
        try:
            previous = json.loads(path.read_text())
        except (OSError, ValueError):
            previous = None
        if previous != manifest:
            raise InputError(f"{parts} holds an unfinished run with another input or other "
                             "options; rerun that command to finish it, or delete the folder")
        for leftover in parts.glob("*.tmp"):
            leftover.unlink()
        return parts
    parts.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, json.dumps(manifest, indent=1))
    return parts


def _commit_part(path: Path, lines: list[dict]) -> None:
    _write_atomically(path, "".join(json.dumps(line, ensure_ascii=False) + "\n"
                                    for line in lines))


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    # The rename itself must reach the disk, or a power cut could undo a commit.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read_parts(parts: Path) -> Iterator[dict]:
    """Every committed line, in record order (chunks are numbered in input order)."""
    for path in sorted(parts.glob("part-*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)


def _finish(source: Path, output: Path, parts: Path, columns: dict[str, str],
            summary: BatchSummary) -> None:
    """Write output and errors file from the committed parts, then remove the parts."""
    errors = []

    def tallied() -> Iterator[dict]:
        for line in _read_parts(parts):
            summary.records += 1
            summary.words += line["words"]
            if "error" in line:
                errors.append({"id": line["id"], "index": line["index"],
                               "reason": line["error"]})
                reason = line["error"].split(":")[0]
                summary.error_reasons[reason] = summary.error_reasons.get(reason, 0) + 1
            yield line

    lines = tallied()
    empty = dict.fromkeys(columns)

    def results_for(index: int) -> dict:
        # Unparsable records are not written, but they have part lines too: skip them.
        for line in lines:
            if line["index"] < index:
                continue
            if line["index"] != index:
                raise InputError(f"{parts}: no result for record {index}; the input changed "
                                 "during the run? Delete the folder and run again")
            if "error" in line:
                return {**empty, "error": line["error"]}
            return {**empty, **line["result"]}
        raise InputError(f"{parts}: results end before record {index}; delete it and rerun")

    temporary = output.with_name(output.name + ".tmp" + output.suffix)
    try:
        write_with_results(source, temporary, columns, results_for)
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)
    for _ in lines:  # unparsable records after the last written one still count
        pass
    summary.failed = len(errors)
    summary.done = summary.records - summary.failed
    if errors:
        _write_atomically(summary.errors, "".join(json.dumps(e, ensure_ascii=False) + "\n"
                                                  for e in errors))
    else:
        summary.errors.unlink(missing_ok=True)
    _sync_folder(output.parent)
    shutil.rmtree(parts)


class Progress:
    """A one-line progress bar on stderr: records, words per second, ETA; silent off a terminal.

    >>> Progress(10, enabled=False).update(5, 100)   # no output when not a terminal
    """

    def __init__(self, total: int | None, stream=None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total, self.records, self.words = total, 0, 0
        self.started = self.shown = time.monotonic()

    def update(self, records: int, words: int) -> None:
        self.records += records
        self.words += words
        now = time.monotonic()
        if self.enabled and (now - self.shown > 0.2 or self.records == self.total):
            self.shown = now
            self.stream.write("\r" + self.render(now - self.started))
            self.stream.flush()

    def render(self, elapsed: float) -> str:
        rate = self.words / elapsed if elapsed > 0 else 0.0
        text = f"{self.records:,}"
        if self.total:
            share = self.records / self.total
            left = elapsed / share - elapsed if share else 0.0
            text += f"/{self.total:,} records ({share:.0%}), ETA {_clock(left)}"
        return text + f", {rate:,.0f} words/s   "

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class ProgressLine:
    """A decode's progress on stderr ("restoring: 40%, 0:01:12 left"); silent off a terminal.

    Call it with the characters done and the total; at the end the line is wiped,
    so the result printed after it starts on a clean line.

    >>> import io
    >>> out = io.StringIO()
    >>> line = ProgressLine("restoring", stream=out, enabled=True)
    >>> line(50, 100)
    >>> out.getvalue().startswith("\\rrestoring: 50%")
    True
    """

    def __init__(self, label: str, stream=None, enabled: bool | None = None):
        self.label, self.stream = label, stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.started, self.shown, self.width = time.monotonic(), -1.0, 0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (done < total and now - self.shown < 0.5):
            return
        self.shown = now
        if done >= total:
            self.stream.write("\r" + " " * self.width + "\r")
        else:
            share, elapsed = done / total, now - self.started
            left = elapsed / share - elapsed if share else None
            line = (f"{self.label}: {int(share * 100)}%"  # floor: 100% only when done
                    + (f", {_clock(left)} left" if left is not None else ""))
            self.stream.write("\r" + line.ljust(self.width))
            self.width = max(self.width, len(line))
        self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
