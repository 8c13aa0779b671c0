"""The logger simulator builds uploads that decode to what it was given."""

from __future__ import annotations

from datetime import datetime

from zoneops.hj212 import Measurement, decode
from zoneops.hj212.simulator import hourly_upload, make_qn, minute_upload, realtime_upload

WHEN = datetime(2024, 6, 1, 8, 30, 0)


def test_make_qn() -> None:
    assert make_qn(datetime(2024, 6, 1, 8, 30, 5, 123456)) == "20240601083005123"


def test_realtime_upload() -> None:
    packet = decode(realtime_upload(
        mn="STATION1", pw="123456", data_time=WHEN,
        values={"a21026": 12.5, "a21004": (3.0, "M"), "a01001": {"Rtd": 21.5, "EFlag": "x"}},
    ))
    assert (packet.cn, packet.st, packet.flag, packet.qn) == ("2011", "22", 5, make_qn(WHEN))
    assert packet.cp.data_time == WHEN
    assert packet.cp.items == {
        "a21026": Measurement(rtd=12.5, flag="N"),
        "a21004": Measurement(rtd=3.0, flag="M"),
        "a01001": Measurement(rtd=21.5, eflag="x"),
    }


def test_period_uploads() -> None:
    minute = decode(minute_upload(mn="A", pw="1", data_time=WHEN, values={"w01018": 30.0},
                                  st="32", flag=4, qn="20240601083100000"))
    assert (minute.cn, minute.st, minute.flag, minute.qn) == ("2051", "32", 4, "20240601083100000")
    assert minute.cp.items["w01018"] == Measurement(min=30.0, avg=30.0, max=30.0, flag="N")
    hourly = decode(hourly_upload(mn="A", pw="1", data_time=WHEN.replace(minute=0),
                                  values={"w00000": {"Avg": 2.5, "Cou": 9000.0}}))
    assert hourly.cn == "2061"
    assert hourly.cp.items["w00000"] == Measurement(avg=2.5, cou=9000.0)
