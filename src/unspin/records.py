"""Records in and out of JSONL, CSV and Parquet files, for ``unspin batch``.

Reading yields one :class:`Record` per input record, numbered from 0, with the
text to work on or the reason it cannot be used; a record that cannot be
parsed at all (a JSONL line that is not JSON) is still numbered, so numbers
stay stable between runs. Writing streams the input again and adds result
columns, so the output keeps every input column and row order.

>>> import json, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "in.jsonl"
>>> _ = path.write_text('{"id": "a", "text": "Hi there"}\\n\\n{"id": "b"}\\n')
>>> [(r.index, r.id, r.text, r.problem) for r in read_records(path, "text", "id")]
[(0, 'a', 'Hi there', None), (1, 'b', None, 'no text field "text"')]
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
PARQUET_BATCH = 4096


@dataclass(frozen=True)
class Record:
    """One input record: its position, its ID, and its text or why it has none."""

    index: int
    id: object
    text: str | None
    problem: str | None = None
    parsed: bool = True     # False: not even a record (a JSONL line that is not JSON)


def file_format(path: str | os.PathLike) -> str:
    """``jsonl``, ``csv`` or ``parquet`` from the file name.

    >>> file_format("crawl.parquet")
    'parquet'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"{path}: unknown file type {suffix or '(none)'!r}; "
                         "use .jsonl, .csv or .parquet")
    return FORMATS[suffix]


def read_records(path: str | os.PathLike, text_field: str, id_field: str) -> Iterator[Record]:
    """Every record of the file at ``path``, in order."""
    reader = {"jsonl": _read_jsonl, "csv": _read_csv, "parquet": _read_parquet}
    yield from reader[file_format(path)](Path(path), text_field, id_field)


def count_records(path: str | os.PathLike) -> int | None:
    """How many records the file holds (cheaply), or None where only reading tells."""
    fmt = file_format(path)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if fmt == "jsonl":
        with open(path, "rb") as f:
            return sum(1 for line in f if line.strip())
    return None


def _record(index: int, row: dict, text_field: str, id_field: str) -> Record:
    rid = row.get(id_field, index)
    rid = index if rid is None or rid == "" else rid
    text = row.get(text_field)
    if text is None:
        return Record(index, rid, None, f'no text field "{text_field}"')
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return Record(index, rid, None, "text is not valid UTF-8")
    if not isinstance(text, str):
        return Record(index, rid, None, f"text is a {type(text).__name__}, not a string")
    if any("\udc80" <= ch <= "\udcff" for ch in text):  # surrogateescape'd bytes
        return Record(index, rid, None, "text is not valid UTF-8")
    return Record(index, rid, text)


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict | None, str | None]]:
    """``(index, row, problem)`` per non-blank line; ``row`` is None when it is no JSON object.

    Reading and writing both number records through this, so their indices agree.
    """
    with open(path, "rb") as f:
        index = 0
        for line in f:
            if not line.strip():
                continue
            try:
                row = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError:
                yield index, None, "line is not valid UTF-8"
            except json.JSONDecodeError as exc:
                yield index, None, f"line is not JSON ({exc.msg})"
            else:
                if isinstance(row, dict):
                    yield index, row, None
                else:
                    yield index, None, "line is not a JSON object"
            index += 1


def _read_jsonl(path: Path, text_field: str, id_field: str) -> Iterator[Record]:
    for index, row, problem in _jsonl_rows(path):
        if row is None:
            yield Record(index, index, None, problem, parsed=False)
        else:
            yield _record(index, row, text_field, id_field)


def _open_csv(path: Path, mode: str = "r"):
    # surrogateescape keeps undecodable bytes, so one bad cell fails one record, not the file.
    return open(path, mode, encoding="utf-8", errors="surrogateescape", newline="")


def _read_csv(path: Path, text_field: str, id_field: str) -> Iterator[Record]:
    with _open_csv(path) as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None:
            return
        if text_field not in reader.fieldnames:
            raise InputError(f'{path}: no column "{text_field}" (columns: '
                             f'{", ".join(reader.fieldnames)}); choose one with --text-field')
        try:
            for index, row in enumerate(reader):
                yield _record(index, row, text_field, id_field)
        except csv.Error as exc:
            raise InputError(f"{path}: broken CSV near line {reader.line_num}: {exc}") from exc


def _read_parquet(path: Path, text_field: str, id_field: str) -> Iterator[Record]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from exc
    if text_field not in parquet.schema_arrow.names:
        raise InputError(f'{path}: no column "{text_field}" (columns: '
                         f'{", ".join(parquet.schema_arrow.names)}); choose one with --text-field')
    index = 0
    columns = [c for c in (text_field, id_field) if c in parquet.schema_arrow.names]
    for batch in parquet.iter_batches(batch_size=PARQUET_BATCH, columns=columns):
        for row in batch.to_pylist():
            yield _record(index, row, text_field, id_field)
            index += 1


# Writing -------------------------------------------------------------------------------

ResultsFor = Callable[[int], dict]   # record index -> result columns (None values allowed)


def write_with_results(source: Path, target: Path, columns: dict[str, str],
                       results_for: ResultsFor) -> int:
    """Write ``source``'s records to ``target`` with ``columns`` added; returns rows written.

    ``columns`` maps each new column to its kind: "str", "float", "bool" or
    "json" (lists and objects; a JSON string in CSV and Parquet).

    Records that were not parsable (``Record.parsed`` False) are left out: there
    is no record to write; the errors file names them.
    """
    writer = {"jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet}
    return writer[file_format(source)](source, target, columns, results_for)


def check_no_clash(source: Path, columns: list[str]) -> None:
    """Refuse input whose own columns would be overwritten by the results."""
    fmt = file_format(source)
    if fmt == "csv":
        with _open_csv(source) as f:
            names = next(csv.reader(f), [])
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        names = pq.ParquetFile(source).schema_arrow.names
    else:
        return  # JSONL rows differ; clashes are checked row by row when writing
    clash = sorted(set(names) & set(columns))
    if clash:
        raise InputError(f"{source}: columns {', '.join(clash)} would be overwritten by "
                         "the results; rename them first")


def _write_jsonl(source: Path, target: Path, columns: dict[str, str],
                 results_for: ResultsFor) -> int:
    rows = 0
    with open(target, "w", encoding="utf-8") as out:
        for index, row, _ in _jsonl_rows(source):
            if row is None:
                continue
            clash = set(row) & set(columns)
            if clash:
                raise InputError(f"{source}: record {index} already has "
                                 f"{', '.join(sorted(clash))}; rename those fields first")
            row.update(results_for(index))
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            rows += 1
    return rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _write_csv(source: Path, target: Path, columns: dict[str, str],
               results_for: ResultsFor) -> int:
    rows = 0
    with _open_csv(source) as f, _open_csv(target, "w") as out:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            return 0
        writer = csv.writer(out)
        writer.writerow(header + list(columns))
        for index, row in enumerate(reader):
            results = results_for(index)
            writer.writerow(row + [_cell(results.get(c)) for c in columns])
            rows += 1
    return rows


def _write_parquet(source: Path, target: Path, columns: dict[str, str],
                   results_for: ResultsFor) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(source)
    rows = 0
    writer = None
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH):
            results = [results_for(rows + i) for i in range(batch.num_rows)]
            table = pa.Table.from_batches([batch])
            for name, kind in columns.items():
                values = [r.get(name) for r in results]
                if kind == "json":
                    values = [None if v is None else json.dumps(v, ensure_ascii=False)
                              for v in values]
                table = table.append_column(name, pa.array(values, type=_arrow_type(kind)))
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema)
            writer.write_table(table)
            rows += batch.num_rows
        if writer is None:  # an empty file still gets its schema
            schema = parquet.schema_arrow
            for name, kind in columns.items():
                schema = schema.append(pa.field(name, _arrow_type(kind)))
            writer = pq.ParquetWriter(target, schema)
    finally:
        if writer is not None:
            writer.close()
    return rows


def _arrow_type(kind: str):
    import pyarrow as pa

    return {"float": pa.float64(), "bool": pa.bool_()}.get(kind, pa.string())
