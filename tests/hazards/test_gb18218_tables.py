"""GB 18218-2018 Tables 1–6 as data: every Table 1 row's CAS check digit, and the rows the
reference page lists (which we trust) found with the same critical quantity."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from zoneops.hazards.gb18218 import is_valid_cas, load_tables
from zoneops.hazards.gb18218.cas import cas_check_digit
from zoneops.hazards.gb18218.tables import DATA, fold_name

TABLES = load_tables()
TABLE1 = json.loads((DATA / "gb18218_table1.json").read_text(encoding="utf-8"))["rows"]
ALL_CAS = [(row["no"], cas) for row in TABLE1 for cas in row["cas"]]


def test_table1_has_the_85_rows_in_order() -> None:
    assert [row["no"] for row in TABLE1] == list(range(1, 86))
    assert len(TABLES.table1) == 85


@pytest.mark.parametrize(("no", "cas"), ALL_CAS, ids=[f"{no}:{cas}" for no, cas in ALL_CAS])
def test_every_table1_cas_has_a_right_check_digit(no: int, cas: str) -> None:
    assert is_valid_cas(cas), f"Table 1 row {no}: {cas}"


def test_rows_without_a_cas_are_the_mixtures_and_groups_only() -> None:
    assert sorted(row["name"] for row in TABLE1 if not row["cas"]) == sorted(
        ["煤气(CO,CO和H2、CH4的混合物等)", "硝酸铵肥料(含可燃物≤0.4%)", "烷基铝"]
    )


def test_check_digit_catches_a_one_digit_slip() -> None:
    assert cas_check_digit("778250") == 5
    assert is_valid_cas("7782-50-5")
    for wrong in "012346789":
        assert not is_valid_cas(f"7782-50-{wrong}")
    assert not is_valid_cas("7782-05-5")  # swapped digits
    assert not is_valid_cas("16810-58-7")  # an OCR slip of barium azide's 18810-58-7 seen online
    assert not is_valid_cas("7782505") and not is_valid_cas("1-50-5")


def test_no_name_points_at_two_rows() -> None:
    seen: dict[str, int] = {}
    for chemical in TABLES.table1:
        for name in chemical.names():
            key = fold_name(name)
            assert seen.setdefault(key, chemical.no) == chemical.no, (
                f"{name!r}: rows {seen[key]} and {chemical.no}"
            )


# The rows hazards.md lists (name as it writes it → Q in t).
REFERENCE_Q = {
    "氨": "10",
    "二氧化氮": "1",
    "二氧化硫": "20",
    "氟": "1",
    "光气": "0.3",
    "环氧乙烷": "10",
    "甲醛(含量>90%)": "5",
    "磷化氢": "1",
    "硫化氢": "5",
    "氯化氢(无水)": "20",
    "氯": "5",
    "煤气(CO,CO和H2、CH4的混合物等)": "20",
    "溴甲烷": "10",
    "丙烯醛": "20",
    "氟化氢": "1",
    "环氧氯丙烷": "20",
    "TDI": "100",
    "氰化氢": "1",
    "三氧化硫": "75",
    "溴": "20",
    "异氰酸甲酯": "0.75",
    "1,3-丁二烯": "5",
    "二甲醚": "50",
    "甲烷": "50",
    "天然气": "50",
    "氯乙烯": "50",
    "氢": "5",
    "液化石油气": "50",
    "一甲胺": "5",
    "乙炔": "1",
    "乙烯": "50",
    "氧气": "200",
    "苯": "50",
    "苯乙烯": "500",
    "丙酮": "500",
    "丙烯腈": "50",
    "二硫化碳": "50",
    "环己烷": "500",
    "1,2-环氧丙烷": "10",
    "甲苯": "500",
    "甲醇": "500",
    "汽油": "200",
    "乙醇": "500",
    "乙醚": "10",
    "乙酸乙酯": "500",
    "正己烷": "500",
}


@pytest.mark.parametrize(("name", "q"), REFERENCE_Q.items())
def test_reference_rows_have_the_reference_critical_quantity(name: str, q: str) -> None:
    assert TABLES.by_name[fold_name(name)].q == Fraction(q)


def test_table2_and_table4_match_the_reference() -> None:
    q = {
        "J1": 5,
        "J2": 50,
        "J3": 50,
        "J4": 50,
        "J5": 500,
        "W1.1": 1,
        "W1.2": 10,
        "W1.3": 50,
        "W2": 10,
        "W3": 150,
        "W4": 50,
        "W5.1": 10,
        "W5.2": 50,
        "W5.3": 1000,
        "W5.4": 5000,
        "W6.1": 10,
        "W6.2": 50,
        "W7.1": 10,
        "W7.2": 50,
        "W8": 50,
        "W9.1": 50,
        "W9.2": 200,
        "W10": 200,
        "W11": 200,
    }
    beta = {
        "J1": 4,
        "J2": 1,
        "J3": 2,
        "J4": 2,
        "J5": 1,
        "W1.1": 2,
        "W1.2": 2,
        "W1.3": 2,
        "W2": Fraction(3, 2),
        "W3": 1,
        "W4": 1,
        "W5.1": Fraction(3, 2),
        "W5.2": 1,
        "W5.3": 1,
        "W5.4": 1,
        "W6.1": Fraction(3, 2),
        "W6.2": 1,
        "W7.1": Fraction(3, 2),
        "W7.2": 1,
        "W8": 1,
        "W9.1": 1,
        "W9.2": 1,
        "W10": 1,
        "W11": 1,
    }
    assert {code: c.q for code, c in TABLES.categories.items()} == q
    assert {code: c.beta for code, c in TABLES.categories.items()} == beta


def test_table3_matches_the_reference_and_links_to_table1() -> None:
    beta = {
        "一氧化碳": 2,
        "二氧化硫": 2,
        "氨": 2,
        "环氧乙烷": 2,
        "氯化氢": 3,
        "溴甲烷": 3,
        "氯": 4,
        "硫化氢": 5,
        "氟化氢": 5,
        "二氧化氮": 10,
        "氰化氢": 10,
        "碳酰氯": 20,
        "磷化氢": 20,
        "异氰酸甲酯": 20,
    }
    assert {name: b for name, b in TABLES.beta_by_name.values()} == beta
    for name, value in beta.items():
        if name != "一氧化碳":  # the only Table 3 gas without a Table 1 row
            assert TABLES.beta_by_table1_no[TABLES.by_name[fold_name(name)].no] == value


def test_table5_and_table6_bands() -> None:
    assert [(b.minimum, b.maximum, b.alpha) for b in TABLES.alpha_bands] == [
        (100, None, 2),
        (50, 99, Fraction(3, 2)),
        (30, 49, Fraction(6, 5)),
        (1, 29, 1),
        (0, 0, Fraction(1, 2)),
    ]
    assert [(g.grade, g.r_min, g.r_below) for g in TABLES.grade_bands] == [
        (1, 100, None),
        (2, 50, 100),
        (3, 10, 50),
        (4, None, 10),
    ]


def test_data_files_cite_the_standard() -> None:
    for path in Path(DATA).glob("gb18218_*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["standard"].startswith("GB 18218-2018")
        assert "2019-03-01" in doc["edition"]
