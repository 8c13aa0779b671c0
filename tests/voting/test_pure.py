"""The pure cores: ID check characters, codes, ballot rules and the tie rule."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from zoneops.voting import codes, idcard, rules


def test_known_id_numbers():
    assert idcard.is_valid("11010519491231002X")  # the specimen printed in GB 11643
    assert idcard.is_valid(" 11010519491231002x ")  # lower-case x and spaces are typing
    assert idcard.problem("110105194912310021") == "the check character does not match " \
                                                   "(mistyped?)"
    assert idcard.problem("1101051949123100") == "must be 18 characters"
    assert idcard.problem("11010519491231A02X") == "the first 17 characters must be digits"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_every_single_digit_typo_is_caught(first17):
    number = first17 + idcard.check_char(first17)
    assert idcard.is_valid(number)
    for position in range(17):
        for digit in "0123456789":
            if digit != number[position]:
                typo = number[:position] + digit + number[position + 1:]
                assert not idcard.is_valid(typo)


def test_codes_have_enough_entropy_and_no_look_alikes():
    assert codes.code_bits() > 48
    assert not set("01ILOUV") & set(codes.ALPHABET)
    code = codes.new_code()
    assert len(code) == 10 and set(code) <= set(codes.ALPHABET)
    assert codes.normalize_code(codes.pretty(code).lower()) == code
    assert codes.keyed_hash("a", "x") != codes.keyed_hash("b", "x")


OPTS = {1: rules.Option(1, 1, "道路", Decimal(300)), 2: rules.Option(2, 2, "道路", Decimal(500)),
        3: rules.Option(3, 3, "公园", Decimal(80)), 4: rules.Option(4, 4, "公园", Decimal(120))}


def test_approval_rule():
    rule = rules.Rule(rules.APPROVAL, max_picks=2, caps={"道路": 1})
    assert rules.ballot_problems(rule, OPTS, [1, 3]) == []
    assert rules.ballot_problems(rule, OPTS, [1, 3, 4]) == ["at most 2 projects may be chosen"]
    assert rules.ballot_problems(rule, OPTS, [1, 2]) == [
        "at most 1 projects may be chosen in 道路"]
    assert rules.ballot_problems(rule, OPTS, []) == ["choose at least one project"]
    assert "a chosen project is not on this ballot" in rules.ballot_problems(rule, OPTS, [9])
    assert "a project was chosen twice" in rules.ballot_problems(rule, OPTS, [3, 3])


def test_budget_rule():
    rule = rules.Rule(rules.BUDGET, budget=Decimal(600))
    assert rules.ballot_problems(rule, OPTS, [2, 3]) == []
    assert rules.ballot_problems(rule, OPTS, [1, 2]) == [
        "the chosen projects cost 800, more than the budget 600"]


def test_ties_go_to_the_cheaper_then_the_earlier_candidate():
    rule = rules.Rule(rules.APPROVAL, max_picks=2)
    online = {1: 5, 2: 3, 3: 3, 4: 1}
    table = rules.standings(rule, OPTS.values(), online, {4: 2}, winners_wanted=2)
    assert [(s.option.id, s.total, s.winner) for s in table] == [
        (1, 5, True), (3, 3, True), (4, 3, False), (2, 3, False)]
    assert [s.tie_broken for s in table] == [False, True, True, True]
    assert table[2].paper == 2


def test_budget_winners_are_taken_greedily_while_they_fit():
    rule = rules.Rule(rules.BUDGET, budget=Decimal(600))
    online = {1: 9, 2: 8, 3: 7, 4: 0}
    # 300 fits, 500 does not (800 > 700), 80 fits; 120 has no votes.
    table = rules.standings(rules.Rule(rules.BUDGET, budget=Decimal(700)), OPTS.values(),
                            online, {}, None)
    assert {s.option.id for s in table if s.winner} == {1, 3}
    assert rule.kind == rules.BUDGET
