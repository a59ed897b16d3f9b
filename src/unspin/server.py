"""The HTTP service behind ``unspin serve``: a JSON API and a web page.

:func:`create_app` builds the FastAPI application; :func:`serve` runs it under
uvicorn. Endpoints (the generated OpenAPI document is at ``/openapi.json`` and
``/docs``):

* ``POST /api/restore``: ``{"text", "min_confidence"?, "lexicon"?}`` as JSON, or
  a ``multipart/form-data`` upload (``file`` holding text, HTML or PDF, or a
  ``text`` field); answers what ``unspin restore --json`` prints.
* ``POST /api/detect``: the same, plus ``mode`` and ``threshold``; answers what
  ``unspin detect --json`` prints, extracted text included.
* ``GET /api/lexicon/{word}``: what ``unspin lexicon WORD --json`` prints.
* ``GET /healthz``; ``GET /`` is the page (``src/unspin/web/``).

Every mistake in a request gets a 4xx answer ``{"error": "..."}``. The model
runs one request at a time per process, in arrival order, on its own thread;
a request that is still waiting or running when its time limit runs out gets
503, and the decoder stops at its next sentence. When the work already queued
would not finish well within the time limit, new work is turned away at once
with 429 and a ``Retry-After`` header instead of being left to time out.

>>> from fastapi.testclient import TestClient
>>> from unspin.lm.fake import FakeModel
>>> client = TestClient(create_app(FakeModel()))
>>> client.post("/api/restore", json={"text": "Xi volition hold talks."}).json()["text"]
'Xi will hold talks.'
>>> client.post("/api/restore", json={"text": "  "}).json()
{'error': 'text is empty'}
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import math
import os
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path, PurePath
from typing import Literal

from fastapi import FastAPI, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from . import __version__
from .decode import Config, restore, settings_for, with_lexicon
from .detect import detect, detector_settings
from .errors import InputError, StoppedError
from .text import Restoration, words

log = logging.getLogger("unspin.server")

WEB_DIR = Path(__file__).parent / "web"
DEFAULT_MAX_BYTES = 1_000_000
# A request's whole life (reading a file, waiting for the model, decoding), in
# seconds. Gemma 3 restores about 6-8 words a second on 2 cores (BENCHMARKS.md,
# Speed), so a restoration of about 300-400 words fits; a longer text answers 503
# and points to `unspin restore`, which has no limit.
DEFAULT_TIMEOUT_S = 60.0
# New model work is refused (429) when the words queued with it, at the measured
# speed, would take more than this share of the time limit: the rest is headroom
# for texts slower than the average, so admitted work finishes in time.
QUEUE_SHARE = 0.5
# Words a second assumed until runs have been timed, and how many recent runs
# the measured speed comes from. A prior above the speed under load let the
# first burst of requests in and time out (benchmarks/load.py), so it is set
# below the idle speed (about 6-8 words a second, more for the full detection
# mode's lighter settings).
PRIOR_WORDS_PER_S = 5.0
RECENT_RUNS = 32
# Decoder results kept for reuse (the page asks for a restoration, then a
# detection of the same text).
CACHE_ENTRIES = 32
CACHE_CHARS = 4_000_000

UPLOAD_TYPES = {"application/pdf", "application/x-pdf", "text/html", "application/xhtml+xml"}
GENERIC_TYPES = {"", "application/octet-stream"}
UPLOAD_SUFFIXES = {"", ".txt", ".text", ".md", ".markdown", ".rst", ".html", ".htm", ".xhtml",
                   ".pdf"}
# The page's own files may load nothing from elsewhere.
PAGE_POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
               "frame-ancestors 'none'; form-action 'none'")


# --------------------------------------------------------------------------- requests


class RestoreRequest(BaseModel):
    """Text to restore, as JSON."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "Xi volition hold talks successful Moscow, arsenic helium said."}]})

    text: str = Field(min_length=1, description="The text, at most the server's size limit "
                      "(1 MB by default) in UTF-8.")
    min_confidence: float | None = Field(None, ge=0, le=1, description="Apply only edits at or "
                                         "above this confidence (default 0.5).")
    lexicon: str | None = Field(None, description="A user lexicon as text: `tortured,original` "
                                "CSV lines or a Problematic Paper Screener export.")


class DetectRequest(RestoreRequest):
    """Text to judge, as JSON."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "Xi volition hold talks successful Moscow.", "mode": "fast"}]})

    mode: Literal["full", "fast"] = Field("full", description="`full` runs the decoder; "
                                          "`fast` uses the lexicon and word frequencies only.")
    threshold: float | None = Field(None, ge=0, le=1, description="Probability at or above "
                                    "which the text is called spun (default: the mode's).")
    min_confidence: float | None = Field(None, ge=0, le=1, description="List only spans with "
                                         "at least this score (full mode default 0.5).")


def _form_schema(model: type[BaseModel], upload: bool) -> dict:
    """``model`` as form fields; an upload has ``file``, or ``text`` for want of one."""
    properties = dict(model.model_json_schema()["properties"])
    if not upload:
        return {"type": "object", "properties": properties, "required": ["text"]}
    properties["text"] = {"type": "string", "description": "The text, if no file is sent."}
    properties = {"file": {"type": "string", "format": "binary",
                           "description": "A text, HTML or PDF file."}, **properties}
    return {"type": "object", "properties": properties,
            "description": "Send `file` or `text`, not both."}


def _body_doc(model: type[BaseModel]) -> dict:
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": model.model_json_schema()},
        "multipart/form-data": {"schema": _form_schema(model, upload=True)},
        "application/x-www-form-urlencoded": {"schema": _form_schema(model, upload=False)}}}}


class AlternativeOut(BaseModel):
    word: str
    confidence: float


class EditOut(BaseModel):
    start: int
    end: int
    spun: str
    original: str
    confidence: float
    alternatives: list[AlternativeOut]
    reason: str


class RestorationOut(BaseModel):
    """``Restoration.to_dict()``: offsets index the (extracted) input text."""

    text: str
    spun_score: float
    edits: list[EditOut]


class SpanOut(BaseModel):
    start: int
    end: int
    text: str
    likely_original: str | None
    score: float


class DetectionOut(BaseModel):
    """``Detection.to_dict()`` plus ``text``, the (extracted) text the offsets index."""

    probability: float
    is_spun: bool
    spun_fraction: float
    mode: str
    score: float | None = None
    spans: list[SpanOut]
    text: str


class LinkOut(BaseModel):
    word: str
    relation: str
    weight: float
    pos: str
    inflection: str | None = None


class LexiconOut(BaseModel):
    word: str
    spins_to: list[LinkOut]
    restores_from: list[LinkOut]
    narrowed_from: list[LinkOut]
    moby_from: list[LinkOut]


class ErrorOut(BaseModel):
    error: str


def _errors(*codes: int) -> dict:
    return {code: {"model": ErrorOut} for code in codes}


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """A request the API answers with ``status`` and ``{"error": message}``."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _validation_message(errors: list) -> tuple[int, str]:
    """Status and one-line message for pydantic errors; bad JSON is 400, the rest 422."""
    for err in errors:
        if err.get("type") == "json_invalid":
            return 400, f"request body is not valid JSON: {err.get('msg', '')}"
    parts = []
    for err in errors[:5]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return 422, "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(*_validation_message(list(exc.errors())))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return _error(500, "internal error in unspin; please report it")


# --------------------------------------------------------------------------- middleware


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, before reading them.

    A declared Content-Length is checked first; a body sent in chunks is
    counted as it arrives and refused as soon as it passes the limit.
    """

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                return await self._answer(send, 400, "Content-Length is not a number")
            if int(declared) > self.limit:
                return await self._answer(send, 413, self._message())
        received, too_large, started = 0, False, False

        async def counted_receive():
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    too_large = True
                    raise _TooLarge()
            return message

        async def guarded_send(message):
            nonlocal started
            if too_large:  # whatever the app made of the cut-off body, the answer is 413
                return
            started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except _TooLarge:
            pass
        if too_large and not started:
            await self._answer(send, 413, self._message())

    def _message(self) -> str:
        return f"request body is over the limit of {self.limit:,} bytes"

    @staticmethod
    async def _answer(send, status: int, message: str) -> None:
        body = json.dumps({"error": message}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """``nosniff`` on every answer, and a strict content policy on the page's own files."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        page = scope["path"] == "/" or scope["path"].startswith("/static/")

        async def add_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer")]
                if page:
                    headers.append((b"content-security-policy", PAGE_POLICY.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, add_headers)


# --------------------------------------------------------------------------- the model


class ModelQueue:
    """Decoder runs for one process: one at a time, first come first served, on one thread.

    llama.cpp contexts are not thread-safe, so a single worker thread owns the
    model; its queue is FIFO, so a short text waits at most for the texts sent
    before it, never for later ones. ``words_per_s`` is learned from finished
    runs and used to turn work away (429) when the queue is already too long.
    """

    def __init__(self, model, timeout_s: float):
        self.model = model
        self.timeout_s = timeout_s
        self.words_per_s = PRIOR_WORDS_PER_S
        self._recent: deque[tuple[int, float]] = deque(maxlen=RECENT_RUNS)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="unspin-model")
        self._lock = threading.Lock()
        self._queued_words = 0
        self._queued_jobs = 0
        self._stops: set[threading.Event] = set()

    @property
    def queued_words(self) -> int:
        return self._queued_words

    def wait_estimate(self, n_words: int) -> float | None:
        """Seconds to wait before retrying, when ``n_words`` more would overload the queue."""
        with self._lock:
            if self._queued_jobs == 0:
                return None  # an idle model takes anything; the time limit still applies
            expected = (self._queued_words + n_words) / self.words_per_s
        budget = QUEUE_SHARE * self.timeout_s
        return None if expected <= budget else expected - budget

    async def restore(self, text: str, config: Config, deadline: float) -> Restoration:
        """Run the decoder on ``text``; StoppedError if ``deadline`` (monotonic) passes first."""
        n_words = len(words(text))
        wait = self.wait_estimate(n_words)
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            raise ApiError(429, f"the server is busy (about {self._queued_words:,} words queued);"
                           f" try again in {seconds} s", {"Retry-After": str(seconds)})
        stop = threading.Event()

        def should_stop() -> bool:
            return stop.is_set() or time.monotonic() > deadline

        def job() -> Restoration:
            if should_stop():
                raise StoppedError("stopped before it started")
            began = time.monotonic()
            try:
                result = restore(text, model=self.model, config=config, should_stop=should_stop)
            except StoppedError:
                # How far it got is unknown; counting none keeps the estimate cautious.
                self._learn(0, time.monotonic() - began)
                raise
            self._learn(n_words, time.monotonic() - began)
            return result

        with self._lock:
            self._queued_words += n_words
            self._queued_jobs += 1
            self._stops.add(stop)
        future = self._executor.submit(job)
        future.add_done_callback(lambda _: self._release(n_words, stop))
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future),
                                          max(0.0, deadline - time.monotonic()))
        except (TimeoutError, asyncio.CancelledError):
            stop.set()  # a running decoder stops at its next sentence
            raise

    async def warm_up(self) -> None:
        """Decode one short sentence, so that llama.cpp's first-call setup (seconds on a
        CPU) happens before the first request rather than during it."""
        future = self._executor.submit(restore, "The talks went well, volition.", model=self.model)
        await asyncio.wrap_future(future)

    def _learn(self, n_words: int, seconds: float) -> None:
        """Words over seconds of the recent runs together: the rate the queue drains at.

        (An average of each run's own rate would overrate it: short texts run
        faster per word than long ones, which hold the model longest.)
        """
        if seconds > 0:
            self._recent.append((n_words, seconds))
            total = sum(s for _, s in self._recent)
            self.words_per_s = max(0.5, sum(w for w, _ in self._recent) / total)

    def _release(self, n_words: int, stop: threading.Event) -> None:
        with self._lock:
            self._queued_words -= n_words
            self._queued_jobs -= 1
            self._stops.discard(stop)

    def close(self) -> None:
        """Stop running work and drop queued work."""
        with self._lock:
            for stop in self._stops:
                stop.set()
        self._executor.shutdown(wait=False, cancel_futures=True)


class _Cache:
    """The last few decoder results, keyed by text and settings, bounded in characters."""

    def __init__(self):
        self._items: OrderedDict[tuple, Restoration] = OrderedDict()

    def get(self, key: tuple) -> Restoration | None:
        if key in self._items:
            self._items.move_to_end(key)
        return self._items.get(key)

    def put(self, key: tuple, value: Restoration) -> None:
        self._items[key] = value
        while (len(self._items) > CACHE_ENTRIES
               or sum(len(k[0]) for k in self._items) > CACHE_CHARS):
            self._items.popitem(last=False)


# --------------------------------------------------------------------------- the app


def create_app(model: object = None, *, max_bytes: int = DEFAULT_MAX_BYTES,
               timeout_s: float = DEFAULT_TIMEOUT_S, lexicon: list | None = None,
               n_threads: int | None = None) -> FastAPI:
    """The unspin web application.

    ``model`` is a loaded language model (tests pass a ``FakeModel``), a model
    name, or None for the default; names are loaded once, when the app starts.
    ``max_bytes`` limits a text (UTF-8) or uploaded file; request bodies over
    four times that (room for JSON escapes and a lexicon) are refused unread.
    ``timeout_s`` limits each request. ``lexicon`` holds user entries
    (``unspin.userlex``) applied to every request, before the request's own.

    >>> app = create_app(max_bytes=1000)
    >>> sorted(r.path for r in app.routes if r.path.startswith("/api"))
    ['/api/detect', '/api/lexicon/{word}', '/api/restore']
    """
    server_lexicon = list(lexicon or [])
    state: dict = {"queue": None, "cache": _Cache()}
    if model is not None and not isinstance(model, str):
        state["queue"] = ModelQueue(model, timeout_s)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from .lexicon import load_store

        await asyncio.to_thread(load_store)  # the lexicon, read once before the first request
        # The fast mode's tables (the tail too: "geezerhood" is in it) and what a
        # headline's folding reads (``casing``), so that the first fast request
        # does not wait for them.
        await asyncio.to_thread(detect, "A Geezerhood of Trouble\nA geezerhood of trouble.",
                                mode="fast")
        if state["queue"] is None:
            lm = model
            if model is None or isinstance(model, str):
                from .lm.registry import DEFAULT_MODEL, load_model

                lm = await asyncio.to_thread(load_model, model or DEFAULT_MODEL,
                                             n_threads=n_threads)
            state["queue"] = ModelQueue(lm, timeout_s)
        await state["queue"].warm_up()
        try:
            yield
        finally:
            state["queue"].close()
            state["queue"] = None

    app = FastAPI(title="unspin", version=__version__, lifespan=lifespan,
                  description="Detect text made by article spinners and restore its original "
                              "wording. Every error answers `{\"error\": message}`.")
    app.add_middleware(BodyLimit, limit=body_limit(max_bytes))
    app.add_middleware(SecurityHeaders)
    _install_error_handlers(app)

    def queue() -> ModelQueue:
        if state["queue"] is None:
            raise ApiError(503, "the language model is not loaded yet; try again shortly")
        return state["queue"]

    async def read(request: Request, schema: type[RestoreRequest], deadline: float):
        """The validated request and its text (extracted from an upload if there is one)."""
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if kind == "application/json" or kind.endswith("+json"):
                fields = schema.model_validate_json(await request.body())
                text = fields.text
            elif kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
                fields, text = await _read_form(request, schema, max_bytes, deadline)
            else:
                raise ApiError(415, "send JSON (Content-Type: application/json), a file "
                                    "upload (multipart/form-data) or a form")
        except ValidationError as exc:
            raise ApiError(*_validation_message(exc.errors(include_url=False))) from None
        except ClientDisconnect:
            raise ApiError(400, "the client went away before the body arrived") from None
        return fields, _checked_text(text, max_bytes)

    def entries(fields: RestoreRequest) -> list:
        if fields.lexicon is None:
            return server_lexicon
        if len(fields.lexicon.encode("utf-8", "surrogatepass")) > max_bytes:
            raise ApiError(413, f"lexicon is over the limit of {max_bytes:,} bytes")
        from .userlex import parse_lexicon

        try:
            return server_lexicon + parse_lexicon(fields.lexicon, "lexicon")
        except InputError as exc:
            raise ApiError(422, str(exc)) from None

    async def decoded(text: str, config: Config | None, min_confidence: float | None,
                      deadline: float) -> Restoration:
        """The restoration of ``text`` with ``config`` (None: the model's own settings)."""
        if config is None:
            config = settings_for(getattr(queue().model, "name", None))
        if min_confidence is not None:
            config = config.with_min_confidence(min_confidence)
        key = (text, config)
        found = state["cache"].get(key)
        if found is None:
            try:
                found = await queue().restore(text, config, deadline)
            except (TimeoutError, StoppedError):
                raise _timed_out(timeout_s) from None
            state["cache"].put(key, found)
        return found

    @app.post("/api/restore", response_model=None, openapi_extra=_body_doc(RestoreRequest),
              responses={200: {"model": RestorationOut}, **_errors(400, 413, 415, 422, 429, 503)})
    async def restore_text(request: Request) -> JSONResponse:
        """Restore the original wording of spun text (JSON) or of an uploaded file.

        The answer is what `unspin restore --json` prints: the restored text and
        every edit, with offsets into the (extracted) input text.
        """
        deadline = time.monotonic() + timeout_s
        fields, text = await read(request, RestoreRequest, deadline)
        lexicon = entries(fields)
        result = await decoded(text, None, fields.min_confidence, deadline)
        if lexicon:
            result = await asyncio.to_thread(with_lexicon, text, result, lexicon)
        return JSONResponse(result.to_dict())

    @app.post("/api/detect", response_model=None, openapi_extra=_body_doc(DetectRequest),
              responses={200: {"model": DetectionOut}, **_errors(400, 413, 415, 422, 429, 503)})
    async def detect_text(request: Request) -> JSONResponse:
        """Say how likely a text (JSON) or an uploaded file was spun, and where.

        The answer is what `unspin detect --json` prints, the extracted text included.
        """
        deadline = time.monotonic() + timeout_s
        fields, text = await read(request, DetectRequest, deadline)
        lexicon = entries(fields)
        if fields.mode == "full":
            restored = await decoded(text, detector_settings(queue().model),
                                     fields.min_confidence, deadline)
            # The served model picks the calibration that fits its decode.
            result = await asyncio.to_thread(detect, text, mode="full", lexicon=lexicon,
                                             threshold=fields.threshold, restoration=restored,
                                             model=queue().model)
        else:
            result = await _within(deadline, _timed_out(timeout_s), detect, text, mode="fast",
                                   threshold=fields.threshold, lexicon=lexicon)
            if fields.min_confidence is not None:
                result = replace(result, spans=[s for s in result.spans
                                                if s.score >= fields.min_confidence])
        return JSONResponse({**result.to_dict(), "text": text})

    @app.get("/api/lexicon/{word}", response_model=None,
             responses={200: {"model": LexiconOut}, **_errors(422)})
    async def lexicon_entry(word: str = PathParam(min_length=1, max_length=100)) -> JSONResponse:
        """What WORD may be spun into, and what it may have been spun from."""
        from .lexicon import entry

        return JSONResponse(await asyncio.to_thread(entry, word))

    @app.get("/healthz", responses={503: {"description": "The model is not loaded yet."}})
    async def healthz() -> JSONResponse:
        """Whether the service is ready, which model it runs and how much work is queued."""
        current = state["queue"]
        if current is None:
            return JSONResponse({"status": "loading", "version": __version__}, status_code=503)
        return JSONResponse({"status": "ok", "version": __version__,
                             "model": getattr(current.model, "name", None),
                             "queued_words": current.queued_words})

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    return app


def body_limit(max_bytes: int) -> int:
    """Largest request body read: four times the text limit, room for JSON escapes and a lexicon.

    >>> body_limit(1_000_000)
    4065536
    """
    return 4 * max_bytes + 65536


def _timed_out(timeout_s: float) -> ApiError:
    return ApiError(503, f"this text took longer than the {timeout_s:g} s time limit; send a "
                         "shorter part, or run `unspin restore` on the whole file")


async def _within(deadline: float, late: ApiError, function, *args, **kwargs):
    """Run ``function`` on a thread; raise ``late`` if the request's deadline passes first."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(function, *args, **kwargs),
                                      max(0.0, deadline - time.monotonic()))
    except TimeoutError:
        raise late from None


def _checked_text(text: str, max_bytes: int) -> str:
    """``text`` if it is usable: not empty, valid Unicode, within the size limit."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise ApiError(422, "text is not valid Unicode "
                            f"(a lone surrogate at {exc.start})") from None
    if size > max_bytes:
        raise ApiError(413, f"text is {size:,} bytes; the limit is {max_bytes:,}")
    if not text.strip():
        raise ApiError(422, "text is empty")
    return text


async def _read_form(request: Request, schema: type[RestoreRequest], max_bytes: int,
                     deadline: float) -> tuple[RestoreRequest, str]:
    """The fields of a multipart upload, and the text of its file (or of its text field)."""
    form = await request.form(max_files=2, max_fields=16, max_part_size=body_limit(max_bytes))
    try:
        return await _form_fields(form, schema, max_bytes, deadline)
    finally:
        await form.close()


async def _form_fields(form, schema: type[RestoreRequest], max_bytes: int,
                       deadline: float) -> tuple[RestoreRequest, str]:
    values: dict = {}
    upload: UploadFile | None = None
    for name, value in form.multi_items():
        if name in values or (name == "file" and upload is not None):
            raise ApiError(422, f"{name}: given more than once")
        if isinstance(value, UploadFile):
            if name == "file":
                upload = value
            elif name == "lexicon":
                values[name] = _decode_field(await value.read(max_bytes + 1), name)
            else:
                raise ApiError(422, f"{name}: a file is not expected here")
        else:
            values[name] = value
    if upload is not None and "text" in values:
        raise ApiError(422, "send a file or a text field, not both")
    if upload is None:
        if "text" not in values:
            raise ApiError(422, "text: send a file (field `file`) or a text field (`text`)")
        return schema.model_validate(values), values["text"]
    fields = schema.model_validate({**values, "text": "(file)"})
    data = await upload.read(max_bytes + 1)
    name = PurePath(upload.filename or "upload").name[:100] or "upload"
    if len(data) > max_bytes:
        raise ApiError(413, f"{name} is over the limit of {max_bytes:,} bytes")
    _check_upload_type(data, name, upload.content_type)
    from .extract import extract_text

    late = ApiError(503, f"reading {name} took longer than the time limit")
    try:
        extracted = await _within(deadline, late, extract_text, data, filename=name,
                                  content_type=upload.content_type)
    except InputError as exc:
        raise ApiError(422, str(exc)) from None
    return fields, extracted.text


def _decode_field(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(422, f"{name}: not UTF-8 text") from None


def _check_upload_type(data: bytes, name: str, content_type: str | None) -> None:
    """415 unless the upload says it is text, HTML or PDF (or says nothing and looks it)."""
    mime = (content_type or "").split(";")[0].strip().lower()
    if data.lstrip()[:5] == b"%PDF-":
        return
    if mime.startswith("text/") or mime in UPLOAD_TYPES:
        return
    if mime in GENERIC_TYPES and PurePath(name).suffix.lower() in UPLOAD_SUFFIXES:
        return
    raise ApiError(415, f"{name}: files of type {mime or PurePath(name).suffix} are not "
                        "supported; send text, HTML or PDF")


# --------------------------------------------------------------------------- running it


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the service on this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_from_env() -> FastAPI:
    """The app as ``unspin serve`` configures it through ``UNSPIN_*`` environment variables.

    uvicorn calls this in each worker process (``unspin.server:app_from_env``, factory).
    """
    from .userlex import load_lexicon

    env = os.environ
    paths = [p for p in env.get("UNSPIN_LEXICONS", "").split(os.pathsep) if p]
    threads = env.get("UNSPIN_THREADS")
    return create_app(env.get("UNSPIN_MODEL") or None,
                      max_bytes=int(env.get("UNSPIN_MAX_BYTES", DEFAULT_MAX_BYTES)),
                      timeout_s=float(env.get("UNSPIN_TIMEOUT", DEFAULT_TIMEOUT_S)),
                      lexicon=[e for p in paths for e in load_lexicon(p)],
                      n_threads=int(threads) if threads else None)


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, *,
          model: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
          timeout_s: float = DEFAULT_TIMEOUT_S, lexicons: tuple[str, ...] = ()) -> None:
    """Run the service under uvicorn until interrupted; each worker loads the model once.

    The CPUs are shared out between workers, as llama.cpp slows sharply when
    threads compete for a core.
    """
    import uvicorn

    from .lm.registry import default_threads

    os.environ.update({
        "UNSPIN_MODEL": model or "", "UNSPIN_MAX_BYTES": str(max_bytes),
        "UNSPIN_TIMEOUT": str(timeout_s),
        "UNSPIN_LEXICONS": os.pathsep.join(str(Path(p).resolve()) for p in lexicons),
        "UNSPIN_THREADS": str(max(1, default_threads() // max(1, workers)))})
    uvicorn.run("unspin.server:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="info")
