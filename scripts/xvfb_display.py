"""A private X display (Debian's ``xvfb``) for the scripts that drive the real app.

``with virtual_display(1280, 720) as display:`` starts ``Xvfb`` on a free display number
(``-displayfd``: the server picks the number and says when it is ready, so two runs never
race for ``:99``), points ``DISPLAY`` at it and makes Qt use its X11 plugin (``xcb``), then
stops the server it started, and only that one. Without ``Xvfb`` on the machine the
context yields ``None`` and leaves Qt offscreen: the pages still render, but what you get
is Qt's own offscreen painting, not an X window (the caller records which one it was).
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def virtual_display(width: int, height: int, *, depth: int = 24) -> Iterator[str | None]:
    """Run the body with ``DISPLAY`` on a fresh Xvfb of ``width`` x ``height``."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        yield None
        return
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x{depth}",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    previous = {k: os.environ.get(k) for k in ("DISPLAY", "QT_QPA_PLATFORM")}
    try:
        ready, _, _ = select.select([read_fd], [], [], 30)
        number = os.read(read_fd, 32).decode().strip() if ready else ""
        if not number:
            raise RuntimeError("Xvfb did not start within 30 s")
        display = f":{number}"
        os.environ["DISPLAY"] = display
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        yield display
    finally:
        os.close(read_fd)
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
