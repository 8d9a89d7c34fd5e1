"""The workbook cell-rectangle guard finds the cell that widens or lengthens a sheet.

calamine allocates rows x columns of the used rectangle; the guard must see a stray
cell anywhere in the sheet XML, not only at its end. Sizes are worked out by hand:
a header A1:B1, rows 2..200 in A:B, plus one stray cell.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from ppdesk.core.errors import InputError
from ppdesk.core.importing import guards


def _sheet(stray: str, at_row: int = 7) -> zipfile.ZipFile:
    rows = []
    for r in range(1, 201):
        cells = f'<c r="A{r}"><v>1</v></c><c r="B{r}"><v>2</v></c>'
        if r == at_row:
            cells += f'<c r="{stray}"><v>3</v></c>'
        rows.append(f'<row r="{r}">{cells}</row>')
    xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<sheetData>{"".join(rows)}</sheetData></worksheet>').encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    return zipfile.ZipFile(buf)


def _extent(zf: zipfile.ZipFile, max_cells: int) -> None:
    guards._check_extent("t.xlsx", zf, zf.infolist()[0], max_cells)


@pytest.mark.parametrize(("stray", "rows", "columns"), [
    ("B150", 200, 2),        # inside the rectangle: 200 x 2
    ("AB5", 200, 28),        # column AB = 28, written early in the file
    ("B999999", 999_999, 2),  # a row far below the last one, with more digits
    ("B300", 300, 2),        # a row below the last, with as many digits as the last row
    ("C1000", 1000, 3),
])
def test_the_stray_cell_sets_the_rectangle(stray: str, rows: int, columns: int) -> None:
    zf = _sheet(stray)
    _extent(zf, rows * columns)  # exactly at the cap: accepted
    with pytest.raises(InputError) as err:
        _extent(zf, rows * columns - 1)
    assert f"spanning {rows:,} rows x {columns:,} columns" in str(err.value)


def test_a_column_past_the_cap_is_named() -> None:
    with pytest.raises(InputError) as err:
        _extent(_sheet("XFD9"), 10**12)
    assert "column 16,384" in str(err.value) and "at most 5,000 columns" in str(err.value)
