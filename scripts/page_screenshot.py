"""Make docs/page.png: the page after restoring examples/article.spun.txt with the default model.

Run: .venv/bin/python scripts/page_screenshot.py [--out docs/page.png] [--model gemma3]

Serves the app on a free loopback port, drives Debian's chromium through
playwright (never a downloaded browser), pastes the example, presses Restore,
opens the edit given by --edit and saves a screenshot.
"""

from __future__ import annotations

import argparse
import re
import socket
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "page.png"))
    parser.add_argument("--model", default=None)
    parser.add_argument("--text", default=str(ROOT / "examples" / "article.spun.txt"))
    parser.add_argument("--edit", default="factory", help="open the edit of this spun word")
    args = parser.parse_args()

    import uvicorn
    from playwright.sync_api import expect, sync_playwright

    from unspin.server import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(args.model, timeout_s=600),
                                           host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.1)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1200, "height": 800},
                                    device_scale_factor=1)
            page.goto(f"http://127.0.0.1:{port}/")
            page.fill("#text", Path(args.text).read_text(encoding="utf-8"))
            page.click("#restore")
            expect(page.locator("#gauge-number")).to_have_text(re.compile(r"\d+ %"),
                                                               timeout=600_000)
            page.wait_for_timeout(1000)  # the gauge's animation
            labels = page.locator("#output .edit").evaluate_all(
                "els => els.map(e => e.getAttribute('aria-label'))")
            chosen = next((i for i, label in enumerate(labels) if args.edit in label), 0)
            page.click(f"#edit-{chosen}")
            page.locator("#popover").wait_for(state="visible", timeout=5000)
            page.eval_on_selector("#text", "e => { e.setSelectionRange(0, 0); e.scrollTop = 0; }")
            page.mouse.move(0, 0)
            page.screenshot(path=args.out, full_page=True)
            browser.close()
    finally:
        server.should_exit = True
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
