"""The one problem type every importer reports: where (工作表!单元格 and the header's name) and
what, said in the user's language when it is shown.

Pure modules create problems from English message templates with parameters; the text is
translated when it is read (`message`, `str()`), so a CLI run with --lang en or a page in
Chinese shows the same problem in its own language. Translation uses Django's gettext when
Django is configured and the template itself otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .limits_messages import MESSAGES


def translate(text: str) -> str:
    try:
        from django.conf import settings
        if not settings.configured:
            return text
        from django.utils.translation import gettext
        return gettext(text)
    except ImportError:  # the kit used without Django
        return text


def column_letter(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Problem:
    sheet: str
    row: int | None          # 1-based as the spreadsheet shows it
    column: str | None       # letter
    header: str              # the header's text as written
    template: str            # English template (a msgid), or text already translated
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        text = translate(self.template)
        return text % self.params if self.params else text

    @property
    def where(self) -> str:
        """增补事项!C4, 增补事项!4:4 for a whole row, 增补事项 for the sheet."""
        where = self.sheet or "*"
        if self.row is not None:
            where += f"!{self.column}{self.row}" if self.column else f"!{self.row}:{self.row}"
        return where

    def sort_key(self) -> tuple:
        return (self.sheet, self.row or 0, len(self.column or ""), self.column or "")

    def __str__(self) -> str:
        if not self.sheet and self.row is None:
            return self.message
        if self.header:
            return translate("%(where)s (%(header)s): %(message)s") % {
                "where": self.where, "header": self.header, "message": self.message}
        return translate("%(where)s: %(message)s") % {"where": self.where,
                                                      "message": self.message}


class ReadError(Exception):
    """The file cannot be read at all (not a spreadsheet, a bomb, past a limit)."""

    def __init__(self, code: str, sheet: str = "", **params: Any):
        self.code, self.sheet, self.params = code, sheet, params
        super().__init__(MESSAGES[code] % params if params else MESSAGES[code])

    def problem(self) -> Problem:
        return Problem(self.sheet, None, None, "", MESSAGES[self.code], self.params)


class ProblemsError(ValueError):
    """Every problem of a file, one per line; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.found = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(str(p) for p in self.found))

    @property
    def problems(self) -> list[str]:
        return [str(p) for p in self.found]
