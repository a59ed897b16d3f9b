"""Load on `unspin serve`: concurrent clients on loopback, mixed short and long spun texts.

Run: .venv/bin/python benchmarks/load.py [--clients 50] [--seconds 30] [--model gemma3]

Starts the real service (`unspin serve`, one worker, the default model unless
--model says otherwise) as a subprocess. Each client sends a request, waits for
the answer, and sends the next: 60 % POST /api/restore, 20 % /api/detect (full),
20 % /api/detect (fast). Texts are test-split SOTU paragraphs spun at rate 0.25
(a quarter of the requests: a whole paragraph of 50+ words) or one sentence of
them (the rest). A client told 429 waits as long as Retry-After says, as a
well-behaved client would. After --seconds no new requests start; those in
flight are waited for and counted. Writes benchmarks/results/load.md.

Run it on an otherwise idle machine: llama.cpp's threads spin-wait, and a busy
core slows it many times. It waits for the 1-minute load average to drop to 0.5
first (--force skips that).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import httpx

from unspin.corpora import sample_paragraphs
from unspin.decode import sentences
from unspin.spin import spin
from unspin.text import words

RESULTS = Path(__file__).parent / "results" / "load.md"


def texts(n_paragraphs: int, seed: int) -> tuple[list[str], list[str]]:
    """Short (one spun sentence, 8+ words) and long (one spun paragraph) texts."""
    longs, shorts = [], []
    for i, (_, text) in enumerate(sample_paragraphs("sotu", "test", n_paragraphs)):
        spun = spin(text, 0.25, seed=seed + i).text
        longs.append(spun)
        shorts += [spun[a:b] for a, b in sentences(spun) if len(words(spun[a:b])) >= 8]
    return shorts, longs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_kib(pid: int) -> int:
    """VmHWM (peak resident memory) of ``pid`` plus that of its live descendants, in KiB."""
    def hwm(p: int) -> int:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += hwm(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return total


def busy_cpu_s() -> float:
    """CPU seconds spent by the whole machine (all cores), from /proc/stat."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def process_cpu_s(pid: int) -> float:
    """CPU seconds used by process ``pid`` so far."""
    parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def start_server(port: int, model: str | None, log_path: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "unspin.cli", "serve", "--port", str(port)]
    if model:
        cmd += ["--model", model]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if json.load(r)["status"] == "ok":
                    return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"unspin serve exited:\n{log_path.read_text()}") from None
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit("unspin serve did not start in 5 minutes")


async def client(http: httpx.AsyncClient, rng: random.Random, shorts: list[str],
                 longs: list[str], stop_at: float, records: list) -> None:
    while time.monotonic() < stop_at:
        size = "long" if rng.random() < 0.25 else "short"
        text = rng.choice(longs if size == "long" else shorts)
        roll = rng.random()
        path, body = ("/api/restore", {"text": text}) if roll < 0.6 else (
            "/api/detect", {"text": text, "mode": "full" if roll < 0.8 else "fast"})
        kind = f"{path.rsplit('/', 1)[1]}{'-fast' if body.get('mode') == 'fast' else ''}"
        began = time.monotonic()
        try:
            response = await http.post(path, json=body)
            status, retry = response.status_code, response.headers.get("retry-after")
        except httpx.HTTPError as exc:
            status, retry = type(exc).__name__, None
        records.append((kind, size, len(words(text)), status, time.monotonic() - began))
        if status == 429 and retry:
            await asyncio.sleep(min(float(retry), max(0.0, stop_at - time.monotonic())))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def seconds(values: list[float], q: float, digits: int = 2) -> str:
    """A latency percentile for a table cell; "none" when no request of the kind was answered."""
    return f"{percentile(values, q):.{digits}f} s" if values else "none"


def wait_until_idle(max_load: float, patience_s: float) -> float:
    """Wait (up to ``patience_s``) for the 1-minute load average to fall to ``max_load``."""
    give_up = time.monotonic() + patience_s
    while True:
        load = float(Path("/proc/loadavg").read_text().split()[0])
        if load <= max_load:
            return load
        if time.monotonic() > give_up:
            raise SystemExit(f"the machine is busy (load average {load:.2f}); the numbers "
                             "would measure that, not the server. Use --force to run anyway.")
        print(f"waiting for an idle machine (load average {load:.2f})", file=sys.stderr)
        time.sleep(15)


async def run(args: argparse.Namespace) -> None:
    args.load_before = None if args.force else wait_until_idle(0.5, args.patience)
    shorts, longs = texts(args.paragraphs, args.seed)
    port = free_port()
    log_path = Path(args.log)
    started = time.monotonic()
    proc = start_server(port, args.model, log_path)
    print(f"server up in {time.monotonic() - started:.1f} s; {len(shorts)} short and "
          f"{len(longs)} long texts", file=sys.stderr)
    records: list = []
    try:
        limits = httpx.Limits(max_connections=args.clients + 10)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits,
                                     timeout=httpx.Timeout(300.0)) as http:
            began = time.monotonic()
            cpu_before = (busy_cpu_s(), process_cpu_s(proc.pid), sum(os.times()[:2]))
            stop_at = began + args.seconds
            await asyncio.gather(*(client(http, random.Random(args.seed * 1000 + i), shorts,
                                          longs, stop_at, records)
                                   for i in range(args.clients)))
            wall = time.monotonic() - began
        rss = peak_rss_kib(proc.pid)
        cpu_after = (busy_cpu_s(), process_cpu_s(proc.pid), sum(os.times()[:2]))
        total, server, own = (b - a for a, b in zip(cpu_before, cpu_after))
        args.cpu = (server, own, max(0.0, total - server - own))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    report(args, records, wall, rss, shorts, longs)


def report(args, records, wall, rss_kib, shorts, longs) -> None:
    statuses = Counter(str(r[3]) for r in records)
    ok = [r for r in records if r[3] == 200]
    non_4xx = [r for r in records if not (isinstance(r[3], int) and r[3] < 500)]
    ok_times = [r[4] for r in ok]
    busy_times = [r[4] for r in records if r[3] == 429]
    ok_words = sum(r[2] for r in ok)
    model = args.model or "gemma3 (default)"
    command = "`.venv/bin/python benchmarks/load.py --clients {} --seconds {:g}{}`".format(
        args.clients, args.seconds, f" --model {args.model}" if args.model else "")
    setup = (f"{args.clients} clients on loopback for {args.seconds:g} s, then the requests in "
             f"flight finish: {wall:.1f} s in all. One worker, model {model}, "
             f"{os.cpu_count()} CPUs. Texts: {len(shorts)} spun sentences (median "
             f"{statistics.median(len(words(t)) for t in shorts):.0f} words) and {len(longs)} "
             f"spun paragraphs (median {statistics.median(len(words(t)) for t in longs):.0f} "
             "words); 1 request in 4 is long. "
             + ("Load average before the run: "
                f"{args.load_before:.2f}." if args.load_before is not None else
                "Run with --force: the machine may not have been idle."))
    ok_latency = f"{seconds(ok_times, 0.5)} / {seconds(ok_times, 0.99)}"
    busy_latency = f"{seconds(busy_times, 0.5, 3)} / {seconds(busy_times, 0.99, 3)}"
    lines = [
        "# Load: `unspin serve` under concurrent clients", "", command, "", setup, "",
        "| measure | value |", "|---|---|",
        f"| requests answered | {len(records)} ({len(records) / wall:.2f}/s) |",
        f"| answered 200 | {len(ok)} ({len(ok) / wall:.2f}/s) |",
        f"| words in texts answered 200 | {ok_words:,} ({ok_words / wall:.1f}/s) |",
        f"| statuses | {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))} |",
        f"| errors other than 4xx (5xx, transport) | {len(non_4xx)} |",
        f"| latency of 200s, p50 / p99 | {ok_latency} |",
        f"| latency of 429s, p50 / p99 | {busy_latency} |",
        f"| peak server memory (VmHWM) | {rss_kib / 1024:.0f} MiB |",
        "| CPU time: server / clients / other processes | {:.0f} s / {:.0f} s / {:.0f} s |"
        .format(*args.cpu),
        "", "| request | size | 200s | p50 | p99 |", "|---|---|---|---|---|",
    ]
    for kind in ("restore", "detect", "detect-fast"):
        for size in ("short", "long"):
            times = [r[4] for r in ok if r[0] == kind and r[1] == size]
            lines.append(f"| {kind} | {size} | {len(times)} | {seconds(times, 0.5)} | "
                         f"{seconds(times, 0.99)} |")
    text = "\n".join(lines) + "\n"
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)
    print(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--model", default=None, help="gemma3 (default) or smollm2")
    parser.add_argument("--paragraphs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", default="/tmp/unspin-load-server.log")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--patience", type=float, default=600.0,
                        help="seconds to wait for the machine to become idle")
    parser.add_argument("--force", action="store_true", help="run even on a busy machine")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
