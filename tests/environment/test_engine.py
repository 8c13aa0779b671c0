"""The pure alarm engine on its own: tiers, duration, hysteresis, rate, quality, no data,
escalation, re-arming, and state that survives a restart (a JSON round trip)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zoneops.environment import engine
from zoneops.environment.engine import Rule, Sample, State, Tier, run, silence, step

H2S = Rule("h2s", "level", (Tier("关注", 1, 0.02, 0.015), Tier("预警", 2, 0.03, 0.025),
                            Tier("报警", 4, 0.06, 0.05)))


def samples(values, flag="N", start=0.0, every=60.0):
    return [Sample(start + i * every, v, flag) for i, v in enumerate(values)]


def test_escalates_deescalates_clears_and_rearms():
    _, out = run(H2S, samples([0.01, 0.025, 0.035, 0.07, 0.055, 0.04, 0.02, 0.01, 0.07]))
    assert [(t.action, t.name, t.level) for t in out] == [
        ("raise", "关注", 1), ("escalate", "预警", 2), ("escalate", "报警", 4),
        ("deescalate", "预警", 2), ("deescalate", "关注", 1), ("clear", "关注", 1),
        ("raise", "报警", 4)]


def test_hysteresis_holds_between_off_and_on():
    rule = Rule("r", "level", (Tier("报警", 4, 1.0, 0.8),))
    _, out = run(rule, samples([1.01, 0.9, 0.85, 0.99, 0.8]))
    assert [t.action for t in out] == ["raise", "clear"]


def test_duration_in_readings_and_seconds():
    by_count = Rule("r", "level", (Tier("报警", 4, 1.0),), duration_readings=3)
    _, out = run(by_count, samples([2, 2, 0, 2, 2, 2]))
    assert [(t.action, t.t) for t in out] == [("raise", 300.0)]
    by_time = Rule("r", "level", (Tier("报警", 4, 1.0),), duration_seconds=120)
    _, out = run(by_time, samples([2, 2, 2, 2]))
    assert [(t.action, t.t) for t in out] == [("raise", 120.0)]


def test_only_n_and_t_flags_raise_pollution_alarms():
    rule = Rule("r", "level", (Tier("报警", 4, 1.0),))
    for flag in "FMSDCB":
        assert run(rule, samples([5, 5], flag=flag))[1] == []
    assert [t.action for t in run(rule, samples([5], flag="T"))[1]] == ["raise"]


def test_quality_counts_bad_flags_in_a_row():
    rule = Rule("q", "quality", (Tier("数据异常", 1, 3),))
    seq = [Sample(i, 1.0, f) for i, f in enumerate("NDDNDDDDN")]
    _, out = run(rule, seq)
    assert [(t.action, t.t) for t in out] == [("raise", 6), ("clear", 8)]


def test_rate_of_change_per_minute():
    rule = Rule("rate", "rate", (Tier("快速上升", 1, 0.5),))
    _, out = run(rule, samples([0.0, 0.1, 0.8, 0.9]))  # +0.7 in one minute
    assert [(t.action, t.t) for t in out] == [("raise", 120.0), ("clear", 180.0)]


def test_no_data_in_multiples_of_the_station_time():
    rule = Rule("nd", "no_data", (Tier("离线", 2, 1.0),))
    state = State()
    state, t = silence(rule, state, now=500, last_seen=0, no_data_seconds=600)
    assert t is None
    state, t = silence(rule, state, now=600, last_seen=0, no_data_seconds=600)
    assert t.action == "raise"
    state, t = step(rule, state, Sample(700, 0.0))  # data arrived
    assert t.action == "clear"
    assert silence(rule, State(), now=10**6, last_seen=None, no_data_seconds=600)[1] is None


def test_old_and_repeated_readings_change_nothing():
    state, out = run(H2S, samples([0.07]))
    assert [t.action for t in out] == ["raise"]
    again, out = run(H2S, [Sample(-60, 0.0), Sample(0, 0.07)], state)  # older, and resent
    assert out == [] and again.to_dict() == state.to_dict()


def test_bad_rules_are_refused():
    with pytest.raises(ValueError, match="above"):
        Rule("r", "level", (Tier("a", 1, 2.0), Tier("b", 2, 1.0)))
    with pytest.raises(ValueError, match="clears"):
        Rule("r", "level", (Tier("a", 1, 1.0, 2.0),))
    with pytest.raises(ValueError, match="kind"):
        Rule("r", "nonsense", (Tier("a", 1, 1.0),))


values = st.lists(st.tuples(st.floats(0, 0.1, allow_nan=False), st.sampled_from("NNNNTDF")),
                  max_size=60)


@settings(max_examples=200, deadline=None)
@given(values, st.integers(0, 60))
def test_state_survives_a_restart_anywhere(seq, cut):
    """Serialising the state (as the database does) at any point changes nothing."""
    rule = Rule("r", "level", H2S.tiers, duration_readings=2)
    stream = [Sample(i * 10.0, v, f) for i, (v, f) in enumerate(seq)]
    _, straight = run(rule, stream)
    state, first = run(rule, stream[:cut])
    saved = json.loads(json.dumps(state.to_dict()))  # only what differs from a fresh state
    for restored in (State.from_dict(saved, rule), State.from_dict(saved)):
        _, second = run(rule, stream[cut:], restored)
        assert first + second == straight


@settings(max_examples=200, deadline=None)
@given(values)
def test_transitions_are_consistent(seq):
    state, out = run(H2S, [Sample(i, v, f) for i, (v, f) in enumerate(seq)])
    tier = -1
    for t in out:
        assert t.previous == tier
        assert (t.action == "raise") == (tier == -1 and t.tier >= 0)
        assert (t.action == "clear") == (t.tier == -1)
        tier = t.tier
    assert state.tier == tier
    # Without duration or hysteresis the tier is exactly the highest one reached by the last
    # valid value.
    plain = Rule("p", "level", tuple(Tier(t.name, t.level, t.on) for t in H2S.tiers))
    state, _ = run(plain, [Sample(i, v, f) for i, (v, f) in enumerate(seq)])
    valid = [v for v, f in seq if f in engine.ALARMING_FLAGS]
    if valid:
        expected = max((i for i, t in enumerate(plain.tiers) if valid[-1] > t.on), default=-1)
        assert state.tier == expected


@settings(max_examples=300, deadline=None)
@given(values, st.floats(0, 0.1, allow_nan=False), st.integers(1, 3))
def test_quiet_fast_path_matches_the_general_path(seq, measure, duration):
    """`apply` skips its work below every tier with nothing pending; from any reachable
    state, it must give exactly what the full tier logic gives."""
    rule = Rule("r", "level", H2S.tiers, duration_readings=duration)
    state, _ = run(rule, [Sample(i * 10.0, v, f) for i, (v, f) in enumerate(seq)])
    t = len(seq) * 10.0 + 10
    assert engine.apply(rule, state, t, measure) == engine._apply_general(rule, state, t,
                                                                          measure)


RULES = {
    "level": H2S,
    "quality": Rule("q", "quality", (Tier("关注", 1, 3.0), Tier("报警", 3, 6.0))),
    "rejects": Rule("j", "rejects", (Tier("关注", 1, 5.0),)),
    "no_data": Rule("n", "no_data", (Tier("关注", 1, 1.0),)),
    "rate": Rule("r", "rate", (Tier("关注", 1, 0.01),)),
}
steps = st.lists(st.tuples(st.floats(-5, 20), st.one_of(st.none(), st.floats(0, 10)),
                           st.sampled_from(["N", "N", "T", "D", "F", "n", None])),
                 max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(RULES)), st.integers(1, 2), steps)
def test_feeding_an_owned_state_in_place_matches_feeding_a_fresh_one(kind, duration, seq):
    """`feed_owned` changes quiet states in place; every state and transition it gives must
    equal `feed`'s, step by step, whatever came before (old readings, bad flags, tiers)."""
    rule = Rule(RULES[kind].key, kind, RULES[kind].tiers, duration_readings=duration)
    pure, owned = State(), State()
    t = 0.0
    for dt, value, flag in seq:
        t += dt
        pure, expected = engine.feed(rule, pure, t, value, flag)
        owned, got = engine.feed_owned(rule, owned, t, value, flag)
        assert got == expected
        assert owned == pure


def test_quiet_steps_of_an_owned_state_build_nothing():
    for rule, value in ((H2S, 0.001), (RULES["quality"], 0.5), (RULES["rejects"], 0.0),
                        (RULES["no_data"], 0.0)):
        state, _ = engine.feed(rule, State(), 10.0, value, "N")
        before = engine.feed(rule, state, 20.0, value, "N")[0]
        same, transition = engine.feed_owned(rule, state, 20.0, value, "N")
        assert same is state and transition is None
        assert state == before  # and equal to what feed builds anew
    rising, transition = engine.feed_owned(H2S, State(), 30.0, 0.05, "N")
    assert transition is not None and rising.tier == 1  # not quiet: feed's own path


def test_exceeds_means_strictly_above_for_limits_and_at_least_for_counts():
    limit = Rule("r", "level", (Tier("报警", 4, 0.06, 0.05),))
    assert run(limit, samples([0.06, 0.06]))[1] == []  # equal to the limit complies
    _, out = run(limit, samples([0.0601, 0.051, 0.05]))
    assert [t.action for t in out] == ["raise", "clear"]  # held above off, cleared at it
    counted = Rule("q", "quality", (Tier("数据异常", 1, 3),))
    assert [t.t for t in run(counted, [Sample(i, 1.0, "D") for i in range(3)])[1]] == [2]


def test_a_drop_waits_for_the_clear_delay():
    rule = Rule("r", "level", (Tier("预警", 2, 1.0, 0.8), Tier("报警", 4, 2.0, 1.6)),
                clear_seconds=300)
    # one dip (60 s) ends nothing; staying down 300 s de-escalates, then clears
    _, out = run(rule, samples([2.5, 0.1, 2.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.1, 0.1,
                                0.1, 0.1, 0.1, 0.1]))
    assert [(t.action, t.name, t.t) for t in out] == [
        ("raise", "报警", 0.0), ("deescalate", "预警", 480.0), ("clear", "预警", 840.0)]


def test_each_return_after_a_clear_is_a_new_episode_and_top_is_kept():
    rule = Rule("nh3", "level", (Tier("预警", 2, 1.0), Tier("报警", 4, 1.5)))
    state, out = run(rule, samples([0.5, 1.6, 1.2, 0.5, 1.6]))
    assert [(t.action, t.episode, t.top) for t in out] == [
        ("raise", 1, 1), ("deescalate", 1, 1), ("clear", 1, 1), ("raise", 2, 1)]
    saved = State.from_dict(json.loads(json.dumps(state.to_dict())), rule)
    assert (saved.episode, saved.top) == (2, 1)


def test_clock_kind_counts_multiples_of_the_allowed_skew():
    rule = Rule("c", "clock", (Tier("时钟异常", 1, 1.0),))
    state, t = engine.feed(rule, State(), 10.0, 36.0, "N")  # 3 h fast with 300 s allowed
    assert t.action == "raise" and t.measure == 36.0
    state, t = engine.feed(rule, state, 20.0, 0.0, "N")
    assert t.action == "clear"
