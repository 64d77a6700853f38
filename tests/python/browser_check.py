"""Opens a page in headless Chromium and reports what a reader would see go
wrong: images that did not load or are not displayed, script exceptions and
console or browser-log errors.

Input: a local HTML file. Output: a PageCheck. No Python package is needed:
Chromium speaks the DevTools protocol over a pipe (--remote-debugging-pipe:
it reads NUL-terminated JSON commands on fd 3 and writes replies and events on
fd 4), so the standard library is enough.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe")

# Every <img>, with whether it loaded (complete, a decoded width) and is laid
# out with a visible size.
_IMAGES = """JSON.stringify(Array.from(document.images).map(img => {
  const box = img.getBoundingClientRect();
  const style = getComputedStyle(img);
  return {alt: img.alt, loaded: img.complete && img.naturalWidth > 0,
          shown: box.width > 0 && box.height > 0 && style.display !== 'none' && style.visibility !== 'hidden'};
}))"""


# Where each element with an id lies on the page, in CSS px from its top.
_ANCHORS = """JSON.stringify(Object.fromEntries(Array.from(document.querySelectorAll('[id]')).map(el => {
  const box = el.getBoundingClientRect();
  return [el.id, {top: box.top + window.scrollY, bottom: box.bottom + window.scrollY}];
})))"""

# The page's blocks (the body's children, and those inside collapsed
# <details>) that reach past the window's right edge, which makes the whole
# page scroll sideways: a wide table or image, named by its tag and text.
_WIDE = """JSON.stringify((() => {
  const limit = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('body > *, details > *')).filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > limit + 1;
  }).map(el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ` +
               `'${el.textContent.trim().slice(0, 40)}' ends at ${Math.round(el.getBoundingClientRect().right)} px`);
})())"""
VIEWPORT = (1366, 900)  # a laptop's screen: what a reader sees before scrolling


@dataclass
class PageCheck:
    images: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # exceptions, console errors, error log entries
    anchors: dict[str, dict] = field(default_factory=dict)  # id -> {"top", "bottom"} in px, at VIEWPORT
    too_wide: list[str] = field(default_factory=list)  # blocks past the window's right edge, at VIEWPORT

    @property
    def broken_images(self) -> list[dict]:
        return [i for i in self.images if not (i["loaded"] and i["shown"])]


class _Pipe:
    def __init__(self, to_chrome: int, from_chrome: int):
        self.to_chrome, self.from_chrome = to_chrome, from_chrome
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30.0):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self.receive(timeout)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def receive(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.from_chrome], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("no reply from Chromium")
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, method: str, session: str, timeout: float = 30.0) -> None:
        if any(e.get("method") == method and e.get("sessionId") == session for e in self.events):
            return
        deadline = time.monotonic() + timeout
        while True:
            event = self.receive(max(0.0, deadline - time.monotonic()))
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return


def _errors(events: list[dict]) -> list[str]:
    out = []
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.exceptionThrown":
            d = params.get("exceptionDetails", {})
            out.append("exception: " + (d.get("exception", {}).get("description") or d.get("text", "?")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            out.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            out.append(f"log ({params['entry'].get('source')}): {params['entry'].get('text')}")
    return out


def check_page(path: Path, timeout: float = 60.0, screenshot: Path | None = None) -> PageCheck:
    """Loads file://path in a VIEWPORT-sized window, waits for its load
    event, then inspects it; with `screenshot`, writes the first screen there
    as PNG."""
    profile = tempfile.mkdtemp(prefix="qb-chromium-")
    to_r, to_w = os.pipe()
    from_r, from_w = os.pipe()

    def on_fds_3_and_4():  # the child's fds 3 and 4 are the pipe's ends
        a, b = os.dup(to_r), os.dup(from_w)
        os.dup2(a, 3)
        os.dup2(b, 4)

    proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            preexec_fn=on_fds_3_and_4, close_fds=False, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(to_r)
    os.close(from_w)
    pipe = _Pipe(to_w, from_r)
    try:
        target = pipe.call("Target.createTarget", {"url": "about:blank"}, timeout=timeout)["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            pipe.call(f"{domain}.enable", session=session)
        width, height = VIEWPORT
        pipe.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        pipe.call("Page.navigate", {"url": Path(path).resolve().as_uri()}, session=session)
        pipe.wait_for("Page.loadEventFired", session, timeout)
        result = pipe.call("Runtime.evaluate", {"expression": _IMAGES, "returnByValue": True}, session=session)
        images = json.loads(result["result"]["value"])
        result = pipe.call("Runtime.evaluate", {"expression": _ANCHORS, "returnByValue": True}, session=session)
        anchors = json.loads(result["result"]["value"])
        result = pipe.call("Runtime.evaluate", {"expression": _WIDE, "returnByValue": True}, session=session)
        too_wide = json.loads(result["result"]["value"])
        if screenshot is not None:
            shot = pipe.call("Page.captureScreenshot", {"format": "png"}, session=session, timeout=timeout)
            Path(screenshot).write_bytes(base64.b64decode(shot["data"]))
        pipe.call("Runtime.evaluate", {"expression": "0"}, session=session)  # lets late events arrive first
        return PageCheck(images=images, errors=_errors(pipe.events), anchors=anchors, too_wide=too_wide)
    finally:
        try:
            pipe.call("Browser.close", timeout=5)
        except (OSError, RuntimeError, TimeoutError, EOFError):
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(to_w)
        os.close(from_r)
        shutil.rmtree(profile, ignore_errors=True)
