"""Chinese deadline phrases → dates. Pure: imports nothing from Django.

Real lists write deadlines as 3月底前, 6月30日前, 上半年, 三季度末, 年底前, 年内, 全年 or 长期,
and several milestones as prose in one cell: "3月底前完成立项；6月底前开工；12月底前主体结顶".
`parse_deadline` reads one phrase for a given year; `parse_nodes` splits a cell into dated
milestones. Readings of vague words (why 上旬 is the 10th) are in READINGS so they can be shown.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = ["Deadline", "DeadlineError", "ParsedNode", "has_deadline", "parse_deadline",
           "parse_nodes",
           "chinese_number", "READINGS"]

READINGS = {
    "上旬": "the 10th", "初": "the 10th", "中旬": "the 20th",
    "下旬/底/末": "the last day of the month", "N月前": "the last day of month N",
    "上半年": "30 June", "下半年/年底/年内/全年": "31 December",
    "N季度/QN": "the last day of the quarter", "长期/持续/常态化": "ongoing, no date",
    "每月": "twelve nodes, one at each month's end (or on day N for 每月N日前)",
    "国庆前": "30 September", "五一前": "30 April", "七一前": "30 June",
}
# Days named by a holiday: the day before it. Only fixed-date holidays (春节 moves each year).
HOLIDAYS = {"国庆": (9, 30), "五一": (4, 30), "七一": (6, 30)}
# What is left of a clause once its time words are gone but says nothing of its own.
FILLER = {"", "完成", "前完成", "底前完成", "完成任务", "完成目标任务", "完成目标"}


class DeadlineError(ValueError):
    """The text holds no deadline this parser can read. `kind` says why (number, date, month,
    empty, unreadable, no_deadline, no_deliverable) and `text` quotes the offending words, so
    a caller can say it in the user's language."""

    def __init__(self, message: str, kind: str = "unreadable", text: str = ""):
        super().__init__(message)
        self.kind, self.text = kind, text


@dataclass(frozen=True)
class Deadline:
    date: date | None  # None when the work is ongoing (长期)
    text: str
    ongoing: bool = False


@dataclass(frozen=True)
class ParsedNode:
    planned_date: date
    deliverable: str
    text: str  # the deadline phrase as written
    why: str = ""  # "‘国庆前’ → 09-30"


def why(text: str, when: date, year: int) -> str:
    return f"‘{text}’ → {when:%m-%d}" if when.year == year else f"‘{text}’ → {when.isoformat()}"


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def chinese_number(text: str) -> int:
    """'12', '１２', '十二', '二十', '三十一', '二〇二六' → int."""
    text = text.translate(_FULLWIDTH)
    if text.isdigit():
        return int(text)
    if text and all(ch in _DIGITS for ch in text):  # 二〇二六: digit by digit
        return int("".join(str(_DIGITS[ch]) for ch in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS):
            raise DeadlineError(f"not a number: {text}", "number", text)
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    raise DeadlineError(f"not a number: {text}", "number", text)


_N = r"[0-9０-９]{1,2}|[一二两三四五六七八九十]{1,3}"
_YEAR = (r"(?:(?P<year>(?:19|20)[0-9]{2}|二〇[一二三四五六七八九〇零]{2})年"
         r"|(?P<next>次年|明年|下年度?))?")
_BEFORE = r"(?:之前|以前|前)?"
_PATTERN = re.compile(
    r"(?P<iso>(?P<iy>(?:19|20)\d{2})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2}))" + _BEFORE
    + r"|(?P<holiday>" + "|".join(HOLIDAYS) + r")节?(?:之前|以前|前)"
    + rf"|(?P<monthly>每月|每个月)(?:(?P<md>{_N})[日号])?{_BEFORE}"
    + r"|(?<![A-Za-z])[Qq](?P<qq>[1-4])(?:末|底)?" + _BEFORE
    + r"|(?P<ey>(?:19|20)[0-9]{2})年(?P<eh>底|末|内)" + _BEFORE
    + "|" + _YEAR + r"(?:"
    + rf"(?P<m1>{_N})月(?P<d1>{_N})[日号]{_BEFORE}"
    + rf"|(?P<m2>{_N})月份?(?P<part>上旬|中旬|下旬|底|末|初|中)?{_BEFORE}"
    + rf"|第?(?P<q>[一二三四1-4])季度?(?:末|底)?{_BEFORE}"
    + r"|(?P<half>上半年|下半年|年中|年底|年末|年内|全年|年度内)(?:末|底)?" + _BEFORE
    + r")"
    + r"|(?P<ongoing>长期|持续推进|持续|常态化)"
)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _from_match(m: re.Match, year: int) -> Deadline:
    text = m.group(0)
    if m.group("ongoing"):
        return Deadline(None, text, ongoing=True)
    if m.group("holiday"):
        month, day = HOLIDAYS[m.group("holiday")]
        return Deadline(date(year, month, day), text)
    if m.group("qq"):
        return Deadline(_month_end(year, int(m.group("qq")) * 3), text)
    if m.group("iso"):
        try:
            return Deadline(date(int(m.group("iy")), int(m.group("im")), int(m.group("id"))),
                            text)
        except ValueError as exc:
            raise DeadlineError(f"no such date: {text}", "date", text) from exc
    if m.group("ey"):
        return Deadline(date(int(m.group("ey")), 12, 31), text)
    if m.group("year"):
        year = chinese_number(m.group("year"))
    elif m.group("next"):
        year += 1
    if m.group("m1"):
        month, day = chinese_number(m.group("m1")), chinese_number(m.group("d1"))
        try:
            return Deadline(date(year, month, day), text)
        except ValueError as exc:
            raise DeadlineError(f"no such date: {text}", "date", text) from exc
    if m.group("m2"):
        month = chinese_number(m.group("m2"))
        if not 1 <= month <= 12:
            raise DeadlineError(f"no such month: {text}", "month", text)
        part = m.group("part") or ""
        if part in ("上旬", "初"):
            return Deadline(date(year, month, 10), text)
        if part in ("中旬", "中"):
            return Deadline(date(year, month, 20), text)
        return Deadline(_month_end(year, month), text)
    if m.group("q"):
        quarter = chinese_number(m.group("q"))
        return Deadline(_month_end(year, quarter * 3), text)
    half = m.group("half")
    if half in ("上半年", "年中"):
        return Deadline(date(year, 6, 30), text)
    return Deadline(date(year, 12, 31), text)


def has_deadline(text: str) -> bool:
    """Whether the text names any time this parser reads."""
    m = _PATTERN.search(text or "")
    return bool(m and m.group(0))


def parse_deadline(text: str, year: int) -> Deadline:
    """One deadline phrase for `year` (a year written in the text wins)."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise DeadlineError("empty deadline", "empty")
    m = _PATTERN.search(cleaned)
    if m is None or not m.group(0):
        raise DeadlineError(f"cannot read a deadline in “{cleaned}”", "unreadable", cleaned)
    return _from_match(m, year)


# Separators between milestones in one cell: Chinese and ASCII semicolons, full stops, line
# breaks, and list numbering such as "1." "（2）" "③". A comma separates two milestones only
# where each side carries a time ("上半年完成50%，年底前全面完成").
_NUMBERING = r"(?:\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[)）]|[①-⑳])"
_SPLIT = re.compile(r"[；;。\n\r]+|\s+(?=" + _NUMBERING + ")")
_COMMA = re.compile(r"[，,]")
_LEADING_NUMBER = re.compile(r"^\s*" + _NUMBERING)
_STRIP = " \t，,：:、.．-—（）()"


def _clauses(segment: str) -> list[str]:
    """Split a segment on commas where every piece has a time; a piece without one stays
    with the piece before it."""
    pieces = [p for p in _COMMA.split(segment) if p.strip(_STRIP)]
    if len(pieces) < 2 or not all(_PATTERN.search(p) for p in pieces):
        return [segment]
    return pieces


def _monthly(m: re.Match, year: int) -> list[date]:
    if m.group("md"):
        day = chinese_number(m.group("md"))
        return [date(year, month, min(day, calendar.monthrange(year, month)[1]))
                for month in range(1, 13)]
    return [_month_end(year, month) for month in range(1, 13)]


def parse_nodes(text: str, year: int, default: str | None = None) -> list[ParsedNode]:
    """Prose → dated milestones, in the order written. Ongoing phrases (长期) carry no date
    and so make no node; a clause without any deadline is an error naming the clause. A
    clause that is only a time ("6月底前") takes `default` as its deliverable when one is
    given; 每月 makes twelve nodes, one at each month's end."""
    nodes: list[ParsedNode] = []
    for raw in _SPLIT.split(text or ""):
        segment = _LEADING_NUMBER.sub("", raw or "").strip(_STRIP)
        if not segment:
            continue
        for clause in _clauses(segment):
            clause = clause.strip(_STRIP)
            m = _PATTERN.search(clause)
            if m is None or not m.group(0):
                raise DeadlineError(f"no deadline in “{clause}”", "no_deadline", clause)
            deliverable = (clause[:m.start()] + clause[m.end():]).strip(_STRIP)
            if deliverable in FILLER:
                if default is None:
                    raise DeadlineError(f"no deliverable in “{clause}”", "no_deliverable",
                                        clause)
                deliverable = default
            if m.group("monthly"):
                nodes += [ParsedNode(d, deliverable, m.group(0), why(m.group(0), d, year))
                          for d in _monthly(m, year)]
                continue
            deadline = _from_match(m, year)
            if deadline.ongoing:
                continue
            nodes.append(ParsedNode(deadline.date, deliverable, m.group(0),
                                    why(m.group(0), deadline.date, year)))
    return nodes
