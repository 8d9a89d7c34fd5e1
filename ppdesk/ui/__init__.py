"""The PySide6 desktop app: views over ``ppdesk.core``; no business logic, no SQL.

Layout: ``app.py`` (QApplication, palette, crash handling), ``main_window.py``
(wires the pages), ``pages/`` (one module per screen), ``dialogs/``, ``widgets/``,
``charts/`` (QPainter charts savable as PNG), ``models/`` (the DataFrame table
model) and ``tasks.py`` (the one way to run slow work off the GUI thread).
"""
