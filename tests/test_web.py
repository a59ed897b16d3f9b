"""The page at / driven in a real browser: Debian's chromium through playwright.

The app runs under uvicorn on a free loopback port with the fake model, which
restores the example sentence the same way on every run. Screenshots go to
each test's tmp_path.
"""

import re
import socket
import threading
import time
from pathlib import Path

import pytest

from unspin import detect, restore
from unspin.extract import extract_text
from unspin.lm.fake import FakeModel

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FAKE = FakeModel()
SPUN = ("Xi volition hold talks successful Moscow, arsenic helium said connected Friday.\n\n"
        "The cat sat on the mat 😀 and volition stay.")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium "
                                       "(scripts/setup.sh installs it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url():
    import uvicorn

    from unspin.server import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(FAKE), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # The browser logs every 4xx answer as a console error; those are expected in error tests.
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error"
            and not msg.text.startswith("Failed to load resource") else None)
    page.goto(base_url + "/")
    yield page
    context.close()
    assert problems == []


def restored_edits(page):
    from playwright.sync_api import expect

    expect(page.locator("#output .edit").first).to_be_visible()
    return page.locator("#output .edit")


def test_restore_shows_edits_alternatives_and_reject(page, tmp_path):
    from playwright.sync_api import expect

    expected = restore(SPUN, model=FAKE)
    page.fill("#text", SPUN)
    page.click("#restore")
    edits = restored_edits(page)
    assert edits.all_inner_texts() == [e.original for e in expected.edits]
    assert page.inner_text("#output") == expected.text
    probability = round(detect(SPUN, model=FAKE).probability * 100)
    expect(page.locator("#gauge-number")).to_have_text(f"{probability} %")
    assert page.get_attribute("#gauge", "aria-valuenow") == str(probability)

    first = expected.edits[0]
    page.click("#edit-0")
    popover = page.locator("#popover")
    expect(popover).to_be_visible()
    expect(page.locator("#pop-title")).to_have_text(f"“{first.spun}” → “{first.original}”")
    words = page.locator("#pop-alts .alt").evaluate_all("els => els.map(e => e.dataset.word)")
    assert words[0] == first.original
    assert set(words[1:]) == {w for w, _ in first.alternatives} - {first.original}
    shown = page.locator("#pop-alts .alt .pct").all_inner_texts()
    assert shown[0] == f"{round(first.confidence * 100)} %"
    page.screenshot(path=tmp_path / "popover.png", full_page=True)

    before = page.inner_text("#output")
    page.click("#pop-reject")
    expect(page.locator("#edit-0")).to_have_text(first.spun)
    after = page.inner_text("#output")
    assert after != before
    assert after == before[:first.start] + first.spun + before[first.start + len(first.original):]
    assert "rejected" in page.get_attribute("#edit-0", "class")

    with page.expect_download() as info:
        page.click("#download")
    assert Path(info.value.path()).read_text(encoding="utf-8") == after
    page.screenshot(path=tmp_path / "page.png", full_page=True)
    assert (tmp_path / "page.png").stat().st_size > 10_000


def test_keyboard_only(page):
    from playwright.sync_api import expect

    page.focus("#text")
    page.keyboard.insert_text(SPUN)
    page.keyboard.press("Control+Enter")
    restored_edits(page)
    page.focus("#edit-0")
    outline = page.eval_on_selector("#edit-0", "e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.locator("#popover")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "pop-reject"
    assert page.get_attribute("#edit-0", "aria-expanded") == "true"
    page.keyboard.press("Space")
    expect(page.locator("#edit-0")).to_have_text("volition")
    page.keyboard.press("Escape")
    expect(page.locator("#popover")).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "edit-0"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "edit-1"
    page.keyboard.press("Space")
    expect(page.locator("#popover")).to_be_visible()
    page.keyboard.press("Shift+Tab")  # from Reject back to the last reading in the list
    second = restore(SPUN, model=FAKE).edits[1]
    last = page.evaluate("document.activeElement.dataset.word")
    assert last == second.alternatives[-1][0]
    page.keyboard.press("Enter")
    expect(page.locator("#edit-1")).to_have_text(last)
    assert "alternative" in page.get_attribute("#edit-1", "class")
    assert page.get_attribute("#pop-alts .alt[aria-pressed=true]", "data-word") == last


def test_hover_shows_the_edit(page):
    from playwright.sync_api import expect

    page.fill("#text", SPUN)
    page.click("#restore")
    restored_edits(page)
    page.hover("#edit-2")
    expect(page.locator("#popover")).to_be_visible()
    expect(page.locator("#pop-meta")).to_contain_text("arsenic")
    page.mouse.move(5, 5)
    expect(page.locator("#popover")).to_be_hidden()


def test_file_upload_and_errors(page, tmp_path):
    from playwright.sync_api import expect

    page.click("#restore")
    expect(page.locator("#error")).to_contain_text("Paste some text")

    html = tmp_path / "article.html"
    html.write_text(f"<!doctype html><html><body><p>{SPUN}</p></body></html>")
    page.set_input_files("#file", str(html))
    expect(page.locator("#file-chip")).to_contain_text("article.html")
    page.click("#restore")
    edits = restored_edits(page)
    text = extract_text(html.read_bytes(), filename="article.html").text
    assert page.inner_text("#output") == restore(text, model=FAKE).text
    assert edits.count() == len(restore(text, model=FAKE).edits)
    expect(page.locator("#error")).to_be_hidden()

    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    page.set_input_files("#file", str(image))
    page.click("#restore")
    expect(page.locator("#error")).to_contain_text(re.compile("not supported"))
