"""Message templates of the reader (English msgids, translated where they are shown)."""

MESSAGES = {
    "file_too_large": "The file is %(size)s MB; at most %(limit)s MB can be read.",
    "zip_bomb": "%(member)s unpacks to %(ratio)s times its packed size: refused as a zip bomb.",
    "unzipped_too_large": "The file unpacks to %(size)s MB; at most %(limit)s MB can be read.",
    "too_many_rows": "The sheet declares %(rows)s rows; at most %(limit)s can be read.",
    "too_many_columns": "The sheet declares %(columns)s columns; at most %(limit)s can be read.",
    "too_many_cells": "The sheet declares %(cells)s cells; at most %(limit)s can be read.",
    "too_many_sheets": "The workbook has %(sheets)s sheets; at most %(limit)s can be read.",
    "unreadable": "Cannot read the file as %(format)s (%(detail)s).",
    "unknown_format": "Not a spreadsheet: expected .xlsx, .xls, .csv or a .docx with a table.",
    "no_table": "The document has no table.",
    "no_header": "No sheet has a header row with %(columns)s.",
    "no_column": "No column for %(column)s.",
    "required": "%(column)s is empty.",
    "no_rows": "The sheet has no data rows.",
}
