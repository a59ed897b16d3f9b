"""The HTTP API: answers equal the library's, bad input gets a 4xx with a message, the model
is used by one request at a time, and time limits free the model. A fake model keeps it fast;
one test starts the real `unspin serve` with the small SmolLM2 model."""

import asyncio
import importlib
import json
import math
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from test_extract import make_pdf

from unspin import detect, restore
from unspin.cli import cli
from unspin.extract import extract_text
from unspin.lm.fake import FakeModel
from unspin.server import RestorationOut, create_app, is_loopback
from unspin.userlex import parse_lexicon

FAKE = FakeModel()
SPUN = "Xi volition hold talks successful Moscow, arsenic helium said connected Friday."


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(FAKE, max_bytes=5000)) as c:
        yield c


def error_of(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in response.text
    return body["error"]


# ----------------------------------------------------------------- answers


def test_restore_equals_the_library(client):
    response = client.post("/api/restore", json={"text": SPUN})
    assert response.status_code == 200
    assert response.json() == restore(SPUN, model=FAKE).to_dict()
    RestorationOut.model_validate(response.json())
    assert {e["original"] for e in response.json()["edits"]} >= {"will", "in", "as", "he"}


@pytest.mark.parametrize("mode", ["full", "fast"])
def test_detect_equals_the_library(client, mode):
    response = client.post("/api/detect", json={"text": SPUN, "mode": mode, "threshold": 0.3})
    assert response.status_code == 200
    expected = detect(SPUN, mode=mode, threshold=0.3, model=FAKE).to_dict()
    assert response.json() == {**expected, "text": SPUN}


def test_full_detect_uses_the_served_models_calibration(client, monkeypatch):
    # The served model decoded the text, so its calibration, not the default's, applies.
    detect_module = importlib.import_module("unspin.detect")
    monkeypatch.setitem(detect_module.CALIBRATION, "full:fake", (0.0, -3.0))
    monkeypatch.setitem(detect_module.THRESHOLD, "full:fake", 0.01)
    data = client.post("/api/detect", json={"text": SPUN}).json()
    assert data["probability"] == round(1 / (1 + math.exp(3.0)), 4) and data["is_spun"]


def test_min_confidence_and_lexicon(client):
    text = "A think factory said volition."
    lexicon = "tortured,original\nthink factory,think tank\n"
    response = client.post("/api/restore", json={"text": text, "lexicon": lexicon,
                                                  "min_confidence": 0.9})
    from unspin import Config

    expected = restore(text, model=FAKE, config=Config(min_confidence=0.9),
                       lexicon=parse_lexicon(lexicon, "lexicon"))
    assert response.json() == expected.to_dict()
    assert "think tank" in response.json()["text"]
    strict = client.post("/api/restore", json={"text": SPUN, "min_confidence": 1.0}).json()
    loose = client.post("/api/restore", json={"text": SPUN, "min_confidence": 0.0}).json()
    assert all(e["confidence"] >= 1.0 for e in strict["edits"])
    assert len(strict["edits"]) < len(loose["edits"])


def test_detect_with_lexicon_and_min_confidence(client):
    text = "We used profound learning, volition."
    body = {"text": text, "lexicon": "profound learning,deep learning", "mode": "fast",
            "min_confidence": 0.99}
    data = client.post("/api/detect", json=body).json()
    assert {"text": "profound learning", "start": 8, "end": 25} in [
        {k: s[k] for k in ("text", "start", "end")} for s in data["spans"]]
    assert all(s["score"] >= 0.99 for s in data["spans"])
    full = client.post("/api/detect", json={"text": text, "lexicon": body["lexicon"]}).json()
    expected = detect(text, model=FAKE, lexicon=parse_lexicon(body["lexicon"], "lexicon"))
    assert full == {**expected.to_dict(), "text": text}


@pytest.mark.parametrize("name, data, kind", [
    ("article.html", b"<!doctype html><html><body><p>" + SPUN.encode() + b"</p></body></html>",
     "text/html"),
    ("article.txt", SPUN.encode(), "text/plain"),
    ("paper.pdf", make_pdf([[SPUN]]), "application/pdf"),
    ("no-type", SPUN.encode(), "application/octet-stream"),
])
def test_uploads_on_both_endpoints(client, name, data, kind):
    text = extract_text(data, filename=name, content_type=kind).text
    files = {"file": (name, data, kind)}
    restored = client.post("/api/restore", files=files)
    assert restored.status_code == 200, restored.text
    assert restored.json() == restore(text, model=FAKE).to_dict()
    detected = client.post("/api/detect", files=files, data={"mode": "fast"})
    assert detected.status_code == 200, detected.text
    assert detected.json()["text"] == text
    assert detected.json()["probability"] == detect(text, mode="fast").to_dict()["probability"]


def test_text_field_in_a_form(client):
    response = client.post("/api/restore", data={"text": SPUN, "min_confidence": "0.5"},
                           files={"lexicon": ("lex.csv", b"volition,wish", "text/csv")})
    assert response.status_code == 200, response.text
    assert response.json()["text"].startswith("Xi wish hold")


def test_lexicon_health_page_and_docs(client):
    data = client.get("/api/lexicon/volition").json()
    assert data["word"] == "volition"
    assert {"word": "will", "relation": "synonym", "weight": 1.0, "pos": "n"} in data[
        "restores_from"]
    narrowed = client.get("/api/lexicon/bigotry").json()["narrowed_from"]
    assert {"word": "intolerance", "relation": "hyponym", "weight": 0.1, "pos": "n"} in narrowed
    moby = client.get("/api/lexicon/organizations").json()["moby_from"]
    assert {"word": "networks", "relation": "moby_synonym", "weight": 0.1, "pos": "n",
            "inflection": "NNS"} in moby
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["model"] == "fake"
    page = client.get("/")
    assert page.status_code == 200 and "<textarea" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/static/app.js").status_code == 200
    assert "access-control-allow-origin" not in client.options(
        "/api/restore", headers={"Origin": "http://evil.example",
                                 "Access-Control-Request-Method": "POST"}).headers
    spec = client.get("/openapi.json").json()
    for path in ("/api/restore", "/api/detect"):
        content = spec["paths"][path]["post"]["requestBody"]["content"]
        assert set(content) == {"application/json", "multipart/form-data",
                                "application/x-www-form-urlencoded"}
        assert "text" in content["application/json"]["schema"]["required"]


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize("body, headers, status, message", [
    (b'{"text": ', {"content-type": "application/json"}, 400, "not valid JSON"),
    (b"\xff\xfe\x00", {"content-type": "application/json"}, 400, "not valid JSON"),
    (b'[1, 2]', {"content-type": "application/json"}, 422, "object"),
    (b'{"text": 12}', {"content-type": "application/json"}, 422, "text"),
    (b'{"txt": "hello"}', {"content-type": "application/json"}, 422, "text"),
    (b'{"text": ""}', {"content-type": "application/json"}, 422, "text"),
    (b'{"text": " \\n\\t "}', {"content-type": "application/json"}, 422, "empty"),
    (b'{"text": "a", "min_confidence": 2}', {"content-type": "application/json"}, 422,
     "min_confidence"),
    (b'{"text": "a", "min_confidence": "x"}', {"content-type": "application/json"}, 422,
     "min_confidence"),
    (b'{"text": "a", "lexicon": "a,b,c\\nd,e,f"}', {"content-type": "application/json"}, 422,
     "lexicon:1"),
    (b'{"text": "a", "lexicon": ["a"]}', {"content-type": "application/json"}, 422, "lexicon"),
    (b"hello", {"content-type": "text/plain"}, 415, "JSON"),
    (b"hello", {}, 415, "JSON"),
    (b"--x\r\nbroken", {"content-type": "multipart/form-data"}, 400, "boundary"),
])
@pytest.mark.parametrize("path", ["/api/restore", "/api/detect"])
def test_bad_bodies(client, path, body, headers, status, message):
    assert message in error_of(client.post(path, content=body, headers=headers), status)


def test_detect_only_fields(client):
    assert "mode" in error_of(client.post("/api/detect", json={"text": "a", "mode": "slow"}),
                              422)
    assert "threshold" in error_of(client.post("/api/detect",
                                               json={"text": "a", "threshold": -1}), 422)
    assert "mode" in error_of(client.post("/api/restore", json={"text": "a", "mode": "fast"}),
                              422)


@pytest.mark.parametrize("files, data, status, message", [
    ({"file": ("blob.bin", b"\x00\x01\x02binary", "application/octet-stream")}, None, 415,
     "not supported"),
    ({"file": ("blob.txt", b"\x00\x01\x02binary", "text/plain")}, None, 422, "binary"),
    ({"file": ("latin.txt", "café volition".encode("latin-1"), "text/plain")}, None, 422,
     "not UTF-8"),
    ({"file": ("photo.png", b"\x89PNG\r\n\x1a\n....", "image/png")}, None, 415,
     "not supported"),
    ({"file": ("paper.docx", b"PK\x03\x04...", "application/octet-stream")}, None, 415,
     "not supported"),
    ({"file": ("broken.pdf", b"%PDF-1.4 garbage", "application/pdf")}, None, 422, "PDF"),
    ({"file": ("empty.txt", b"", "text/plain")}, None, 422, "empty"),
    ({"file": ("a.txt", b"x" * 5001, "text/plain")}, None, 413, "limit"),
    ({"file": ("a.txt", b"hello", "text/plain")}, {"text": "hello"}, 422, "not both"),
    ({"lexicon": ("l.csv", b"a,b", "text/csv")}, None, 422, "text"),
    ({"other": ("a.txt", b"hello", "text/plain")}, None, 422, "other"),
    (None, {"text": "hello", "min_confidence": "lots"}, 422, "min_confidence"),
    (None, {"text": "hello", "colour": "red"}, 422, "colour"),
])
def test_bad_uploads(client, files, data, status, message):
    for path in ("/api/restore", "/api/detect"):
        response = client.post(path, files=files, data=data)
        assert message in error_of(response, status), path


def test_text_over_the_limit_is_413(client):
    assert "limit" in error_of(client.post("/api/restore", json={"text": "a" * 5001}), 413)
    assert client.post("/api/restore", json={"text": "Xi " + "a" * 4997}).status_code == 200
    # Characters count as UTF-8 bytes: 2,000 'é' are 4,000 bytes, 3,000 are 6,000.
    assert client.post("/api/detect", json={"text": "é" * 2000, "mode": "fast"}).status_code == 200
    error_of(client.post("/api/detect", json={"text": "é" * 3000, "mode": "fast"}), 413)
    error_of(client.post("/api/restore", json={"text": "a", "lexicon": "a,b\n" * 1300}), 413)


def asgi_call(app, headers, chunks):
    """Send one POST through the raw ASGI interface; the status and how many chunks were read."""
    read = []
    sent = []

    async def receive():
        if len(read) < len(chunks):
            read.append(chunks[len(read)])
            return {"type": "http.request", "body": read[-1],
                    "more_body": len(read) < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/restore", "raw_path": b"/api/restore",
             "query_string": b"", "headers": headers, "http_version": "1.1", "scheme": "http",
             "server": ("test", 80), "client": ("test", 1), "root_path": "", "asgi": {
                 "version": "3.0"}}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), len(read)


def test_size_checked_before_the_body_is_read():
    app = create_app(FAKE, max_bytes=1000)   # bodies up to 4 * 1000 + 65536 bytes are read
    json_type = (b"content-type", b"application/json")
    status, body, read = asgi_call(app, [json_type, (b"content-length", b"10000000")],
                                   [b"{" * 1000] * 10_000)
    assert (status, read) == (413, 0) and "limit" in body["error"]
    # No length declared (chunked): refused once the chunks pass the limit, not read to the end.
    status, body, read = asgi_call(app, [json_type], [b'{"text": "'] + [b"a" * 10_000] * 100)
    assert status == 413 and read < 10
    status, _, _ = asgi_call(app, [json_type], [b'{"text": "', b"Xi volition", b'"}'])
    assert status == 200


def test_unknown_paths_methods_and_words(client):
    error_of(client.get("/api/nothing"), 404)
    error_of(client.get("/api/restore"), 405)
    error_of(client.get("/api/lexicon/" + "a" * 101), 422)
    assert client.get("/api/lexicon/%E2%80%8Bzz%20top").status_code == 200
    error_of(client.get("/../../etc/passwd"), 404)
    error_of(client.get("/static/../server.py"), 404)


# ----------------------------------------------------------------- the model queue


class SlowModel(FakeModel):
    """The fake model, slowed down, counting calls and how many run at once."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay, self.calls, self.active, self.most = delay, 0, 0, 0
        self.guard = threading.Lock()

    def prefix_logprobs(self, text):
        with self.guard:
            self.calls += 1
            self.active += 1
            self.most = max(self.most, self.active)
        try:
            time.sleep(self.delay)
            return super().prefix_logprobs(text)
        finally:
            with self.guard:
                self.active -= 1


async def post_all(app, bodies, stagger=0.0):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test",
                                 timeout=60) as http:
        async def one(i, body):
            await asyncio.sleep(i * stagger)
            response = await http.post("/api/restore", json=body)
            return response, time.monotonic()
        return await asyncio.gather(*(one(i, b) for i, b in enumerate(bodies)))


def test_the_fast_tables_are_read_before_the_first_request():
    from unspin import casing, screen_table

    for cached in (screen_table.load_tail, screen_table.load_phrase_table,
                   screen_table.spin_ratio, screen_table.moby_spin_ratio,
                   screen_table.likely_original, casing._is_name_word):
        cached.cache_clear()
    with TestClient(create_app(FAKE)):
        assert screen_table.load_tail.cache_info().currsize == 1
        assert screen_table.load_phrase_table.cache_info().currsize == 1
        assert casing._is_name_word.cache_info().currsize > 0  # a headline was folded


def test_time_limit_answers_503_and_frees_the_model():
    # The service's start-up decodes a sentence first (ModelQueue.warm_up), so the
    # process's one-time loads (the lexicon, the shipped tables) are not in the
    # timed window; the app here starts without it.
    restore("The talks went well, volition.", model=FAKE)
    lm = SlowModel(0.1)
    app = create_app(lm, timeout_s=0.5)
    long_text = " ".join(f"Sentence {i} says volition." for i in range(40))
    began = time.monotonic()
    ((response, _),) = asyncio.run(post_all(app, [{"text": long_text}]))
    assert "time limit" in error_of(response, 503)
    assert time.monotonic() - began < 1.5
    time.sleep(0.3)  # the decoder notices at its next sentence
    calls = lm.calls
    time.sleep(0.5)
    assert lm.calls == calls < 40  # stopped: no more model calls after the 503
    ((short, _),) = asyncio.run(post_all(app, [{"text": "Xi volition hold talks."}]))
    assert short.status_code == 200 and short.json()["text"] == "Xi will hold talks."


def test_concurrent_requests_use_the_model_one_at_a_time_in_order():
    lm = SlowModel(0.02)
    app = create_app(lm, timeout_s=30)
    texts = [f"Talk {i} volition hold. Then {i} connected Friday." for i in range(12)]
    results = asyncio.run(post_all(app, [{"text": t} for t in texts], stagger=0.005))
    assert lm.most == 1
    for text, (response, _) in zip(texts, results):
        assert response.status_code == 200
        assert response.json() == restore(text, model=FAKE).to_dict()
    finished = [done for _, done in results]
    assert finished == sorted(finished)  # first come, first served


def test_busy_queue_answers_429_instead_of_timing_out():
    lm = SlowModel(0.05)  # a sentence with an edit is decoded twice (two passes)
    app = create_app(lm, timeout_s=2)
    long_text = " ".join(f"Sentence {i} says volition." for i in range(8))
    bodies = [{"text": long_text}] * 4
    results = asyncio.run(post_all(app, bodies, stagger=0.05))
    statuses = [r.status_code for r, _ in results]
    assert statuses[0] == 200 and 429 in statuses and 503 not in statuses
    busy = next(r for r, _ in results if r.status_code == 429)
    assert "busy" in busy.json()["error"] and int(busy.headers["retry-after"]) >= 1


def test_decoder_results_are_kept_per_text_and_settings():
    lm = SlowModel(0.0)
    with TestClient(create_app(lm)) as c:
        restored = c.post("/api/restore", json={"text": SPUN}).json()
        calls = lm.calls
        # The detector decodes with the settings its calibration was fitted with
        # (detect.detector_settings), not the restorer's: once more per text.
        data = c.post("/api/detect", json={"text": SPUN}).json()
        assert lm.calls > calls
        calls = lm.calls
        assert data == {**detect(SPUN, model=FAKE).to_dict(), "text": SPUN}
        assert c.post("/api/detect", json={"text": SPUN}).json() == data
        assert c.post("/api/restore", json={"text": SPUN}).json() == restored
        assert lm.calls == calls
        c.post("/api/detect", json={"text": SPUN + " Again."})
        assert lm.calls > calls
        calls = lm.calls
        c.post("/api/detect", json={"text": SPUN, "min_confidence": 0.9})
        assert lm.calls > calls


class ShortContext(FakeModel):
    """A fake model that, like llama.cpp, refuses texts longer than its context."""

    def prefix_logprobs(self, text):
        if len(self.tokenize(text)) > 1200:
            raise ValueError("text too long for the context")
        return super().prefix_logprobs(text)


def test_a_very_long_sentence_is_decoded_in_pieces():
    with TestClient(create_app(ShortContext())) as c:
        text = "the cat volition " * 200   # 3,400 characters, no sentence end
        response = c.post("/api/restore", json={"text": text})
        assert response.status_code == 200, response.text
        assert response.json()["text"].count("will") > 100


# ----------------------------------------------------------------- generated requests

schema = schemathesis.openapi.from_dict(create_app(FAKE, max_bytes=3000).openapi())
schema.app = create_app(FAKE, max_bytes=3000)


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_on_generated_requests(case):
    from schemathesis.checks import not_a_server_error

    case.call_and_validate(checks=[not_a_server_error])


# ----------------------------------------------------------------- the command


def test_is_loopback():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


def test_serve_warns_when_not_on_loopback(monkeypatch):
    from click.testing import CliRunner

    import unspin.server

    seen = {}
    monkeypatch.setattr(unspin.server, "serve", lambda host, port, workers, **kw: seen.update(
        host=host, port=port, workers=workers, **kw))
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "8123",
                                      "--timeout", "30"])
    assert result.exit_code == 0, result.output
    assert "http://0.0.0.0:8123" in result.output
    assert "warning" in result.output and "other machines" in result.output
    assert seen["host"] == "0.0.0.0" and seen["timeout_s"] == 30
    quiet = CliRunner().invoke(cli, ["serve"])
    assert "warning" not in quiet.output and "http://127.0.0.1:8000" in quiet.output


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unspin_serve_runs_the_real_service(tmp_path):
    port = free_port()
    lexicon = tmp_path / "lex.csv"
    lexicon.write_text("think factory,think tank\n")
    with open(tmp_path / "serve.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "unspin.cli", "serve", "--port",
                                 str(port), "--model", "smollm2", "--lexicon", str(lexicon)],
                                stdout=log, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    health = json.load(r)
                break
            except OSError:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.5)
        else:
            pytest.fail("unspin serve did not start")
        assert health["model"] == "smollm2"
        request = urllib.request.Request(
            base + "/api/restore", data=json.dumps({"text": "A think factory met."}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as r:
            assert json.load(r)["text"] == "A think tank met."
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    output = (tmp_path / "serve.log").read_text()
    assert f"http://127.0.0.1:{port}" in output and "Traceback" not in output
