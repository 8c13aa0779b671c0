"""The GB 18218-2018 engine: the standard's worked example, the S / R / α boundaries, the
lowest-Q rule, name and CAS matching, and bad input naming its field."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from zoneops.hazards.gb18218 import AssessmentError, assess, assess_json, parse_unit


def unit(*chemicals: dict[str, Any], population: Any = 0, kind: str = "storage") -> dict[str, Any]:
    return {"kind": kind, "population_500m": population, "chemicals": list(chemicals)}


def run(*chemicals: dict[str, Any], population: Any = 0, kind: str = "storage") -> dict[str, Any]:
    return assess_json(unit(*chemicals, population=population, kind=kind))


def test_worked_example_of_the_standard() -> None:
    out = run({"name": "氯", "tonnes": 20}, {"name": "氨", "tonnes": 30}, population=120)
    assert (out["s"], out["r"], out["grade"], out["major"]) == (7, 44, 3, True)
    chlorine, ammonia = out["contributions"]
    assert (
        chlorine["critical_t"],
        chlorine["q_over_q"],
        chlorine["beta"],
        chlorine["contribution"],
    ) == (5, 4, 4, 16)
    assert (
        ammonia["critical_t"],
        ammonia["q_over_q"],
        ammonia["beta"],
        ammonia["contribution"],
    ) == (10, 3, 2, 6)
    assert chlorine["critical_source"].endswith("表1 #12") and chlorine["beta_source"].endswith(
        "表3"
    )
    why = out["why"]
    assert (why["alpha"], why["population_500m"], why["population_source"]) == (2, 120, "entered")
    assert why["grade_label"] == "三级" and why["alpha_source"].endswith("100人以上")


def test_s_exactly_one_is_major_and_just_under_is_not() -> None:
    at = run({"name": "氯", "tonnes": 5})
    assert at["s"] == 1 and at["major"] is True and at["grade"] == 4  # R = 0.5 × 4 = 2
    under = run({"name": "氯", "tonnes": Decimal("4.999")})
    assert under["major"] is False and under["grade"] is None and under["s"] < 1
    assert under["r"] == pytest.approx(0.5 * 4 * 4.999 / 5)


def test_sums_are_exact_not_float() -> None:
    # 3 × 0.1 t of phosgene (Q = 0.3 t): in floats 0.1/0.3 × 3 is not 1.
    out = run(*[{"name": "光气", "tonnes": 0.1}] * 3)
    assert out["s"] == 1 and out["major"] is True


@pytest.mark.parametrize(
    ("tonnes", "grade"),
    [
        ("12.5", 3),
        ("12.49", 4),  # R = 10 is 三级, just under is 四级
        ("62.5", 2),
        ("62.49", 3),  # R = 50 is 二级
        ("125", 1),
        ("124.99", 2),  # R = 100 is 一级
    ],
)
def test_r_grade_boundaries(tonnes: str, grade: int) -> None:
    # chlorine: β·q/Q = 4 × q / 5; 1–29 residents → α = 1, so R = 0.8 q
    out = run({"name": "氯", "tonnes": Decimal(tonnes)}, population=10)
    assert out["r"] == pytest.approx(0.8 * float(tonnes))
    assert out["grade"] == grade


@pytest.mark.parametrize(
    ("population", "alpha"),
    [
        (0, 0.5),
        (1, 1.0),
        (29, 1.0),
        (30, 1.2),
        (49, 1.2),
        (50, 1.5),
        (99, 1.5),
        (100, 2.0),
        (5000, 2.0),
    ],
)
def test_alpha_by_population(population: int, alpha: float) -> None:
    out = run({"name": "氯", "tonnes": 5}, population=population)
    assert out["why"]["alpha"] == alpha
    assert out["r"] == pytest.approx(4 * alpha)


def test_several_categories_take_the_lowest_q_and_the_largest_beta() -> None:
    out = run({"name": "某中间体", "category": ["W5.3", "J2"], "tonnes": 25})
    (row,) = out["contributions"]
    assert row["critical_t"] == 50 and row["critical_source"].endswith("表2 J2")
    assert row["q_over_q"] == 0.5 and row["beta"] == 1
    out = run({"name": "某毒性可燃气", "category": "W2, J1", "tonnes": 5})
    (row,) = out["contributions"]
    assert row["critical_t"] == 5 and row["beta"] == 4 and row["beta_source"].endswith("表4 J1")
    assert out["s"] == 1


def test_table1_wins_over_a_category_and_table3_over_table4() -> None:
    (benzene,) = run({"cas": "71-43-2", "category": "W5.3", "tonnes": 100})["contributions"]
    assert benzene["critical_t"] == 50 and benzene["beta"] == 1 and benzene["table1_no"] == 57
    (ammonia,) = run({"name": "液氨", "category": "W2", "tonnes": 10})["contributions"]
    assert (
        ammonia["critical_t"] == 10
        and ammonia["beta"] == 2
        and ammonia["beta_source"].endswith("表3")
    )


def test_carbon_monoxide_takes_q_by_category_and_beta_from_table3() -> None:
    (co,) = run({"name": "一氧化碳", "category": "J3", "tonnes": 100})["contributions"]
    assert (co["critical_t"], co["beta"], co["table1_no"]) == (50, 2, None)


@pytest.mark.parametrize("name", ["氯", "液氯", "氯气", " 氯 ", "Chlorine", "CHLORINE"])
def test_names_aliases_and_english_find_chlorine(name: str) -> None:
    (row,) = run({"name": name, "tonnes": 1})["contributions"]
    assert row["table1_no"] == 12 and row["name"] == "氯"


def test_full_width_brackets_match() -> None:
    (row,) = run({"name": "氯化氢（无水）", "tonnes": 1})["contributions"]
    assert row["table1_no"] == 11


@pytest.mark.parametrize(
    ("cas", "no"),
    [("74-98-6", 52), ("106-97-8", 52), ("8006-14-2", 49), ("74-82-8", 49), ("7782-44-7", 56)],
)
def test_every_cas_the_standard_prints_finds_its_row(cas: str, no: int) -> None:
    (row,) = run({"cas": cas, "tonnes": 1, "category": "W2"})["contributions"]
    assert row["table1_no"] == no


def test_shared_cas_needs_the_row_name() -> None:
    with pytest.raises(AssessmentError) as caught:
        run({"cas": "9004-70-0", "tonnes": 1, "category": "W1.1"})
    assert caught.value.field == "chemicals[0].name"
    (row,) = run(
        {"cas": "9004-70-0", "name": "硝化纤维素(含乙醇≥25%)", "tonnes": 1, "category": "W1.1"}
    )["contributions"]
    assert row["critical_t"] == 10 and row["table1_no"] == 39


def test_unknown_cas_with_a_category_uses_table2() -> None:
    (row,) = run({"cas": "630-08-0", "category": "J3", "tonnes": 10})["contributions"]
    assert row["critical_t"] == 50 and row["table1_no"] is None


def test_result_does_not_depend_on_kind_but_is_reported() -> None:
    a = run({"name": "氯", "tonnes": 7}, kind="production")
    b = run({"name": "氯", "tonnes": 7}, kind="storage")
    assert (a["s"], a["r"]) == (b["s"], b["r"]) and a["why"]["kind"] == "production"


def test_population_source_is_carried() -> None:
    data = unit({"name": "氯", "tonnes": 5}, population=3)
    data["population_source"] = "core places within 500 m"
    assert assess_json(data)["why"]["population_source"] == "core places within 500 m"


BAD = [
    ("not an object", [], "unit"),
    (
        "unknown kind",
        {"kind": "warehouse", "population_500m": 0, "chemicals": [{"name": "氯", "tonnes": 1}]},
        "kind",
    ),
    ("no kind", {"population_500m": 0, "chemicals": [{"name": "氯", "tonnes": 1}]}, "kind"),
    (
        "no population",
        {"kind": "storage", "chemicals": [{"name": "氯", "tonnes": 1}]},
        "population_500m",
    ),
    ("negative population", unit({"name": "氯", "tonnes": 1}, population=-1), "population_500m"),
    (
        "fractional population",
        unit({"name": "氯", "tonnes": 1}, population=Decimal("2.5")),
        "population_500m",
    ),
    ("text population", unit({"name": "氯", "tonnes": 1}, population="12"), "population_500m"),
    ("empty unit", unit(), "chemicals"),
    ("no chemicals", {"kind": "storage", "population_500m": 0}, "chemicals"),
    ("zero tonnes", unit({"name": "氯", "tonnes": 0}), "chemicals[0].tonnes"),
    (
        "negative tonnes",
        unit({"name": "氨", "tonnes": 1}, {"name": "氯", "tonnes": -3}),
        "chemicals[1].tonnes",
    ),
    ("missing tonnes", unit({"name": "氯"}), "chemicals[0].tonnes"),
    ("text tonnes", unit({"name": "氯", "tonnes": "20"}), "chemicals[0].tonnes"),
    ("boolean tonnes", unit({"name": "氯", "tonnes": True}), "chemicals[0].tonnes"),
    ("infinite tonnes", unit({"name": "氯", "tonnes": float("inf")}), "chemicals[0].tonnes"),
    ("nothing to identify", unit({"tonnes": 1}), "chemicals[0]"),
    ("unknown chemical", unit({"name": "神秘物质", "tonnes": 1}), "chemicals[0]"),
    ("unknown cas without category", unit({"cas": "630-08-0", "tonnes": 1}), "chemicals[0]"),
    ("wrong check digit", unit({"cas": "7782-50-6", "tonnes": 1}), "chemicals[0].cas"),
    ("not a CAS", unit({"cas": "7782505", "tonnes": 1}), "chemicals[0].cas"),
    (
        "name and CAS disagree",
        unit({"name": "氯", "cas": "7664-41-7", "tonnes": 1}),
        "chemicals[0].cas",
    ),
    (
        "unknown category",
        unit({"name": "某物", "category": "W12", "tonnes": 1}),
        "chemicals[0].category",
    ),
    ("table1 but no beta", unit({"name": "苯", "tonnes": 60}), "chemicals[0].category"),
    ("chemical not an object", unit("氯"), "chemicals[0]"),
]


@pytest.mark.parametrize(("data", "field"), [(d, f) for _, d, f in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_an_error_naming_its_field(data: Any, field: str) -> None:
    with pytest.raises(AssessmentError) as caught:
        assess_json(data)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


def test_the_core_api_gives_fractions() -> None:
    result = assess(
        parse_unit(unit({"name": "氯", "tonnes": 20}, {"name": "氨", "tonnes": 30}, population=120))
    )
    assert (
        result.s == Fraction(7) and result.r == Fraction(44) and result.major and result.grade == 3
    )


def test_a_missing_beta_is_only_an_error_when_r_is_needed() -> None:
    # 10 t benzene (Table 1, Q = 50 t) has no Table 3 β and no category: S = 0.2 < 1, so the
    # unit is not a major hazard and R (which would need β) is not needed: r is null.
    small = assess_json(unit({"name": "苯", "tonnes": 10}))
    assert (small["s"], small["r"], small["grade"], small["major"]) == (0.2, None, None, False)
    assert small["contributions"][0]["beta"] is None
    # With a category the same unit has its R; past S = 1 without one it is an error (BAD).
    given = assess_json(unit({"name": "苯", "category": "W5.3", "tonnes": 10}))
    assert given["r"] == 0.1  # α 0.5 (no residents) × β 1 (Table 4 W5.3) × 0.2
