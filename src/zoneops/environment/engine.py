"""The alarm engine: a pure function of a rule, its saved state and one new observation.

No Django, no clock, no I/O: the caller gives times (seconds since the epoch, UTC) and saves
the state (``State.to_dict()``) wherever it likes, so alarms survive a restart.

One rule has tiers, lowest first (e.g. 关注 < 预警 < 报警), each with an ``on`` level and an
``off`` level (hysteresis: the tier holds until the measure falls below ``off``). A tier is
entered only when the measure has stayed at or above its ``on`` level for
``duration_readings`` observations in a row AND for ``duration_seconds``. The state moves to
the highest tier it qualifies for (escalation), drops to a lower one when the measure falls
below the current tier's ``off`` (de-escalation), clears when below every ``off``, and re-arms
at once after clearing.

What "the measure" is depends on the rule's kind:

* ``level``: the value itself. Only data flags N and T may raise a pollution alarm
  (HJ 212-2017 Table 8); a reading with any other flag is ignored by this kind.
* ``rate``: the rise per minute since the previous valid reading (falls count as negative).
* ``quality``: how many readings in a row carried a non-alarming flag (F, M, S, D, C, B...).
* ``rejects``: the caller's count of rejected packets in a row (passed as the value).
* ``no_data``: how long the station has been silent, in multiples of its own no-data time
  (tier ``on`` = 1 means "silent for its no-data time"); see :func:`silence`.
* ``clock``: how far the logger's clock runs ahead of the gateway's, in multiples of the
  station's allowed skew (passed as the value, like ``rejects``).

"Exceeds" means strictly above: for ``level`` and ``rate`` (limit values, where a value equal
to the limit complies) a tier is entered when the measure is above ``on`` and held while it
stays above ``off``. The counting kinds (quality, rejects, no_data, clock) compare with >=:
"3 bad readings in a row" is reached at 3.

A drop (de-escalation or clear) waits ``clear_seconds`` of the measure staying down, so one
dip does not end an alarm. Each raise from the cleared state starts a new *episode*
(``State.episode`` counts them): the caller raises a new alert for it, so an alarm that comes
back after "cause cleared" is heard again. ``State.top`` is the highest tier of the episode
(a de-escalated alarm still says how bad it was).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ALARMING_FLAGS",
    "KINDS",
    "Rule",
    "Sample",
    "State",
    "Tier",
    "Transition",
    "apply",
    "feed",
    "feed_owned",
    "silence",
    "step",
]

ALARMING_FLAGS = frozenset({"N", "T"})
KINDS = ("level", "rate", "quality", "rejects", "no_data", "clock")
STRICT_KINDS = frozenset({"level", "rate"})  # limit values: equal to the limit complies


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    level: int
    on: float
    off: float | None = None  # defaults to ``on`` (no hysteresis)

    @property
    def clear_below(self) -> float:
        return self.on if self.off is None else self.off


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    kind: str
    tiers: tuple[Tier, ...]
    duration_readings: int = 1
    duration_seconds: float = 0.0
    clear_seconds: float = 0.0  # a drop waits this long with the measure down
    strict: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "strict", self.kind in STRICT_KINDS)
        if self.kind not in KINDS:
            raise ValueError(f"rule {self.key}: unknown kind {self.kind!r}")
        if not self.tiers:
            raise ValueError(f"rule {self.key}: at least one tier is needed")
        for lower, higher in zip(self.tiers, self.tiers[1:], strict=False):
            if higher.on <= lower.on:
                raise ValueError(f"rule {self.key}: tier {higher.name} must be above "
                                 f"{lower.name} (on {higher.on} <= {lower.on})")
        for tier in self.tiers:
            if tier.clear_below > tier.on:
                raise ValueError(f"rule {self.key}: tier {tier.name} clears at "
                                 f"{tier.clear_below}, above its on level {tier.on}")
        if self.duration_readings < 1:
            raise ValueError(f"rule {self.key}: duration_readings must be at least 1")
        if self.clear_seconds < 0 or self.duration_seconds < 0:
            raise ValueError(f"rule {self.key}: durations cannot be negative")

    @classmethod
    def from_dict(cls, key: str, data: Mapping[str, Any]) -> Rule:
        tiers = tuple(Tier(str(t["name"]), int(t["level"]), float(t["on"]),
                           None if t.get("off") is None else float(t["off"]))
                      for t in data["tiers"])
        return cls(key, str(data["kind"]), tiers, int(data.get("duration_readings") or 1),
                   float(data.get("duration_seconds") or 0),
                   float(data.get("clear_seconds") or 0))


@dataclass(frozen=True, slots=True)
class Sample:
    t: float
    value: float | None
    flag: str = "N"


@dataclass(slots=True)
class State:
    tier: int = -1
    entered_at: float | None = None
    # Per tier: [readings in a row at or above ``on``, time of the first of them] or None.
    streaks: list[list[float] | None] = field(default_factory=list)
    last_t: float | None = None
    last_value: float | None = None  # last valid value (rate)
    bad: int = 0  # non-alarming flags in a row (quality)
    peak: float | None = None  # highest measure while in a tier
    episode: int = 0  # raises from the cleared state so far (each is a new alert)
    top: int = -1  # highest tier of the current (or last) episode
    drop_since: float | None = None  # since when a drop has been waiting (clear_seconds)

    def to_dict(self) -> dict[str, Any]:
        """Only what differs from a fresh state (from_dict fills in the rest): a station's
        states are saved with every batch, so their size is ingest time."""
        out: dict[str, Any] = {}
        if self.tier != -1:
            out["tier"] = self.tier
        if self.entered_at is not None:
            out["entered_at"] = self.entered_at
        if any(self.streaks):
            out["streaks"] = self.streaks
        if self.last_t is not None:
            out["last_t"] = self.last_t
        if self.last_value is not None:
            out["last_value"] = self.last_value
        if self.bad:
            out["bad"] = self.bad
        if self.peak is not None:
            out["peak"] = self.peak
        if self.episode:
            out["episode"] = self.episode
        if self.top != -1:
            out["top"] = self.top
        if self.drop_since is not None:
            out["drop_since"] = self.drop_since
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, rule: Rule | None = None) -> State:
        data = data or {}
        state = cls(int(data.get("tier", -1)), data.get("entered_at"),
                    [list(s) if s else None for s in data.get("streaks") or []],
                    data.get("last_t"), data.get("last_value"), int(data.get("bad", 0)),
                    data.get("peak"), int(data.get("episode", 0)), int(data.get("top", -1)),
                    data.get("drop_since"))
        if rule is not None:  # the rule may have been edited since the state was saved
            n = len(rule.tiers)
            state.streaks = (state.streaks + [None] * n)[:n]
            state.tier = min(state.tier, n - 1)
            state.top = min(state.top, n - 1)
        return state


@dataclass(frozen=True, slots=True)
class Transition:
    action: str  # "raise", "escalate", "deescalate", "clear"
    tier: int  # the new tier, -1 when cleared
    previous: int
    level: int  # level of the new tier (of the previous one when cleared)
    name: str  # name of the new tier (of the previous one when cleared)
    measure: float
    t: float
    peak: float | None
    episode: int = 0  # the episode this transition belongs to
    top: int = -1  # highest tier of the episode so far


def _copy(state: State, n: int) -> State:
    streaks = [list(s) if s else None for s in state.streaks]
    streaks = (streaks + [None] * n)[:n]
    return State(state.tier, state.entered_at, streaks, state.last_t, state.last_value,
                 state.bad, state.peak, state.episode, state.top, state.drop_since)


def apply(rule: Rule, state: State, t: float, measure: float) -> tuple[State, Transition | None]:
    """Feed one measure observed at ``t``: the tier logic shared by every kind."""
    if _quiet(rule, state, measure):
        return _moved(state, len(rule.tiers), state.last_t, state.last_value, state.bad), None
    return _apply_general(rule, state, t, measure)


def _quiet(rule: Rule, state: State, measure: float) -> bool:
    """Below every tier with nothing pending (the usual case): the general path would only
    move the clock, so :func:`_moved` gives its result without its work."""
    on = rule.tiers[0].on
    return (state.tier < 0 and (measure <= on if rule.strict else measure < on)
            and not any(state.streaks))


def _moved(state: State, n: int, last_t: float | None, last_value: float | None, bad: int
           ) -> State:
    # Nothing is pending, so the streaks are all None: the list is shared when it has the
    # right length (the engine changes only a fresh copy's list in place, see _copy).
    streaks = state.streaks if len(state.streaks) == n else [None] * n
    return State(-1, state.entered_at, streaks, last_t, last_value, bad, state.peak,
                 state.episode, state.top, None)


def _apply_general(rule: Rule, state: State, t: float, measure: float
                   ) -> tuple[State, Transition | None]:
    tiers = rule.tiers
    new_state = _copy(state, len(tiers))
    streaks = new_state.streaks
    strict = rule.strict
    for i, tier in enumerate(tiers):
        if measure > tier.on if strict else measure >= tier.on:
            run = streaks[i] or [0, t]
            streaks[i] = [run[0] + 1, run[1]]
        else:
            streaks[i] = None
    up = -1
    for i, run in enumerate(streaks):
        if run and run[0] >= rule.duration_readings and t - run[1] >= rule.duration_seconds:
            up = i
    hold = -1
    for j in range(state.tier + 1):
        off = tiers[j].clear_below
        if measure > off if strict else measure >= off:
            hold = j
    new = max(up, hold)
    old = state.tier
    new_state.drop_since = None
    if new < old and rule.clear_seconds > 0:  # a drop waits for the measure to stay down
        since = t if state.drop_since is None else state.drop_since
        if t - since < rule.clear_seconds:
            new, new_state.drop_since = old, since
    new_state.tier = new
    if new >= 0:
        new_state.peak = measure if new_state.peak is None else max(new_state.peak, measure)
    if new == old:
        return new_state, None
    if new > old:
        action = "raise" if old < 0 else "escalate"
        if old < 0:
            new_state.episode, new_state.top = state.episode + 1, new
        else:
            new_state.top = max(new_state.top, new)
    else:
        action = "clear" if new < 0 else "deescalate"
    shown = tiers[new] if new >= 0 else tiers[old]
    transition = Transition(action, new, old, shown.level, shown.name, measure, t,
                            new_state.peak, new_state.episode, new_state.top)
    new_state.entered_at = t if new >= 0 else None
    if new < 0:
        new_state.peak = None
    return new_state, transition


def step(rule: Rule, state: State, sample: Sample) -> tuple[State, Transition | None]:
    """Feed one reading (or, for ``rejects``, the reject count as ``value``).

    Readings older than or as old as the last one seen are ignored: a resent packet must
    not replay history (ingest is idempotent, and so is this).
    """
    return feed(rule, state, sample.t, sample.value, sample.flag)


def feed(rule: Rule, state: State, t: float, value: float | None, flag: str | None
         ) -> tuple[State, Transition | None]:
    """:func:`step` with the sample's fields as arguments (the hot path builds no Sample)."""
    kind = rule.kind
    if kind == "no_data":
        # Data arrived: the station is not silent. ``t`` must be the arrival time.
        return apply(rule, state, t, 0.0)
    if state.last_t is not None and t <= state.last_t:
        return state, None
    if flag not in ALARMING_FLAGS:
        flag = (flag or "N").upper()
    if kind == "quality":
        bad = 0 if flag in ALARMING_FLAGS else state.bad + 1
        if _quiet(rule, state, bad):
            return _moved(state, len(rule.tiers), t, state.last_value, bad), None
        new_state, transition = apply(rule, state, t, float(bad))
        new_state.bad, new_state.last_t = bad, t
        return new_state, transition
    if kind == "rejects" or kind == "clock":
        new_state, transition = apply(rule, state, t, float(value or 0))
        new_state.last_t = t
        return new_state, transition
    if value is None or flag not in ALARMING_FLAGS:
        return state, None  # a data-quality event, not pollution: the quality rule sees it
    if kind == "level" and _quiet(rule, state, value):
        return _moved(state, len(rule.tiers), t, value, state.bad), None
    if kind == "rate":
        if state.last_value is None or state.last_t is None:
            new_state = _copy(state, len(rule.tiers))
            new_state.last_t, new_state.last_value = t, value
            return new_state, None
        per_minute = (value - state.last_value) / (t - state.last_t) * 60.0
        new_state, transition = apply(rule, state, t, per_minute)
    else:
        new_state, transition = apply(rule, state, t, value)
    new_state.last_t, new_state.last_value = t, value
    return new_state, transition


def feed_owned(rule: Rule, state: State, t: float, value: float | None, flag: str | None
               ) -> tuple[State, Transition | None]:
    """:func:`feed` for a caller that owns ``state`` (holds the only reference to it, and
    drops it if its work is rolled back): a quiet step - below every tier, nothing pending,
    a reading with flag N or T - updates ``state`` in place and returns it instead of
    building a new State. Those are nearly all of a gateway batch's steps (every reading
    feeds its factor's quality rule). Every other step is :func:`feed`'s."""
    if state.tier < 0 and len(state.streaks) == len(rule.tiers) and not any(state.streaks):
        kind, on = rule.kind, rule.tiers[0].on
        if kind == "no_data":
            if 0.0 < on:
                return state, None  # data arrived, nothing was pending: nothing changes
        elif state.last_t is None or t > state.last_t:
            if kind == "quality":
                if flag in ALARMING_FLAGS and 0.0 < on:
                    state.last_t, state.bad = t, 0
                    return state, None
            elif kind == "level":
                if flag in ALARMING_FLAGS and value is not None and value <= on:
                    state.last_t, state.last_value = t, value
                    return state, None
            elif kind == "rejects" or kind == "clock":
                if float(value or 0) < on:
                    state.last_t = t
                    return state, None
    return feed(rule, state, t, value, flag)


def silence(rule: Rule, state: State, now: float, last_seen: float | None,
            no_data_seconds: float) -> tuple[State, Transition | None]:
    """A ``no_data`` rule checked at ``now``: the measure is the silence in multiples of the
    station's no-data time. A station never seen is not judged (nothing to miss yet)."""
    if last_seen is None or no_data_seconds <= 0:
        return state, None
    return apply(rule, state, now, max(0.0, now - last_seen) / no_data_seconds)


def run(rule: Rule, samples: Iterable[Sample], state: State | None = None
        ) -> tuple[State, list[Transition]]:
    """Feed many samples; handy for tests and replays."""
    state = state or State()
    out = []
    for sample in samples:
        state, transition = step(rule, state, sample)
        if transition is not None:
            out.append(transition)
    return state, out
