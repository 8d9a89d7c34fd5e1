"""Run Python's cyclic garbage collector on the GUI thread only.

An automatic collection starts in whichever thread happens to allocate. When it
frees a reference cycle that holds a Qt object while running in a worker thread,
Qt destroys that object in the wrong thread and the process can crash (seen once
in a full test run: a collection inside ``load_lines`` on a pool thread). So
automatic collection is switched off while the app runs and a timer on the GUI
thread collects instead; qutebrowser does the same for the same reason.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadGarbageCollector(QObject):
    """Disables automatic ``gc`` and collects from a GUI-thread timer.

    Signals: none.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start()

    def collect_if_due(self) -> int:
        """Collect the generations whose allocation counts passed gc's own thresholds."""
        counts = gc.get_count()
        if counts[0] <= self._threshold[0]:
            return 0
        generation = 0
        if counts[1] > self._threshold[1]:
            generation = 1
            if counts[2] > self._threshold[2]:
                generation = 2
        return gc.collect(generation)

    def stop(self) -> None:
        """Collect once more here and give collection back to Python."""
        self._timer.stop()
        gc.collect()
        gc.enable()
