"""Ballot rules, counting and the choice of winners. Pure: no Django, plain data in and out.

Rules: APPROVAL — choose up to `max_picks` candidates, at most `caps[category]` in a category;
BUDGET — choose candidates whose estimated costs add up to at most `budget`.

Tie rule (stated on the results page): candidates are ranked by total votes; equal totals are
ordered by lower estimated cost first, then by lower candidate number (the order in which they
were listed). A winner decided by this rule against a candidate with the same votes is marked
`tie_broken` so the committee sees it before confirming.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

APPROVAL = "approval"
BUDGET = "budget"


@dataclass(frozen=True)
class Option:
    id: int
    number: int
    category: str
    cost: Decimal


@dataclass(frozen=True)
class Rule:
    kind: str
    max_picks: int | None = None
    budget: Decimal | None = None
    caps: Mapping[str, int] | None = None


def ballot_problems(rule: Rule, options: Mapping[int, Option], chosen: Iterable[int]) -> list[str]:
    """Every reason the chosen candidate ids are not a valid ballot (empty list: valid)."""
    picks = list(chosen)
    problems: list[str] = []
    if not picks:
        problems.append("choose at least one project")
    if len(set(picks)) != len(picks):
        problems.append("a project was chosen twice")
    unknown = [p for p in picks if p not in options]
    if unknown:
        problems.append("a chosen project is not on this ballot")
    known = [options[p] for p in dict.fromkeys(picks) if p in options]
    if rule.kind == APPROVAL:
        if rule.max_picks is not None and len(known) > rule.max_picks:
            problems.append(f"at most {rule.max_picks} projects may be chosen")
        for category, cap in sorted((rule.caps or {}).items()):
            n = sum(1 for o in known if o.category == category)
            if n > cap:
                problems.append(f"at most {cap} projects may be chosen in {category}")
    elif rule.kind == BUDGET:
        total = sum((o.cost for o in known), Decimal(0))
        if rule.budget is not None and total > rule.budget:
            problems.append(f"the chosen projects cost {total}, more than the budget "
                            f"{rule.budget}")
    else:
        problems.append(f"unknown rule {rule.kind}")
    return problems


@dataclass(frozen=True)
class Standing:
    option: Option
    online: int
    paper: int
    rank: int
    winner: bool
    tie_broken: bool

    @property
    def total(self) -> int:
        return self.online + self.paper


def rank_key(option: Option, votes: int) -> tuple:
    return (-votes, option.cost, option.number)


def standings(rule: Rule, options: Iterable[Option], online: Mapping[int, int],
              paper: Mapping[int, int], winners_wanted: int | None) -> list[Standing]:
    """Rank every candidate and mark the computed winners.

    APPROVAL: the first `winners_wanted` in rank order win (all candidates with a vote when it
    is None). BUDGET: walk the ranking and take each candidate that still fits in the budget
    (the usual greedy rule of participatory budgeting); a candidate with no votes never wins."""
    opts = list(options)
    totals = {o.id: online.get(o.id, 0) + paper.get(o.id, 0) for o in opts}
    ordered = sorted(opts, key=lambda o: rank_key(o, totals[o.id]))
    chosen: set[int] = set()
    if rule.kind == BUDGET:
        left = rule.budget if rule.budget is not None else Decimal(0)
        for o in ordered:
            if totals[o.id] > 0 and o.cost <= left:
                chosen.add(o.id)
                left -= o.cost
    else:
        limit = len(ordered) if winners_wanted is None else winners_wanted
        chosen = {o.id for o in ordered[:limit] if totals[o.id] > 0}
    result = []
    for index, o in enumerate(ordered, start=1):
        won = o.id in chosen
        # A tie mattered when someone with the same votes ended on the other side of the line.
        tie = any(totals[p.id] == totals[o.id] and (p.id in chosen) != won
                  for p in ordered if p.id != o.id) and totals[o.id] > 0
        result.append(Standing(o, online.get(o.id, 0), paper.get(o.id, 0), index, won, tie))
    return result
