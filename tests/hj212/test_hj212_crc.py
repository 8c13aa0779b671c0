"""The HJ 212 CRC: the standard's vectors, equivalence of the fast and literal versions."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from zoneops.hj212 import crc16, crc16_bitwise, crc16_hex

HJ = settings.get_profile("hj212")
EXAMPLE_SEGMENT = (
    b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;"
    b"Flag=5;CP=&&RtdInterval=30&&"
)


def crc16_modbus(data: bytes) -> int:
    """What implementations often use by mistake: the byte goes into the low byte."""
    register = 0xFFFF
    for byte in data:
        register ^= byte
        for _ in range(8):
            register = (register >> 1) ^ 0xA001 if register & 1 else register >> 1
    return register


def test_check_value() -> None:
    assert crc16(b"123456789") == 0x2F80
    assert crc16_bitwise(b"123456789") == 0x2F80


def test_is_not_modbus() -> None:
    assert crc16_modbus(b"123456789") == 0x4B37  # the premise: this is MODBUS
    assert crc16(b"123456789") != 0x4B37


def test_standard_example_segment() -> None:
    assert len(EXAMPLE_SEGMENT) == 101
    assert crc16_hex(EXAMPLE_SEGMENT) == "1C80"


def test_empty_and_formatting() -> None:
    assert crc16(b"") == 0xFFFF
    assert crc16_hex(b"") == "FFFF"
    text = crc16_hex(b"x")
    assert len(text) == 4 and text == text.upper()


def test_table_equals_bitwise_every_short_length() -> None:
    for length in range(70):
        for _ in range(30):
            data = os.urandom(length)
            assert crc16(data) == crc16_bitwise(data), data


def test_accepts_bytearray_and_memoryview() -> None:
    data = os.urandom(333)
    assert crc16(bytearray(data)) == crc16(memoryview(data)) == crc16_bitwise(data)


@HJ
@given(st.binary(max_size=2048))
def test_table_equals_bitwise(data: bytes) -> None:
    assert crc16(data) == crc16_bitwise(data)


def test_only_256_values() -> None:
    # The weakness the codec guards against: the result depends on 8 bits of state only.
    values = {crc16(os.urandom(20)) for _ in range(5000)}
    assert len(values) <= 256
