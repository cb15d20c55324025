"""Serve notebooks with Voila on localhost and drive Debian's Chromium with Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("TOOLKIT_CHROMIUM", "/usr/bin/chromium")
SHOTS = REPO / "test-output" / "browser"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium; skipped, saying why, only when it cannot be had at all."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} and could not be installed "
                    "(run `make browser` as root, or set TOOLKIT_CHROMIUM).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


class VoilaServer:
    """A Voila server for one notebook, on 127.0.0.1 with no token."""

    def __init__(self, notebook: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
        self.log = (SHOTS / f"voila-{Path(notebook).stem}.log")
        SHOTS.mkdir(parents=True, exist_ok=True)
        self._log_file = self.log.open("w")
        self.proc = subprocess.Popen(
            [voila, notebook, "--no-browser", f"--port={self.port}", "--Voila.ip=127.0.0.1",
             "--show_tracebacks=True",
             # As `make app`: the kernel's channels are local socket files, not TCP ports,
             # so kernels starting at the same moment (other tests, nbval) never take the
             # same port, which kills one of them before it runs anything.
             "--KernelManager.transport=ipc",
             # A page whose cell redraws an output widget while the page is still running
             # left the server waiting for that cell's reply until its per-cell timeout
             # (pages 02 and 05: one load in three, and one in two). The live views are
             # HTML widgets now (toolkit.widgets.base.as_html); every cell of a sample
             # page runs in a few seconds, so 40 s still bounds any such wait.
             "--VoilaExecutor.timeout=40"],
            cwd=REPO / "notebooks", stdout=self._log_file, stderr=subprocess.STDOUT,
            env={"TOOLKIT_SCHEMES": str(SHOTS.parent / "schemes"),  # never a lead's schemes
                 **{k: v for k, v in os.environ.items() if k != "MPLBACKEND"}},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                # Not the notebook's own URL: asking for it would start a kernel and run the
                # notebook once more, beside the page's own run.
                urllib.request.urlopen(self.url + "voila/static/ready-check", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answers (404 for that made-up file): it is up
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Voila did not start for {notebook}: see {self.log}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self._log_file.close()


@pytest.fixture
def voila() -> Iterator:
    servers: list[VoilaServer] = []

    def start(notebook: str) -> VoilaServer:
        server = VoilaServer(notebook)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def open_app(voila, page):
    """Serve a notebook with Voila and load it in the page, trying a fresh server once more.

    Now and then a kernel that Voila starts never begins running the notebook (seen on a
    loaded two-core machine: "Kernel started", then nothing for minutes). Two causes were
    found by running notebook 03 six at a time (see the server options above): a TCP port
    taken by another kernel between being picked and bound (the kernel dies at birth), and
    a reply the server's asynchronous ZMQ poll misses until its timer fires (a run then
    waits exactly its per-cell timeout). The second came from the toolkit's own live views:
    an output widget cleared and drawn again in the cell that made it. They are HTML
    widgets now, and 24 loads of pages 02 and 05 ran without a wait (12 of 23 waited
    before). The options above avoid the first and bound the second. A new server still
    loads at once, so one more attempt tells a rare stall apart from a notebook that really
    hangs, which still fails.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    def load(notebook: str, timeout_ms: int = 150_000) -> VoilaServer:
        for attempt in (1, 2):
            server = voila(notebook)
            try:
                page.goto(server.url, timeout=timeout_ms)
                return server
            except PlaywrightTimeout:
                server.stop()
                if attempt == 2:
                    raise
                page.console_errors.clear()
        raise AssertionError("unreachable")

    return load


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and uncaught page errors."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    # Voila's page template links Font Awesome from a CDN; this machine is offline, so answer
    # those two requests with an empty stylesheet rather than count the refusal as our error.
    context.route("https://cdn.jsdelivr.net/npm/@fortawesome/**",
                  lambda route: route.fulfill(status=200, content_type="text/css", body=""))
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error"
            else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-output/browser/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
