"""Importing order exports: reading files, recognising platforms, writing the store.

- ``reader``: encodings, delimiters, CSV/XLSX into text columns with row numbers.
- ``parsing``: vectorised money, quantity, boolean and date parsing.
- ``profiles``: one module per platform's export layout, plus the generic guesser.
- ``platforms``: the platform names alone (light, for the CLI's parser).
- ``normalise``: canonical rows -> orders, lines, customers, products, rejects.
- ``importer``: ``import_files`` and ``preview_file`` (the GUI and the CLI call these).

The names below load ``importer`` (pandas, pyarrow) on first use, not on import of
this package, so ``ppdesk.core.importing.platforms`` stays cheap for ``ppdesk --help``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ppdesk.core.importing.importer import (
        ImportPreview,
        ImportSummary,
        import_files,
        preview_file,
    )

__all__ = ["ImportPreview", "ImportSummary", "import_files", "preview_file"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from ppdesk.core.importing import importer

        return getattr(importer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
