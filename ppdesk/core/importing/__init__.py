"""Importing order exports: reading files, recognising platforms, writing the store.

- ``reader``: encodings, delimiters, CSV/XLSX into text columns with row numbers.
- ``parsing``: vectorised money, quantity, boolean and date parsing.
- ``profiles``: one module per platform's export layout, plus the generic guesser.
- ``normalise``: canonical rows -> orders, lines, customers, products, rejects.
- ``importer``: ``import_files`` and ``preview_file`` (the GUI and the CLI call these).
"""

from ppdesk.core.importing.importer import ImportPreview, ImportSummary, import_files, preview_file

__all__ = ["ImportPreview", "ImportSummary", "import_files", "preview_file"]
