"""Open rendered reports in Debian's headless chromium and look at them.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe,
fd 3 in / fd 4 out, NUL-separated JSON), which needs nothing beyond the
standard library and catches what --dump-dom cannot: console errors, script
exceptions, alert dialogs and every network request the page makes.
Screenshots go to test-artifacts/report-browser/ (gitignored).
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from test_report_run import HOSTILE, make_run

from reports import render_all

CHROMIUM = shutil.which("chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "report-browser"
TIMEOUT_S = 60.0

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's `chromium` package is not installed (apt-get install -y chromium)"
)


class Browser:
    """One headless chromium with one page, spoken to over the DevTools pipe."""

    def __init__(self, profile: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire_pipes() -> None:
            """In the child, before exec: chromium reads fd 3 and writes fd 4.

            Both ends first move above fd 9 so that the dup2 onto 3 cannot
            clobber the other one. close_fds must stay off: it runs after this
            and would close 3 and 4 (and pass_fds needs them open in the
            parent). Python's own descriptors are not inheritable anyway.
            """
            reads = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD_CLOEXEC, 10)
            writes = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD_CLOEXEC, 10)
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        self._proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            close_fds=False, preexec_fn=wire_pipes, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)

    def call(self, method: str, params: dict | None = None, session: bool = False) -> dict[str, Any]:
        """Send one command and wait for its answer; events seen meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        answer = self.wait(lambda m: m.get("id") == message["id"])
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def wait(self, predicate, timeout: float = TIMEOUT_S) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if predicate(message):
                    return message
                self.events.append(message)
            ready, _, _ = select.select([self._from_chrome], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the DevTools pipe")
            self._buffer += chunk

    def open(self, url: str, width: int = 1280, height: int = 2400) -> None:
        """Load `url`; problems() then reports this page only."""
        self.events.clear()
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=True)
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait(lambda m: m.get("method") == "Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        return self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                         session=True)["result"].get("value")

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                         session=True)["data"]
        path.write_bytes(base64.b64decode(data))

    def problems(self) -> list[str]:
        """Console errors and warnings, exceptions, dialogs and non-file requests seen so far."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
                found.append(f"console {params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
                found.append(f"log {params['entry'].get('level')}: {params['entry'].get('text')}")
            elif method in ("Runtime.exceptionThrown", "Page.javascriptDialogOpening"):
                found.append(f"{method}: {params}")
            elif method == "Network.requestWillBeSent" and not params["request"]["url"].startswith("file://"):
                found.append(f"network request: {params['request']['url']}")
        return found

    def close(self) -> None:
        try:
            self.call("Browser.close")
            self._proc.wait(timeout=10)
        except (OSError, RuntimeError, TimeoutError, EOFError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()
        finally:
            os.close(self._to_chrome)
            os.close(self._from_chrome)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    """One chromium for the module: starting it is the slow part."""
    instance = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield instance
    instance.close()


@pytest.mark.parametrize("kind, word", [("pass", "PASS"), ("fail", "FAIL"), ("unknown", "UNKNOWN")])
def test_report_opens_cleanly_in_chromium(tmp_path: Path, browser: Browser, kind: str, word: str) -> None:
    html = render_all(make_run(tmp_path, kind))["html"]
    browser.open(html.as_uri())

    assert browser.evaluate("document.querySelector('#verdict .word').textContent") == word
    assert browser.evaluate("document.querySelector('#verdict').className") == f"banner {word}"
    # The chart is drawn: an inline SVG with real geometry that is laid out on the page.
    assert browser.evaluate("document.querySelectorAll('.chart svg path').length") > 50
    assert browser.evaluate("document.querySelector('.chart svg').getBoundingClientRect().height") > 300
    assert browser.evaluate("document.querySelectorAll('#faults tr').length") == 3  # header + 2 faults
    assert browser.evaluate("document.scripts.length") == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"report-{kind}.png"
    browser.screenshot(shot)
    assert shot.stat().st_size > 20_000
    assert browser.problems() == []


def test_hostile_ledger_runs_no_script_in_chromium(tmp_path: Path, browser: Browser) -> None:
    html = render_all(make_run(tmp_path, "hostile"))["html"]
    browser.open(html.as_uri())

    assert browser.evaluate("document.scripts.length") == 0
    assert browser.problems() == []  # no alert dialog, no exception, no fetch
    # The hostile text is on the page as text: in the scenario name, fault targets and log lines.
    text = browser.evaluate("document.body.innerText")
    assert text.count(HOSTILE) >= 4
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(ARTIFACTS / "report-hostile.png")
