#!/usr/bin/env python3
"""Build the fast detector's tables (src/unspin/data/screen_table.tsv.gz,
screen_tail.tsv.gz and screen_phrases.tsv.gz).

For the most common English words (wordfreq's list), the most likely original,
its frequency gap and the word's spin ratio; the same for the rare single words
the channel or Moby's lists write from them (the tail); for every two- or
three-word form the channel can write, its spin ratio where above 1. All as
``unspin.screen_table`` computes them live. The output is the same bytes for
the same lexicon and wordfreq version, whatever ``--jobs``; about 4 minutes
with two::

    python scripts/build_screen_table.py --check --jobs 2
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from wordfreq import top_n_list  # noqa: E402

from unspin.screen_table import (  # noqa: E402
    PHRASE_TABLE_PATH,
    TABLE_PATH,
    TABLE_WORDS,
    TAIL_PATH,
    build_phrase_table_text,
    table_key,
    table_lines,
    tail_key,
    tail_words,
)


def gzipped(text: str) -> bytes:
    buffer = io.BytesIO()
    # mtime=0 and no file name: the same input gives the same bytes.
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as f:
        f.write(text.encode("utf-8"))
    return buffer.getvalue()


def table_text(words: list[str], key: str, jobs: int) -> str:
    """The table file for ``words``, its lines worked out in ``jobs`` processes."""
    chunks = [words[i:i + 2000] for i in range(0, len(words), 2000)]
    with Pool(jobs) as pool:
        lines = [line for part in pool.map(table_lines, chunks) for line in part]
    return "\n".join(["# " + key, *lines]) + "\n"


def tables(jobs: int) -> dict[Path, bytes]:
    words = sorted(set(top_n_list("en", TABLE_WORDS)))
    return {TABLE_PATH: gzipped(table_text(words, table_key(), jobs)),
            TAIL_PATH: gzipped(table_text(tail_words(), tail_key(), jobs)),
            PHRASE_TABLE_PATH: gzipped(build_phrase_table_text())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="Rebuild in memory and compare with the committed files.")
    parser.add_argument("--jobs", type=int, default=1, help="Processes for the word tables.")
    args = parser.parse_args()
    built = tables(args.jobs)
    if args.check:
        stale = [path.name for path, data in built.items()
                 if not path.exists() or path.read_bytes() != data]
        print(f"screen tables differ: {', '.join(stale)}; rebuild them" if stale
              else "screen tables up to date")
        return 1 if stale else 0
    for path, data in built.items():
        path.write_bytes(data)
        print(f"wrote {path} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
