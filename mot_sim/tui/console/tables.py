"""Filling a DataTable with Content cells: the table measures a Content cell by its
label only, so each column is given the width of its widest cell here."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import DataTable

MAX_WIDTH = 40  # a name or a title longer than this is cut on screen, not in the log


def fill(
    table: DataTable[Content],
    columns: Sequence[str],
    rows: Sequence[Sequence[Content]],
    keys: Sequence[str] | None = None,
) -> None:
    """Replace the table's columns and rows; the cursor stays on the same row number."""
    current = table.cursor_row
    widths = [
        min(MAX_WIDTH, max([cell_len(title), *(cell_len(row[i].plain) for row in rows)]))
        for i, title in enumerate(columns)
    ]
    table.clear(columns=True)
    for title, width in zip(columns, widths, strict=True):
        table.add_column(title, width=width, key=title)
    for i, row in enumerate(rows):
        # A cell cut to its column ends in an ellipsis, so nobody reads "Alexandra
        # Montgomery-Sm" as a whole name.
        cells = [
            cell.truncate(width, ellipsis=True) if cell_len(cell.plain) > width else cell
            for cell, width in zip(row, widths, strict=True)
        ]
        table.add_row(*cells, key=keys[i] if keys else str(i))
    if rows and table.cursor_type != "none":
        table.move_cursor(row=min(current, len(rows) - 1))
