"""Growth claims in Chinese prose: the seed article's sentence and the common variants."""

from __future__ import annotations

import pytest

from zoneops.indicators.claims import TOLERANCE_PP, check_text

SEED = ("“十四五”期间，园区发展呈现“量质齐升”的强劲态势。产业规模显著壮大，工业总产值从2020年的"
        "565.4亿元一路攀升至2024年的869.5亿元，年均增长率高达13.5%，跑出了令人瞩目的“加速度”。")


def only(text: str):
    claims = check_text(text)
    assert len(claims) == 1, claims
    return claims[0]


def test_seed_claim_is_caught_and_explained():
    claim = only(SEED)
    assert (claim.start, claim.end, claim.from_year, claim.to_year) == (565.4, 869.5, 2020, 2024)
    assert claim.stated_rate_pct == 13.5
    assert claim.compound_rate_pct == pytest.approx(11.36, abs=0.005)
    assert claim.consistent is False
    # The stated figure is total growth divided by the years: (869.5/565.4 − 1)/4 = 13.4 %.
    assert "(869.5÷565.4−1)÷4 = 13.4%" in claim.why
    assert "11.4%" in claim.why and "未按复利" in claim.why
    assert claim.as_dict().keys() == {"start", "end", "from_year", "to_year", "stated_rate_pct",
                                      "compound_rate_pct", "consistent", "why"}


@pytest.mark.parametrize("text, start, end, years, stated", [
    # 由…增至, 万吨, 年均增速
    ("货物吞吐量由2019年的5000万吨增至2023年的7129万吨，年均增速9.3%。",
     5000, 7129, (2019, 2023), 9.3),
    # 提高到, 年均增幅
    ("出口额从2021年的40亿元提高到2024年的52亿元，年均增幅9.1%。", 40, 52, (2021, 2024), 9.1),
    # 增长到, 平均每年增长
    ("营业收入从2018年的20亿元增长到2023年的30亿元，平均每年增长8.4%。", 20, 30, (2018, 2023), 8.4),
    # full-width digits, punctuation and percent sign
    ("工业总产值从２０２０年的５６５．４亿元增长到２０２４年的８６９．５亿元，年均增长１１．４％。",
     565.4, 869.5, (2020, 2024), 11.4),
    # text (and commas) between the two levels, and a verb after the second year
    ("产值从2020年的565.4亿元起步，经过四年的不懈努力，到2024年达到869.5亿元，年均增长11.4%。",
     565.4, 869.5, (2020, 2024), 11.4),
    # 万元 → 亿元: both levels in the end value's unit
    ("税收从2021年的8000万元提高到2024年的1.2亿元，年均增长14.5%。", 0.8, 1.2, (2021, 2024), 14.5),
    # year range first, then 由 A 增长到 B
    ("2020—2024年，规上工业总产值由565.4亿元增长到869.5亿元，年均增长11.4%。",
     565.4, 869.5, (2020, 2024), 11.4),
    # thousands separator and 年均复合增长率
    ("营收从2019年的1,000.0亿元增至2024年的1,610.5亿元，年均复合增长率为10%。",
     1000, 1610.5, (2019, 2024), 10),
    # a fall: 降至 and 年均下降 give a negative stated rate
    ("单位产值能耗从2020年的0.80吨降至2024年的0.65吨，年均下降5.1%。",
     0.8, 0.65, (2020, 2024), -5.1),
    # 年末, the level's own name between year and value
    ("2019年末全区常住人口12.0万人，到2024年末增至13.5万人，年均增长2.4%。", 12.0, 13.5,
     (2019, 2024), 2.4),
])
def test_variants_are_found_with_their_figures(text, start, end, years, stated):
    claim = only(text)
    assert claim.start == pytest.approx(start)
    assert claim.end == pytest.approx(end)
    assert (claim.from_year, claim.to_year) == years
    assert claim.stated_rate_pct == pytest.approx(stated)
    n = years[1] - years[0]
    compound = ((end / start) ** (1 / n) - 1) * 100
    assert claim.compound_rate_pct == pytest.approx(compound, abs=0.005)
    assert claim.consistent is True, claim.why
    assert "一致" in claim.why


def test_an_integer_rate_is_judged_at_its_own_precision():
    # 11 % stated for 11.36 %: within half a unit of the last digit.
    assert only("产值从2020年的565.4亿元增至2024年的869.5亿元，年均增长11%。").consistent
    # 12 % is not: 0.64 pp away.
    claim = only("产值从2020年的565.4亿元增至2024年的869.5亿元，年均增长12%。")
    assert not claim.consistent and "偏高0.6个百分点" in claim.why


def test_tolerance_is_a_tenth_of_a_point():
    assert TOLERANCE_PP == 0.1
    assert only("产值从2020年的565.4亿元增至2024年的869.5亿元，年均增长11.3%。").consistent
    assert not only("产值从2020年的565.4亿元增至2024年的869.5亿元，年均增长11.6%。").consistent
    low = only("产值从2020年的565.4亿元增至2024年的869.5亿元，年均增长11.2%。")
    assert not low.consistent and "偏低" in low.why


def test_counting_both_end_years_is_named():
    # 5-year compound over a 4-step span: (869.5/565.4)^(1/5) − 1 = 9.0 %.
    claim = only("产值从2020年的565.4亿元增至2024年的869.5亿元，年均增长9.0%。")
    assert not claim.consistent
    assert "首尾两年都计入" in claim.why and "(869.5÷565.4)^(1/5)−1 = 9.0%" in claim.why


def test_total_growth_stated_as_yearly_is_named():
    claim = only("产值从2020年的565.4亿元增至2024年的869.5亿元，年均增长53.8%。")
    assert "总增长53.8%" in claim.why and "而非年均增长" in claim.why


def test_an_unexplainable_figure_says_so():
    claim = only("产值从2020年的565.4亿元增至2024年的869.5亿元，年均增长30%。")
    assert not claim.consistent and "无法由这两个数值推出" in claim.why


def test_several_claims_in_reading_order():
    text = (SEED + "货物吞吐量由2019年的5000万吨增至2023年的7129万吨，年均增速9.3%；"
            "集装箱吞吐量从2020年的200万标箱增长到2024年的306.2万标箱，年均增长11.2%。")
    claims = check_text(text)
    assert [(c.from_year, c.start) for c in claims] == [(2020, 565.4), (2019, 5000), (2020, 200)]
    assert [c.consistent for c in claims] == [False, True, True]


@pytest.mark.parametrize("text", [
    "2024年，嘉兴港区生产总值突破226亿元，同比增长5.2%。",  # one level, a yearly (not average) rate
    "一般公共预算收入完成14.56亿元，同比增长11.2%，增速列全市第一。",
    "年均增长13.5%。",  # a rate with no levels
    "从2020年的565.4亿元增至2024年的7129万吨，年均增长5%。",  # two different quantities
    "占比从2020年的30%提高到2024年的45%，年均提高3.75个百分点。",  # points, not a growth rate
    "",
])
def test_non_claims_are_left_alone(text):
    assert check_text(text) == []


def test_sentence_is_kept_for_pages_but_not_in_json():
    claim = only(SEED)
    assert "工业总产值从2020年的565.4亿元" in claim.sentence
    assert "sentence" not in claim.as_dict()


def test_a_stated_fall_is_explained_as_a_fall():
    # 1.00 → 0.60 over 4 years is −12.0 % a year; "年均下降10%" is total fall ÷ 4.
    claim = only("单位产值能耗从2020年的1.00吨降至2024年的0.60吨，年均下降10%。")
    assert claim.stated_rate_pct == -10 and not claim.consistent
    assert "降幅偏小2.0个百分点" in claim.why and "应写作年均下降12.0%" in claim.why


def test_a_month_after_the_year_is_allowed():
    claim = only("贷款余额从2020年12月的300亿元增至2024年12月末的420亿元，年均增长8.8%。")
    assert (claim.from_year, claim.to_year, claim.start, claim.end) == (2020, 2024, 300, 420)
    assert claim.consistent  # (420/300)^(1/4) − 1 = 8.78 %
