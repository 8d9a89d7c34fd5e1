"""Headless core of ppdesk: all business logic, no Qt.

Nothing under this package may import PySide6, ``ppdesk.ui`` or ``ppdesk.cli``
(tests/test_architecture.py enforces it), so the CLI, the GUI and the tests all
call the same functions.
"""
