from datetime import date

import pytest

from zoneops.hazards.duties import period_of, previous_period


@pytest.mark.parametrize(("cadence", "day", "start", "end"), [
    ("weekly", date(2026, 12, 4), date(2026, 11, 30), date(2026, 12, 6)),  # a Friday
    ("weekly", date(2026, 11, 30), date(2026, 11, 30), date(2026, 12, 6)),  # a Monday
    ("monthly", date(2026, 2, 14), date(2026, 2, 1), date(2026, 2, 28)),
    ("monthly", date(2028, 2, 29), date(2028, 2, 1), date(2028, 2, 29)),
    ("monthly", date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
    ("quarterly", date(2026, 12, 4), date(2026, 10, 1), date(2026, 12, 31)),
    ("quarterly", date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
])
def test_period_of(cadence, day, start, end) -> None:
    assert period_of(cadence, day) == (start, end)


def test_previous_period_crosses_the_year() -> None:
    assert previous_period("quarterly", date(2027, 1, 5)) == (date(2026, 10, 1),
                                                              date(2026, 12, 31))
    assert previous_period("weekly", date(2027, 1, 1)) == (date(2026, 12, 21),
                                                           date(2026, 12, 27))
    with pytest.raises(ValueError):
        period_of("daily", date(2026, 1, 1))
