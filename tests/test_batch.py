import csv
import json
import os
import signal
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from unspin.batch import BatchOptions, Progress, local_engine, run_batch, worker_has_model
from unspin.errors import InputError

SPUN = "Xi volition hold talks successful Moscow, arsenic helium said connected Friday."
CLEAN = "The cat sat on the mat and looked at the door."


def unspin(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "unspin.cli", *args], capture_output=True,
                          text=True, timeout=600, check=False, **kwargs)


def write_jsonl(path, rows, extra_lines=()):
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in rows)
        f.writelines(line + "\n" for line in extra_lines)


def read_jsonl(path):
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def sample_rows(n):
    return [{"id": f"r{i}", "text": SPUN if i % 2 else CLEAN, "keep": i} for i in range(n)]


def test_detect_jsonl_adds_results_and_keeps_fields(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", sample_rows(5))
    summary = run_batch(tmp_path / "in.jsonl", tmp_path / "out.jsonl",
                        BatchOptions(task="detect", fast=True, chunk_size=2))
    rows = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in rows] == [f"r{i}" for i in range(5)]
    assert [r["keep"] for r in rows] == list(range(5))
    assert [r["is_spun"] for r in rows] == [False, True, False, True, False]
    assert all(r["error"] is None for r in rows)
    spans = {s["text"]: s["likely_original"] for s in rows[1]["spans"]}
    assert spans["volition"] == "will"
    assert (summary.records, summary.done, summary.failed) == (5, 5, 0)
    assert not (tmp_path / "out.jsonl.parts").exists()
    assert not (tmp_path / "out.jsonl.errors.jsonl").exists()


def test_failed_records_go_to_errors_file_and_run_goes_on(tmp_path):
    rows = [{"id": "ok", "text": SPUN}, {"id": "empty", "text": "  "}, {"id": "none"},
            {"id": "long", "text": "word " * 50}, {"id": "num", "text": 7}]
    write_jsonl(tmp_path / "in.jsonl", rows, extra_lines=["{broken", "[1, 2]"])
    summary = run_batch(tmp_path / "in.jsonl", tmp_path / "out.jsonl",
                        BatchOptions(task="detect", fast=True, max_chars=100))
    out = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == ["ok", "empty", "none", "long", "num"]
    assert out[0]["error"] is None and out[1]["is_spun"] is None
    errors = {e["id"]: e["reason"] for e in read_jsonl(tmp_path / "out.jsonl.errors.jsonl")}
    assert errors["empty"] == "empty text"
    assert errors["none"] == 'no text field "text"'
    assert "longer than 100" in errors["long"]
    assert "not a string" in errors["num"]
    assert "not JSON" in errors[5] and "not a JSON object" in errors[6]
    assert (summary.records, summary.done, summary.failed) == (7, 1, 6)


def test_csv_round_trip_with_bad_bytes(tmp_path):
    source = tmp_path / "in.csv"
    with open(source, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["doc", "body", "note"])
        writer.writerow(["a", SPUN, "x, \"quoted\""])
        writer.writerow(["b", CLEAN, "multi\nline"])
    with open(source, "ab") as f:
        f.write(b"c,caf\xe9 au lait,z\n")
    run_batch(source, tmp_path / "out.csv",
              BatchOptions(task="detect", fast=True, text_field="body", id_field="doc"))
    with open(tmp_path / "out.csv", newline="", encoding="utf-8", errors="surrogateescape") as f:
        rows = list(csv.DictReader(f))
    assert [r["doc"] for r in rows] == ["a", "b", "c"]
    assert rows[0]["note"] == 'x, "quoted"' and rows[1]["note"] == "multi\nline"
    assert [r["is_spun"] for r in rows] == ["true", "false", ""]
    assert json.loads(rows[0]["spans"])
    assert rows[2]["error"] == "text is not valid UTF-8"
    assert open(tmp_path / "out.csv", "rb").read().count(b"caf\xe9") == 1  # bytes kept


def test_parquet_keeps_schema_and_adds_typed_columns(tmp_path):
    table = pa.table({"id": [1, 2, 3], "text": [SPUN, CLEAN, None],
                      "score": [0.5, 1.5, 2.5]})
    pq.write_table(table, tmp_path / "in.parquet")
    run_batch(tmp_path / "in.parquet", tmp_path / "out.parquet",
              BatchOptions(task="detect", fast=True, chunk_size=1))
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.column("id").to_pylist() == [1, 2, 3]
    assert out.column("score").to_pylist() == [0.5, 1.5, 2.5]
    assert out.schema.field("is_spun").type == pa.bool_()
    assert out.schema.field("probability").type == pa.float64()
    assert out.column("is_spun").to_pylist() == [True, False, None]
    assert out.column("error").to_pylist()[2] == 'no text field "text"'


@pytest.mark.parametrize("source, output, message", [
    ("in.jsonl", "out.csv", "same format"),
    ("in.jsonl", "in.jsonl", "overwrite the input"),
    ("missing.jsonl", "out.jsonl", "no such file"),
    ("in.jsonl", "out.txt", "unknown file type"),
])
def test_bad_paths_are_refused(tmp_path, source, output, message):
    write_jsonl(tmp_path / "in.jsonl", sample_rows(2))
    with pytest.raises(InputError, match=message):
        run_batch(tmp_path / source, tmp_path / output, BatchOptions(task="detect", fast=True))


def test_clashing_column_is_refused(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": SPUN, "spans": []}])
    with pytest.raises(InputError, match="spans"):
        run_batch(tmp_path / "in.jsonl", tmp_path / "out.jsonl",
                  BatchOptions(task="detect", fast=True))
    assert not (tmp_path / "out.jsonl").exists()


def test_resume_refuses_other_options(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", sample_rows(4))
    parts = tmp_path / "out.jsonl.parts"

    def interrupted(chunks, options):  # an engine that dies after one chunk
        for number, records in chunks:
            yield number, local_engine(1)([(number, records)], options).__next__()[1]
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(tmp_path / "in.jsonl", tmp_path / "out.jsonl",
                  BatchOptions(task="detect", fast=True, chunk_size=1), engine=interrupted)
    assert len(list(parts.glob("part-*.jsonl"))) == 1
    with pytest.raises(InputError, match="unfinished run"):
        run_batch(tmp_path / "in.jsonl", tmp_path / "out.jsonl",
                  BatchOptions(task="detect", fast=True, chunk_size=2))
    summary = run_batch(tmp_path / "in.jsonl", tmp_path / "out.jsonl",
                        BatchOptions(task="detect", fast=True, chunk_size=1))
    assert summary.resumed_chunks == 1 and summary.records == 4
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == ["r0", "r1", "r2", "r3"]


def test_jobs_two_equals_jobs_one(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", sample_rows(12))
    one = unspin("batch", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "one.jsonl"),
                 "--task", "detect", "--fast", "--chunk-size", "2")
    two = unspin("batch", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "two.jsonl"),
                 "--task", "detect", "--fast", "--chunk-size", "2", "--jobs", "2")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert "12 records: 12 done, 0 failed" in two.stderr
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_sigkill_mid_run_then_resume_gives_every_record_once(tmp_path):
    rows = [{"id": f"doc-{i}", "text": f"{SPUN} Story number {i}."} for i in range(16)]
    write_jsonl(tmp_path / "in.jsonl", rows)
    args = ["batch", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"),
            "--task", "restore", "--model", "smollm2", "--chunk-size", "2"]
    parts = tmp_path / "out.jsonl.parts"
    process = subprocess.Popen([sys.executable, "-m", "unspin.cli", *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 300
    while len(list(parts.glob("part-*.jsonl"))) < 2 and time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it could be killed"
        time.sleep(0.05)
    assert process.poll() is None
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    kept = len(list(parts.glob("part-*.jsonl")))
    assert 2 <= kept < 8 and not (tmp_path / "out.jsonl").exists()

    rerun = unspin(*args)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{kept} chunks kept from an earlier run" in rerun.stderr
    out = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in out] == [r["id"] for r in rows]   # each exactly once, in order
    assert all(r["restored"].startswith("Xi will hold talks") for r in out)
    assert all(r["error"] is None for r in out)
    assert not parts.exists()


def test_dask_cluster_of_two_workers_matches_single_process(tmp_path):
    distributed = pytest.importorskip("distributed")
    rows = [{"id": i, "text": f"{SPUN} Item {i}."} for i in range(6)]
    rows.append({"id": 6, "text": ""})
    write_jsonl(tmp_path / "in.jsonl", rows)
    common = ["--task", "restore", "--model", "smollm2", "--chunk-size", "2"]
    single = unspin("batch", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "one.jsonl"),
                    *common)
    assert single.returncode == 0, single.stderr
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        clustered = unspin("batch", str(tmp_path / "in.jsonl"), "-o",
                           str(tmp_path / "dask.jsonl"), *common, "--engine", "dask",
                           "--scheduler", cluster.scheduler_address)
        with distributed.Client(cluster) as client:
            loaded = client.run(worker_has_model)   # both workers took part
    assert clustered.returncode == 0, clustered.stderr
    assert sum(loaded.values()) == 2
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "dask.jsonl").read_bytes()
    assert read_jsonl(tmp_path / "dask.jsonl")[0]["restored"].startswith("Xi will hold")


def test_cli_errors_are_one_line(tmp_path):
    result = unspin("batch", str(tmp_path / "none.jsonl"), "-o", str(tmp_path / "o.jsonl"),
                    "--task", "detect")
    assert result.returncode == 2
    assert result.stderr.startswith("unspin: error:") and "Traceback" not in result.stderr


def test_progress_line_shows_eta_and_rate():
    progress = Progress(100, enabled=False)
    progress.update(25, 5000)
    line = progress.render(10.0)
    assert "25/100 records (25%)" in line and "ETA 0:00:30" in line and "500 words/s" in line


def test_progress_line_counts_up_and_wipes_itself():
    import io

    from unspin.batch import ProgressLine

    out = io.StringIO()
    line = ProgressLine("restoring", stream=out, enabled=True)
    line(25, 100)
    assert out.getvalue().startswith("\rrestoring: 25%") and "left" in out.getvalue()
    line(100, 100)
    shown = out.getvalue().split("\r")
    assert shown[-1] == "" and shown[-2].strip() == ""  # the last line written is blank
    quiet = io.StringIO()
    ProgressLine("restoring", stream=quiet, enabled=False)(50, 100)
    assert quiet.getvalue() == ""
