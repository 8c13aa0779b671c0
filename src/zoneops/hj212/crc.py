"""The HJ 212 check sum (HJ 212-2017 Appendix A).

It is *not* CRC-16/MODBUS: each byte is XORed into the register *after* shifting it right by
eight, so only eight bits of state enter each step. ``123456789`` gives 0x2F80 here and
0x4B37 under MODBUS. Because of that shape the result takes only 256 distinct values, which is
why the codec never trusts the CRC alone.
"""

from __future__ import annotations

import sys
from array import array

from ._accel import speedups

__all__ = ["crc16", "crc16_bitwise", "crc16_hex", "crc16_python"]


def crc16_bitwise(data: bytes) -> int:
    """The algorithm exactly as the standard words it; the reference the fast version is built
    from and tested against."""
    register = 0xFFFF
    for byte in data:
        register = (register >> 8) ^ byte
        for _ in range(8):
            low_bit = register & 1
            register >>= 1
            if low_bit:
                register ^= 0xA001
    return register


# After `register >> 8` the register holds just eight bits (old high byte XOR input byte), and
# the eight shift steps are a function of those eight bits alone: one table lookup per byte.
_TABLE: tuple[int, ...] = tuple(crc16_bitwise(bytes([i ^ 0xFF])) for i in range(256))
# (crc16_bitwise of one byte b computes the steps on 0xFF ^ b, hence the i ^ 0xFF above.)

# The eight bits carried from one byte to the next are the high byte of the table entry.
_HIGH: bytes = bytes(entry >> 8 for entry in _TABLE)

# Two bytes at a time: with the state s (8 bits) and a little-endian 16-bit word w made of the
# next bytes b1 (low) and b2 (high), the state after both is HIGH[HIGH[s ^ b1] ^ b2]. s only
# touches the low byte, so that is a function of (w ^ s): a 64 KiB table halves the Python-level
# loop, which is most of the cost of decoding a frame.
_PAIR: bytes = bytes(_HIGH[_HIGH[w & 0xFF] ^ (w >> 8)] for w in range(65536))
_BIG_ENDIAN = sys.byteorder == "big"


def crc16_python(data: bytes | bytearray | memoryview) -> int:
    """HJ 212 CRC of ``data`` (the UTF-8 bytes of the data segment), in Python."""
    n = len(data)
    if n == 0:
        return 0xFFFF
    # Walk all but the last byte in 16-bit words, then finish byte-wise so the last step can
    # return the full 16-bit register rather than just the carried state.
    body = n - 1 if n % 2 else n - 2
    words = array("H", bytes(data[:body]))
    if _BIG_ENDIAN:
        words.byteswap()
    state = 0xFF  # high byte of the initial register 0xFFFF
    pair = _PAIR
    for word in words:
        state = pair[word ^ state]
    if n - body == 2:
        state = _HIGH[state ^ data[body]]
    return _TABLE[state ^ data[n - 1]]


# The compiled CRC (same table walk, byte by byte) when built: a fifth of decoding a frame.
crc16 = speedups.crc16 if speedups is not None else crc16_python


def crc16_hex(data: bytes | bytearray | memoryview) -> str:
    """The CRC as the four upper-case hex digits a frame carries."""
    return f"{crc16(data):04X}"
