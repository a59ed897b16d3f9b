"""Trace spun copies to their sources: recall through restored text against raw spun text.

Spins test-split paragraphs (half SOTU, half Brown), hides their originals among
every other paragraph of 50+ words from both corpora and both splits, restores
the spun copies with ``unspin batch`` (resumable: rerun after an interruption),
and reports recall@1 and recall@5 for tracing the restored text and the raw
spun text. Writes a Markdown table to stdout and to --out.

    .venv/bin/python benchmarks/trace_recall.py --queries 500 --model smollm2 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from unspin import spin
from unspin.batch import BatchOptions, Progress, local_engine, run_batch
from unspin.corpora import _numbered, load_corpus, sample_paragraphs, split
from unspin.trace import TraceIndex

ROOT = Path(__file__).resolve().parent.parent


def haystack(exclude: set[str]) -> list[tuple[str, str]]:
    docs = []
    for corpus in ("sotu", "brown"):
        for which in ("dev", "test"):
            for doc in split(load_corpus(corpus), which):
                docs += [(f"{corpus}:{pid}", text) for pid, text in _numbered(doc, 50)
                         if f"{corpus}:{pid}" not in exclude]
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--rate", type=float, default=0.25)
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work", type=Path, default=ROOT / "data" / "bench" / "trace")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/trace.md")
    args = parser.parse_args()

    half = args.queries // 2
    queries = [(f"sotu:{pid}", text) for pid, text in sample_paragraphs("sotu", "test", half)]
    queries += [(f"brown:{pid}", text)
                for pid, text in sample_paragraphs("brown", "test", args.queries - half)]
    args.work.mkdir(parents=True, exist_ok=True)
    spun_path = args.work / f"spun-{args.queries}-{args.rate}.jsonl"
    spun_rows = [{"id": qid, "text": spin(text, rate=args.rate, seed=i).text}
                 for i, (qid, text) in enumerate(queries)]
    content = "".join(json.dumps(row) + "\n" for row in spun_rows)
    if not spun_path.exists() or spun_path.read_text() != content:
        spun_path.write_text(content)

    started = time.monotonic()
    others = haystack({qid for qid, _ in queries})
    index = TraceIndex.build(others + queries)
    build_s = time.monotonic() - started
    print(f"index: {len(index):,} paragraphs ({len(others):,} distractors) in {build_s:.1f} s",
          flush=True)

    restored_path = args.work / f"restored-{args.model}-{args.queries}-{args.rate}.jsonl"
    started = time.monotonic()
    if not restored_path.exists():
        threads = max(1, 2 // args.jobs)
        options = BatchOptions(task="restore", model=args.model, chunk_size=4,
                               threads_per_job=threads)
        progress = Progress(len(spun_rows), enabled=True)
        summary = run_batch(spun_path, restored_path, options,
                            engine=local_engine(args.jobs), progress=progress.update)
        progress.close()
        print(summary.line(), flush=True)
    restore_s = time.monotonic() - started
    with open(restored_path, encoding="utf-8") as handle:
        restored = {row["id"]: row["restored"] or row["text"] for row in map(json.loads, handle)}

    results = {}
    for label, texts in (("raw spun text", {r["id"]: r["text"] for r in spun_rows}),
                         ("restored text", restored)):
        for scan in (False, True):
            at1 = at5 = 0
            shared = []
            started = time.monotonic()
            for qid, _ in queries:
                matches = index.search(texts[qid], top=5, scan=scan)
                ids = [m.id for m in matches]
                at1 += bool(ids) and ids[0] == qid
                at5 += qid in ids
                shared += [m.containment for m in matches if m.id == qid]
            seconds = (time.monotonic() - started) / len(queries)
            name = label + (", LSH then signature scan" if scan else ", LSH candidates only")
            results[name] = (at1 / len(queries), at5 / len(queries), seconds,
                             sum(shared) / max(1, len(shared)))

    lines = [f"Split: test; {len(queries)} paragraphs spun at rate {args.rate} "
             f"({half} SOTU, {len(queries) - half} Brown), hidden among {len(others):,} other "
             f"paragraphs of 50+ words (both corpora, both splits). Restoration: {args.model}, "
             f"`unspin batch --jobs {args.jobs}`"
             + (f", {restore_s:.0f} s." if restore_s > 1 else " (cached from an earlier run)."),
             f"Index build: {build_s:.1f} s for {len(index):,} paragraphs.", "",
             "| searched with | recall@1 | recall@5 | search ms/query "
             "| source's share of the query's trigrams (mean, when found) |",
             "|---|---|---|---|---|"]
    for label, (at1, at5, seconds, share) in results.items():
        lines.append(f"| {label} | {at1:.3f} | {at5:.3f} | {seconds * 1000:.1f} | {share:.3f} |")
    report = "\n".join(lines) + "\n"
    print(report)
    args.out.write_text(report)


if __name__ == "__main__":
    main()
