"""Run reports: a good run, a failed run (its error kept) and a killed run (left unfinished)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ppdesk.core.errors import EnvironmentProblem
from ppdesk.core.schedule_runs import latest_runs, recorded_run
from ppdesk.core.store import open_store

ROOT = Path(__file__).resolve().parents[2]


def test_good_and_failed_runs_are_recorded_with_their_figures(home: Path) -> None:
    store = open_store(home)
    with recorded_run(store, "send-due") as run:
        run.finish({"sent": 3}, sent=3, failed=1)
    (last,) = latest_runs(store)
    assert (last.kind, last.ok, last.sent, last.failed, last.error) == ("send-due", True, 3, 1,
                                                                        None)
    assert "went well: 3 sent, 1 failed" in last.sentence
    with pytest.raises(EnvironmentProblem), recorded_run(store, "send-due"):
        raise EnvironmentProblem("The certificate of smtp.example.com could not be verified")
    (last,) = latest_runs(store)
    assert not last.ok and last.finished_at is not None
    assert last.sentence.endswith("failed: The certificate of smtp.example.com could not be "
                                  "verified")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_run_shows_as_not_finished(home: Path) -> None:
    store = open_store(home)
    code = ("import os, signal, sys; from pathlib import Path;"
            "from ppdesk.core.schedule_runs import recorded_run;"
            "from ppdesk.core.store import open_store;"
            "ctx = recorded_run(open_store(Path(sys.argv[1])), 'inbox-check'); ctx.__enter__();"
            "os.kill(os.getpid(), signal.SIGKILL)")
    done = subprocess.run([sys.executable, "-c", code, str(home)], cwd=ROOT, check=False,
                          env={**os.environ})
    assert done.returncode == -signal.SIGKILL
    (last,) = latest_runs(store)
    assert last.kind == "inbox-check" and last.finished_at is None
    assert last.sentence.endswith("did not finish.")
