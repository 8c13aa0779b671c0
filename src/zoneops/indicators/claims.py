"""Growth claims in Chinese prose, checked against the compound rate (pure: no Django).

A claim is a sentence that names two levels in two years and a stated average yearly growth:
"工业总产值从2020年的565.4亿元一路攀升至2024年的869.5亿元，年均增长率高达13.5%" or
"2020—2024年，产值由565.4亿元增至869.5亿元，年均增长11.4%". The average yearly growth over
n = to − from years is the compound rate (end/start)^(1/n) − 1.

Tolerance: the stated rate agrees when it is within TOLERANCE_PP percentage points of the
compound rate, or within half a unit of its own last digit when that is coarser ("年均增长11%"
is consistent with 11.36 %). 0.1 pp covers rounding of the stated rate to one decimal and
of the two levels to the published precision.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal

TOLERANCE_PP = 0.1

# Scale prefixes of Chinese units, longest first.
_SCALES = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "亿": 10**8, "千万": 10**7,
           "百万": 10**6, "十万": 10**5, "万": 10**4, "千": 10**3, "": 1}
_BASES = ("美元", "元", "吨", "标箱", "人次", "人", "户", "家", "个", "辆", "千瓦时", "度",
          "平方米", "平方公里", "亩", "件", "项", "台", "套", "艘", "TEU")
_SCALE_RE = "|".join(sorted((s for s in _SCALES if s), key=len, reverse=True))
_BASE_RE = "|".join(sorted(_BASES, key=len, reverse=True))
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT = rf"(?:(?:{_SCALE_RE})?(?:{_BASE_RE})|%|{_SCALE_RE})"
_VALUE = rf"(?P<num>{_NUMBER})\s*(?P<unit>{_UNIT})"
_YEAR = r"(?P<year>(?:19|20)\d{2})\s*年(?:\d{1,2}\s*月)?(?:底|末|度|份)?"

# A year followed closely by a level: "2020年的565.4亿元", "2024年达到869.5亿元",
# "2020年全区工业总产值565.4亿元".
_YEAR_VALUE = re.compile(rf"{_YEAR}[^\d。!?;\n]{{0,16}}?{_VALUE}")
# A year range, then 由/从 A … 至/到 B: "2020—2024年，产值由565.4亿元增至869.5亿元".
_RANGE = re.compile(r"(?P<y1>(?:19|20)\d{2})\s*年?\s*(?:至|到|—|–|-|~|～)+\s*"
                    r"(?P<y2>(?:19|20)\d{2})\s*年")
_FROM_TO = re.compile(rf"(?:从|由)\s*(?P<num1>{_NUMBER})\s*(?P<unit1>{_UNIT})"
                      rf"[^。!?;\n]{{0,30}}?(?:至|到|为|达)\s*(?P<num2>{_NUMBER})\s*(?P<unit2>{_UNIT})")
# The stated average yearly rate.
_RATE = re.compile(
    r"(?:年均(?:复合)?|平均每年|年平均|每年平均)\s*"
    r"(?P<verb>增长率?|增速|增幅|递增率?|增加|提高|上升|下降|减少|递减)率?"
    r"[^\d%。!?;\n]{0,6}?(?P<rate>\d+(?:\.\d+)?)\s*%")
_NEGATIVE_VERBS = {"下降", "减少", "递减"}
_SENTENCE_END = re.compile(r"[。!?\n]")


@dataclass(frozen=True)
class Claim:
    start: float
    end: float
    from_year: int
    to_year: int
    stated_rate_pct: float
    compound_rate_pct: float
    consistent: bool
    why: str
    # The sentence the claim was found in (normalised), for pages; not part of the JSON.
    sentence: str = field(default="", compare=False)

    def as_dict(self) -> dict:
        data = asdict(self)
        del data["sentence"]
        return data


@dataclass(frozen=True)
class _Level:
    year: int
    number: Decimal
    unit: str


def normalise(text: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms (NFKC): "２０２０年"
    → "2020年", "１３．５％" → "13.5%", "，" → ","."""
    return unicodedata.normalize("NFKC", text)


def _split_unit(unit: str) -> tuple[int, str]:
    if unit == "%":
        return 1, "%"
    for prefix in sorted(_SCALES, key=len, reverse=True):
        if prefix and unit.startswith(prefix):
            return _SCALES[prefix], unit[len(prefix):]
    return 1, unit


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _fmt(value: float, digits: int = 1) -> str:
    text = f"{value:.{digits}f}"
    return "0.0" if text in ("-0.0", "-0") else text


def _pct(value: float) -> str:
    """A stated figure as written: 13.5 → "13.5", 10.0 → "10"."""
    return _fmt(value, 2).rstrip("0").rstrip(".")


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def check_text(text: str) -> list[Claim]:
    """Every growth claim in `text`, in reading order, each checked."""
    text = normalise(text)
    claims: list[Claim] = []
    for sentence in _SENTENCE_END.split(text):
        segment_start = 0
        for rate in _RATE.finditer(sentence):
            segment = sentence[segment_start:rate.start()]
            segment_start = rate.end()
            levels = _levels(segment)
            if levels is None:
                continue
            claim = _check(*levels, rate)
            if claim is not None:
                claims.append(replace(claim, sentence=sentence.strip()))
    return claims


def _levels(segment: str) -> tuple[_Level, _Level] | None:
    pairs = [_Level(int(m["year"]), _number(m["num"]), m["unit"])
             for m in _YEAR_VALUE.finditer(segment)]
    if len(pairs) >= 2:
        return pairs[0], pairs[-1]
    years = _RANGE.search(segment)
    if years:
        values = _FROM_TO.search(segment, years.end())
        if values:
            return (_Level(int(years["y1"]), _number(values["num1"]), values["unit1"]),
                    _Level(int(years["y2"]), _number(values["num2"]), values["unit2"]))
    return None


def _check(first: _Level, last: _Level, rate: re.Match) -> Claim | None:
    scale_a, base_a = _split_unit(first.unit)
    scale_b, base_b = _split_unit(last.unit)
    years = last.year - first.year
    if base_a != base_b or years <= 0:
        return None  # not two levels of one quantity over a forward span
    start = first.number * scale_a / scale_b  # in the end value's unit
    end = last.number
    if start <= 0 or end <= 0:
        return None
    stated = float(rate["rate"]) * (-1 if rate["verb"] in _NEGATIVE_VERBS else 1)
    ratio = float(end / start)
    compound = (ratio ** (1 / years) - 1) * 100
    tolerance = max(TOLERANCE_PP, 0.5 * 10 ** -_decimals(rate["rate"]))
    consistent = abs(stated - compound) <= tolerance + 1e-9
    why = _why(start, end, last.unit, years, stated, compound, ratio, consistent, tolerance)
    return Claim(float(start), float(end), first.year, last.year, stated,
                 round(compound, 2), consistent, why)


def _why(start: Decimal, end: Decimal, unit: str, years: int, stated: float, compound: float,
         ratio: float, consistent: bool, tolerance: float) -> str:
    s, e = _plain(start), _plain(end)
    formula = f"({e}÷{s})^(1/{years})−1 = {_fmt(compound)}%"
    if consistent:
        return (f"按复合增长计算：{formula}，与所述{_pct(stated)}%一致"
                f"（容差±{_pct(tolerance)}个百分点）。")
    gap = stated - compound
    if stated < 0:  # a stated fall: speak of its size, as the sentence does
        head = (f"按复合增长计算：{formula}，所述年均下降{_pct(-stated)}%，降幅"
                f"{'偏小' if gap > 0 else '偏大'}{_fmt(abs(gap))}个百分点。")
    else:
        head = (f"按复合增长计算：{formula}，所述{_pct(stated)}%"
                f"{'偏高' if gap > 0 else '偏低'}{_fmt(abs(gap))}个百分点。")
    return head + _likely_mistake(s, e, years, stated, ratio, tolerance + 0.05)


def _likely_mistake(s: str, e: str, years: int, stated: float, ratio: float,
                    within: float) -> str:
    """Which easy slip gives the stated figure: total growth divided by the years (no
    compounding), counting both end years, or the total growth itself. A slip is named when
    it lands within `within` pp of the stated figure (the tolerance plus the rounding of the
    slip's own result to one decimal)."""
    total = (ratio - 1) * 100
    candidates = [
        ((ratio - 1) / years * 100,
         f"所述数字接近总增长除以年数：({e}÷{s}−1)÷{years} = {{v}}%，即把{years}年总增长"
         f"{_fmt(total)}%平均分摊到每年，未按复利计算；应写作{{c}}。"),
        ((ratio ** (1 / (years + 1)) - 1) * 100,
         f"所述数字接近按{years + 1}年（首尾两年都计入）复合计算：({e}÷{s})^(1/{years + 1})−1"
         f" = {{v}}%；从起始年到终止年只有{years}个增长年度。"),
        ((ratio - 1) / (years + 1) * 100,
         f"所述数字接近总增长除以{years + 1}（首尾两年都计入）：({e}÷{s}−1)÷{years + 1}"
         f" = {{v}}%，既未按复利也多计了一年。"),
        (total, f"所述数字接近{years}年的总增长{{v}}%，而非年均增长。"),
    ]
    compound = (ratio ** (1 / years) - 1) * 100
    value, text = min(candidates, key=lambda c: abs(c[0] - stated))
    if abs(value - stated) <= within:
        should = (f"年均增长{_fmt(compound)}%" if compound >= 0
                  else f"年均下降{_fmt(-compound)}%")
        return text.format(v=_fmt(value), c=should)
    return (f"所述数字无法由这两个数值推出（总增长{_fmt(total)}%，"
            f"单利年均{_fmt((ratio - 1) / years * 100)}%），请核对原始数据。")
