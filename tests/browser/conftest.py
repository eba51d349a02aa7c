"""Real-browser tests (issue 13): Playwright driving the distribution's Chromium (/usr/bin/chromium, installed
by .ci/run from Debian's packages — no browser download) against the app served on 127.0.0.1.

The app runs in a thread of the test process with a file SQLite database (a browser needs a real server
and a database shared across threads), CSRF on as in production, and the registry clock stopped by the
``clock`` fixture (the patch is process-wide, so the server thread sees it). Screenshots of each step go
to ``BROWSER_ARTIFACTS`` (default ``<repo>/test-artifacts/browser``).

Outside CI the tests are skipped, with the reason, when Chromium or Playwright is absent; in CI (CI=true)
they fail instead, so a missing install step cannot hide.
"""
from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import request_started
from werkzeug.serving import make_server

from registry import create_app
from registry.extensions import db as _db
from registry.services.demo import load_demo
from tests.conftest import REPO, _fresh_g

CHROMIUM = os.environ.get("REGISTRY_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", REPO / "test-artifacts" / "browser"))
# As the machine's own notes advise: headless, no sandbox as root, no background traffic (closed network).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401  (optional: only the browser tests need it)
    except ImportError:
        return "the Playwright package is not installed (pip install -e '.[test]')"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def demo_app(tmp_path, seed=None):
    """The testing app on a file SQLite database with the demo district; ``seed()`` (called inside the
    app's context) adds more records."""
    database = tmp_path / "browser.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
                     UPLOAD_FOLDER=str(tmp_path / "uploads"), WTF_CSRF_ENABLED=True)
    request_started.connect(_fresh_g, app)
    with app.app_context():
        _db.create_all()
        load_demo(_db.session)
        _db.session.commit()
        if seed is not None:
            seed()
        _db.session.remove()
    return app


@contextmanager
def serving(app):
    """Serve ``app`` on a free loopback port in a thread: yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            _db.engine.dispose()


@pytest.fixture
def live_server(tmp_path):
    """The app on a free loopback port with the demo district: yields its base URL."""
    with serving(demo_app(tmp_path)) as url:
        yield url


class Desk:
    """One person at a browser: a fresh context (own cookies), downloads accepted, screenshots numbered."""

    def __init__(self, browser, base_url: str, name: str, shots: Path):
        self.context = browser.new_context(base_url=base_url, accept_downloads=True, locale="zh-CN",
                                           viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.name = name
        self.shots = shots
        self.count = 0

    def login(self, username: str, password: str = "linzi-demo-2026") -> None:
        page = self.page
        page.goto("/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        assert "/login" not in page.url, page.inner_text("body")[:500]

    def shot(self, step: str) -> Path:
        self.count += 1
        path = self.shots / f"{self.name}-{self.count:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def desk(browser, live_server, request):
    """``desk("clerk4")`` logs a person in in their own browser context and returns the Desk."""
    shots = ARTIFACTS / request.node.name
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True, exist_ok=True)
    opened: list[Desk] = []

    def _open(username: str) -> Desk:
        person = Desk(browser, live_server, username, shots)
        opened.append(person)
        person.login(username)
        return person

    yield _open
    for person in opened:
        person.close()
