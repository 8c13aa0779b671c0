"""One import kit for every importer: read any sheet an office sends, find its table, report
every problem the same way (工作表!单元格, the header's name, in the user's language)."""

from .cells import as_date, cell_text, one_line
from .limits import DEFAULT_LIMITS, Limits
from .problems import Problem, ProblemsError, ReadError, column_letter
from .reader import Grid, Workbook, read_workbook
from .table import (
           Cell,
           Row,
           Table,
           TableSpec,
           first_table,
           normalise_header,
           read_table,
           read_tables,
           section_name,
)

__all__ = ["DEFAULT_LIMITS", "Cell", "Grid", "Limits", "Problem", "ProblemsError", "ReadError",
           "Row", "Table", "TableSpec", "Workbook", "as_date", "cell_text", "column_letter",
           "first_table", "normalise_header", "one_line", "read_table", "read_tables",
           "read_workbook", "section_name"]
