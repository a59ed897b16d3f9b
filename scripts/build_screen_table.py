#!/usr/bin/env python3
"""Build the fast detector's word table (src/unspin/data/screen_table.tsv.gz).

For the most common English words (wordfreq's list), the most likely original
and its frequency gap, as ``unspin.screen_table`` computes them live. The
output is the same bytes for the same lexicon and wordfreq version::

    python scripts/build_screen_table.py --check
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from wordfreq import top_n_list  # noqa: E402

from unspin.screen_table import TABLE_PATH, TABLE_WORDS, build_table_text  # noqa: E402


def table_bytes() -> bytes:
    words = sorted(set(top_n_list("en", TABLE_WORDS)))
    buffer = io.BytesIO()
    # mtime=0 and no file name: the same input gives the same bytes.
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as f:
        f.write(build_table_text(words).encode("utf-8"))
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="Rebuild in memory and compare with the committed file.")
    args = parser.parse_args()
    data = table_bytes()
    if args.check:
        same = TABLE_PATH.exists() and TABLE_PATH.read_bytes() == data
        print("screen table up to date" if same else "screen table differs: rebuild it")
        return 0 if same else 1
    TABLE_PATH.write_bytes(data)
    print(f"wrote {TABLE_PATH} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
