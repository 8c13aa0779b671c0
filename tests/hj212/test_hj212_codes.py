"""The code tables are data: consistent, and lookups behave."""

from __future__ import annotations

import re

from zoneops.hj212.codes import (
    COMMAND_CODES,
    DATA_FLAGS,
    DATA_UPLOAD_CNS,
    EXE_RTN,
    NOTICE_CNS,
    POLLUTANTS,
    POLLUTANTS_BY_2005_CODE,
    QN_RTN,
    SYSTEM_CODES,
    pollutant,
)


def test_system_and_command_codes() -> None:
    assert SYSTEM_CODES["91"].en == "system interaction"
    assert SYSTEM_CODES["27"].zh == "挥发性有机物监测"
    assert set(SYSTEM_CODES) == {"21", "22", "23", "24", "25", "26", "27", "31", "32", "33",
                                 "39", "51", "52", "91"}
    assert COMMAND_CODES["2011"].en == "real-time data"
    assert {"9011", "9012", "9013", "9014", "9015", "3011", "3021"} <= set(COMMAND_CODES)
    assert DATA_UPLOAD_CNS <= set(COMMAND_CODES) and NOTICE_CNS <= set(COMMAND_CODES)
    assert all(code == row.code for code, row in COMMAND_CODES.items())


def test_only_n_and_t_may_alarm() -> None:
    assert set(DATA_FLAGS) == set("NFMSDCTB")
    assert {code for code, row in DATA_FLAGS.items() if row.may_alarm} == {"N", "T"}


def test_return_codes() -> None:
    assert QN_RTN[9] == "CRC error" and QN_RTN[100] == "unknown error"
    assert EXE_RTN[1] == "success" and EXE_RTN[100] == "no data"


def test_pollutants() -> None:
    assert all(re.fullmatch(r"[aw]\d{5}", code) for code in POLLUTANTS)
    assert all(p.zh and p.en for p in POLLUTANTS.values())
    so2 = pollutant("a21026")
    assert so2 is not None and (so2.en, so2.zh, so2.code_2005) == ("SO2", "二氧化硫", "02")
    assert pollutant("011") == POLLUTANTS["w01018"]  # 2005 code of COD
    assert pollutant("B02") == POLLUTANTS["a00000"]
    assert len(POLLUTANTS_BY_2005_CODE) == sum(
        1 for p in POLLUTANTS.values() if p.code_2005 is not None
    )
    assert pollutant("a99999") is None


def test_process_codes() -> None:
    inlet = pollutant("e10201")
    outlet = pollutant("e20601")
    assert inlet is not None and "inlet COD" in inlet.en and inlet.zh == "进口化学需氧量"
    assert outlet is not None and outlet.en.startswith("outlet pH")
    assert pollutant("e10701") is None
