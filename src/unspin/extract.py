"""Plain text out of what people actually have: text files, web pages and PDFs.

:func:`extract_text` decides what the bytes are (magic bytes, then the
declared content type, then the file name), and returns the text with its
kind. Offsets in the rest of unspin refer to this extracted text, not to the
original bytes.

>>> extract_text(b"<!doctype html><p>Profound learning works.</p>").kind
'html'
>>> extract_text("Hello\\N{EM DASH}there".encode(), filename="notes.txt")
Extracted(text='Hello—there', kind='text')
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import PurePath

from wordfreq import zipf_frequency

from unspin.errors import InputError

PDF_TYPES = {"application/pdf", "application/x-pdf"}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
PDF_SUFFIXES = {".pdf"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


@dataclass(frozen=True)
class Extracted:
    """The text of an input and what it was: ``kind`` is ``"text"``, ``"html"`` or ``"pdf"``."""

    text: str
    kind: str


def extract_text(data: bytes, filename: str | None = None,
                 content_type: str | None = None) -> Extracted:
    """The readable text in ``data``; :class:`InputError` if there is none to be had.

    >>> extract_text(b"\\xef\\xbb\\xbfcaf\\xc3\\xa9").text      # the UTF-8 BOM is dropped
    'café'
    >>> extract_text(b"\\x00\\x01\\x02", filename="blob.bin")
    Traceback (most recent call last):
    ...
    unspin.errors.InputError: blob.bin looks like a binary file; give text, HTML or PDF
    """
    name = filename or "input"
    kind = detect_kind(data, filename, content_type)
    charset = _charset(content_type)
    if kind == "pdf":
        return Extracted(_pdf_text(data, name), "pdf")
    if kind == "html":
        return Extracted(_html_text(data, name, charset), "html")
    return Extracted(_decode(data, name, charset), "text")


def detect_kind(data: bytes, filename: str | None = None, content_type: str | None = None) -> str:
    """``"pdf"``, ``"html"`` or ``"text"``.

    The ``%PDF-`` signature wins over everything, as servers and file names
    often mislabel PDFs and no text file starts that way; a declared type
    wins over the file name, as it describes these very bytes while a name
    may come from a URL; HTML's own signature is the last resort.

    >>> detect_kind(b"%PDF-1.7 ...", filename="paper.txt")
    'pdf'
    >>> detect_kind(b"<p>hi</p>", content_type="text/html; charset=utf-8")
    'html'
    >>> detect_kind(b"plain", filename="page.HTM")
    'html'
    """
    head = data[:1024].removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith(b"%pdf-"):
        return "pdf"
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in PDF_TYPES:
        return "pdf"
    if mime in HTML_TYPES:
        return "html"
    if mime.startswith("text/"):
        return "text"
    suffix = PurePath(filename).suffix.lower() if filename else ""
    if suffix in PDF_SUFFIXES:
        return "pdf"
    if suffix in HTML_SUFFIXES or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


# --------------------------------------------------------------------------- text


def _charset(content_type: str | None) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return m.group(1) if m else None


def _decode(data: bytes, name: str, charset: str | None = None) -> str:
    """Text from bytes: the declared charset, else UTF-8 (a BOM, UTF-16 too)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Windows editors save "Unicode" as UTF-16, whose NUL bytes are not binary.
        charset = "utf-16"
    elif b"\x00" in data:
        raise InputError(f"{name} looks like a binary file; give text, HTML or PDF")
    try:
        return data.decode(_codec(charset, name))
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not {charset or 'UTF-8'} text (bad byte at offset "
                         f"{exc.start}); convert it first, e.g. with iconv") from exc


def _codec(charset: str | None, name: str) -> str:
    if not charset:
        return "utf-8-sig"
    try:
        codec = codecs.lookup(charset).name
    except LookupError as exc:
        raise InputError(f"{name} declares an unknown charset {charset!r}") from exc
    # A declared UTF-8 may still start with a BOM, which is not text.
    return "utf-8-sig" if codec == "utf-8" else codec


# --------------------------------------------------------------------------- HTML

_META_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def _html_text(data: bytes, name: str, charset: str | None) -> str:
    if charset is None and (m := _META_CHARSET_RE.search(data[:4096])):
        # Older pages say their encoding only in a <meta> tag.
        charset = m.group(1).decode("ascii")
    html = _decode(data, name, charset)
    text = _main_text(html) or strip_tags(html)
    if not text:
        raise InputError(f"{name}: no text found in the HTML")
    return text


def _main_text(html: str) -> str:
    """The article text trafilatura finds, paragraphs apart by blank lines, or ``""``."""
    # Imported here: trafilatura pulls in lxml and dateparser, which plain
    # text and PDF inputs do not need to pay for.
    import trafilatura

    text = trafilatura.extract(html, include_comments=False) or ""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


_SKIPPED_TAGS = {"script", "style", "noscript", "template", "svg", "head",
                 "nav", "header", "footer", "aside", "form", "button", "select"}
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4",
               "h5", "h6", "tr", "table", "section", "article", "main", "blockquote", "pre",
               "figcaption", "hr"}


class _TagStripper(HTMLParser):
    """Collects the text outside skipped elements, breaking paragraphs at block tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def strip_tags(html: str) -> str:
    """The visible text of ``html`` without navigation, scripts or styles.

    The fallback for pages trafilatura finds no article in.

    >>> strip_tags("<nav>Home</nav><p>Bosom  <b>peril</b> &amp; more</p><p>Next</p>")
    'Bosom peril & more\\n\\nNext'
    """
    parser = _TagStripper()
    parser.feed(html)
    parser.close()
    paragraphs = "".join(parser.parts).split("\n\n")
    return "\n\n".join(p for p in (" ".join(p.split()) for p in paragraphs) if p)


# --------------------------------------------------------------------------- PDF


def _pdf_text(data: bytes, name: str) -> str:
    # Imported here so that text-only use never loads the PDF machinery.
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name} is an encrypted PDF; save an unencrypted copy first")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except DependencyError as exc:
        # AES-encrypted PDFs need the optional 'cryptography' package.
        raise InputError(f"{name} is an encrypted PDF that pypdf cannot open: {exc}") from exc
    except Exception as exc:  # pypdf raises many kinds on broken files
        raise InputError(f"{name} is not a readable PDF ({type(exc).__name__}: {exc})") from exc
    text = "\n\n".join(t for t in (tidy_pdf_text(p) for p in pages) if t)
    if not text:
        raise InputError(f"{name} is a PDF without a text layer (a scan?); run OCR on it first")
    return text


# Ligature characters (ﬁ, ﬂ, ...) come out of many PDFs and split words
# for a tokenizer; their compatibility forms are the plain letters.
_LIGATURES = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFB00, 0xFB07)}
_SENTENCE_END_RE = re.compile(r"[.!?:;][\"')\]’”]*$")
_HYPHENATED_RE = re.compile(r"([^\W\d_]+)[-\xad]$")
_WORD_START_RE = re.compile(r"[^\W\d_]+")
# A line shorter than this share of the longest line can end a paragraph.
_SHORT_LINE = 0.85


def tidy_pdf_text(text: str) -> str:
    """Undo a PDF's line layout: rejoin hyphenated words and lines within a paragraph.

    A line break becomes a paragraph break after a blank line, or after a
    line noticeably shorter than the longest one (paragraphs end early) that
    closes a sentence or is followed by a capital (a heading). Other breaks
    become spaces, or nothing after a word split by a hyphen.

    >>> print(tidy_pdf_text("Profound learn-\\ning is used by many people for all\\n"
    ...                     "kinds of self-\\nsupervised tasks.\\nNew paragraph."))
    Profound learning is used by many people for all kinds of self-supervised tasks.
    <BLANKLINE>
    New paragraph.
    """
    lines = [line.strip() for line in text.translate(_LIGATURES).splitlines()]
    width = max(map(len, lines), default=0)
    out = lines[0] if lines else ""
    for before, after in pairwise(lines):
        joint = _joint(before, after, width)
        if joint == "unhyphenate":
            out = out[:-1] + after
        else:
            out += joint + after
    out = out.replace("\xad", "")  # soft hyphens left inside lines are invisible
    return re.sub(r"\s*\n\n\s*", "\n\n", out).strip()


def _joint(before: str, after: str, width: int) -> str:
    """What goes between two PDF lines: ``"\\n\\n"``, ``" "``, ``""`` or ``"unhyphenate"``."""
    if not before or not after:
        return "\n\n"
    hyphenated = _HYPHENATED_RE.search(before)
    if hyphenated and after[0].islower():
        right = _WORD_START_RE.match(after)
        split = before.endswith("\xad") or _is_split_word(hyphenated[1], right[0] if right else "")
        return "unhyphenate" if split else ""
    if len(before) < _SHORT_LINE * width and (_SENTENCE_END_RE.search(before)
                                              or after[0].isupper()):
        return "\n\n"
    return " "


def _is_split_word(left: str, right: str) -> bool:
    """Whether ``left-`` + ``right`` is one word broken at a line end, not a compound.

    >>> _is_split_word("learn", "ing"), _is_split_word("self", "supervised")
    (True, False)
    """
    if zipf_frequency(left + right, "en") > 0:
        return True
    # Two known words that are not known joined: a compound such as
    # "self-supervised" that happened to break at its own hyphen.
    return not (zipf_frequency(left, "en") > 0 and zipf_frequency(right, "en") > 0)
