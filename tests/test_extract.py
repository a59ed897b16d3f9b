"""Text extraction from plain text, HTML pages and PDFs built here by hand."""

import io

import pytest

from unspin.errors import InputError
from unspin.extract import Extracted, detect_kind, extract_text, strip_tags, tidy_pdf_text

ARTICLE = ("Profound learning is used by many researchers to study counterfeit consciousness, "
           "and the results are often surprising to those who read them closely.")

PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Site name</title>
<style>body {{ color: red }}</style><script>var tracking = 1;</script></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li>
<li><a href="/subscribe">Subscribe now</a></li></ul></nav>
<article><h1>Notes on learning</h1>
<p>{ARTICLE}</p>
<p>A second paragraph talks about bosom peril &amp; kidney disappointment.</p>
</article>
<div class="sidebar"><h3>Related stories</h3><a href="/1">Ten tips for cats</a><br>
<a href="/2">Why dogs bark</a></div>
<footer>Copyright 2024 Example Corp. All rights reserved.</footer>
</body></html>"""


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF, one Helvetica text object per page, one line per string.

    An empty string is an empty line. Offsets in the xref table are computed,
    so pypdf reads it without having to repair anything.
    """
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        ops = ["BT /F1 12 Tf 14 TL 72 720 Td", *(f"({line}) Tj T*" for line in lines), "ET"]
        stream = "\n".join(ops)
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


# ----------------------------------------------------------------- kind


@pytest.mark.parametrize("data, filename, content_type, kind", [
    (b"%PDF-1.4 ...", None, None, "pdf"),
    (b"%PDF-1.4 ...", "paper.txt", "text/plain", "pdf"),      # the signature wins
    (b"anything", "paper.PDF", None, "pdf"),
    (b"anything", None, "application/pdf", "pdf"),
    (b"<p>hi</p>", None, "text/html; charset=utf-8", "html"),
    (b"<p>hi</p>", "page.htm", None, "html"),
    (b"\xef\xbb\xbf\n  <!DOCTYPE HTML><p>hi</p>", None, None, "html"),
    (b"<html><p>hi</p></html>", None, None, "html"),
    (b"<html><p>hi</p></html>", "page.html", "text/plain", "text"),  # declared type wins
    (b"<p>a fragment</p>", None, None, "text"),
    (b"just words", "notes.md", None, "text"),
])
def test_detect_kind(data, filename, content_type, kind):
    assert detect_kind(data, filename, content_type) == kind


# ----------------------------------------------------------------- plain text


def test_plain_utf8_with_and_without_bom():
    assert extract_text("naïve 😀 text".encode()) == Extracted("naïve 😀 text", "text")
    assert extract_text(b"\xef\xbb\xbfhello").text == "hello"


def test_utf16_with_bom_is_text_not_binary():
    assert extract_text("profound learning".encode("utf-16")).text == "profound learning"


def test_binary_blob_is_refused():
    blob = bytes(range(256)) * 4
    with pytest.raises(InputError, match="blob.bin looks like a binary file"):
        extract_text(blob, filename="blob.bin")


def test_latin1_is_refused_with_offset_unless_declared():
    data = "Profound learning, café".encode("latin-1")
    with pytest.raises(InputError, match=r"notes.txt is not UTF-8 text \(bad byte at offset 22\)"):
        extract_text(data, filename="notes.txt")
    declared = extract_text(data, content_type="text/plain; charset=ISO-8859-1")
    assert declared.text == "Profound learning, café"


def test_unknown_charset_is_an_input_error():
    with pytest.raises(InputError, match="unknown charset 'klingon'"):
        extract_text(b"abc", content_type="text/plain; charset=klingon")


# ----------------------------------------------------------------- HTML


def test_html_keeps_the_article_and_drops_boilerplate():
    result = extract_text(PAGE.encode(), filename="page.html")
    assert result.kind == "html"
    assert ARTICLE in result.text
    assert "bosom peril & kidney disappointment" in result.text
    for boilerplate in ("Home", "About us", "Subscribe", "Copyright", "tracking", "color",
                        "Related stories", "Ten tips"):
        assert boilerplate not in result.text
    assert "\n\n" in result.text           # paragraphs stay apart


def test_html_falls_back_to_tag_stripping(monkeypatch):
    import trafilatura

    monkeypatch.setattr(trafilatura, "extract", lambda *args, **kwargs: None)
    text = extract_text(PAGE.encode()).text
    assert text.startswith("Notes on learning\n\n" + ARTICLE)
    assert "Home" not in text and "Copyright" not in text and "tracking" not in text
    # Cruder than trafilatura: a sidebar that is a plain <div> stays in.
    assert "Related stories" in text


def test_html_meta_charset_is_honoured():
    page = '<html><head><meta charset="windows-1252"></head><body><p>Café — ok</p></body></html>'
    text = extract_text(page.encode("cp1252")).text
    assert "Café — ok" in text


def test_html_without_text_is_an_input_error():
    with pytest.raises(InputError, match="no text found"):
        extract_text(b"<html><head><title>T</title></head><body><script>x()</script></body></html>")


def test_strip_tags_breaks_paragraphs_at_blocks():
    assert strip_tags("<div>One<br>two</div><ul><li>three</li></ul>") == "One\n\ntwo\n\nthree"


# ----------------------------------------------------------------- PDF


def test_minimal_pdf():
    result = extract_text(make_pdf([["Profound learning is used."]]), filename="paper.pdf")
    assert result == Extracted("Profound learning is used.", "pdf")


def test_pdf_lines_hyphens_and_pages():
    data = make_pdf([
        ["Profound learning is used by many who study counterfeit",
         "consciousness in learn-",
         "ing machines and in self-",
         "supervised models of all sorts.",
         "A second paragraph."],
        ["Page two text."],
    ])
    assert extract_text(data).text == (
        "Profound learning is used by many who study counterfeit consciousness in learning "
        "machines and in self-supervised models of all sorts.\n\n"
        "A second paragraph.\n\nPage two text.")


def test_tidy_pdf_text_headings_ligatures_and_soft_hyphens():
    text = ("1 Introduction\nThe signiﬁcant results of profound learn\xad\n"
            "ing are shown here and in a great many other places too.")
    assert tidy_pdf_text(text) == (
        "1 Introduction\n\nThe significant results of profound learning are shown here "
        "and in a great many other places too.")


def test_pdf_without_text_layer():
    with pytest.raises(InputError, match="without a text layer"):
        extract_text(make_pdf([[]]), filename="scan.pdf")


def test_broken_pdf_is_an_input_error():
    for data in (b"%PDF-1.4\nthis is not really a pdf", make_pdf([["Cut"]])[:60]):
        with pytest.raises(InputError, match="broken.pdf is not a readable PDF"):
            extract_text(data, filename="broken.pdf")


def test_mislabelled_pdf_is_an_input_error():
    with pytest.raises(InputError, match="not a readable PDF"):
        extract_text(b"plain words", filename="paper.pdf")


def _encrypted_pdf(**passwords) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf([["Secret profound learning."]]))))
    writer.encrypt(algorithm="RC4-128", **passwords)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf_is_an_input_error():
    with pytest.raises(InputError, match="locked.pdf is an encrypted PDF"):
        extract_text(_encrypted_pdf(user_password="secret"), filename="locked.pdf")


def test_pdf_with_only_an_owner_password_opens():
    data = _encrypted_pdf(user_password="", owner_password="owner")
    assert extract_text(data).text == "Secret profound learning."


def test_pdf_needing_a_missing_crypto_package_is_an_input_error(monkeypatch):
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    def needs_cryptography(self, password):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(PdfReader, "decrypt", needs_cryptography)
    with pytest.raises(InputError, match="encrypted PDF that pypdf cannot open"):
        extract_text(_encrypted_pdf(user_password="secret"))
