"""HJ 212: the Chinese national protocol environmental data loggers (数采仪) use to report to a
monitoring platform - HJ/T 212-2005, HJ 212-2017 and what is known of HJ 212-2025.

Pure Python and the standard library only (an optional compiled module, ``_speedups.c``,
takes the CRC and plain data areas when it was built; see ``_accel``): framing and the HJ 212
CRC (which is not CRC-16/MODBUS), strict decoding with a machine-readable reason for every
rejected frame, an incremental re-framer for TCP streams, answers (9011-9014), split-packet
reassembly, the code tables, and a small logger simulator. No I/O, no clock, no framework.

Modules: ``codec`` (decode/encode whole frames), ``segment`` (the data segment), ``crc``,
``stream`` (Reframer), ``answers``, ``split``, ``codes`` (code tables), ``simulator``, ``cli``
(``python -m zoneops.hj212 decode|encode``), ``errors``.

Typical server use::

    from zoneops.hj212 import Reframer, answer_for

    reframer = Reframer()                       # one per TCP connection
    for frame in reframer.feed(data):           # never raises
        if not frame.ok:
            log(frame.error.code, frame.error)  # count rejects by code
            continue
        store(frame.packet)                     # commit first ...
        reply = answer_for(frame.packet)        # ... then answer (9014/9013) or None
        if reply is not None:
            send(reply)
"""

from .answers import (
    answer_flag,
    answer_for,
    data_answer,
    execution_answer,
    notice_answer,
    request_answer,
)
from .codec import MAX_DATA_LENGTH, build_frame, decode, encode, encode_packet, unwrap_frame
from .crc import crc16, crc16_bitwise, crc16_hex
from .errors import ERROR_CODES, HJ212Error
from .packet import DataArea, Measurement, Packet, flag_version
from .segment import (
    format_data_area,
    format_data_segment,
    format_number,
    format_time,
    parse_data_area,
    parse_data_segment,
    parse_number,
    parse_time,
)
from .split import Reassembled, SplitAssembler, merge_parts
from .stream import MAX_FRAME_LENGTH, Frame, Reframer

__all__ = [
    "ERROR_CODES",
    "MAX_DATA_LENGTH",
    "MAX_FRAME_LENGTH",
    "DataArea",
    "Frame",
    "HJ212Error",
    "Measurement",
    "Packet",
    "Reassembled",
    "Reframer",
    "SplitAssembler",
    "answer_flag",
    "answer_for",
    "build_frame",
    "crc16",
    "crc16_bitwise",
    "crc16_hex",
    "data_answer",
    "decode",
    "encode",
    "encode_packet",
    "execution_answer",
    "flag_version",
    "format_data_area",
    "format_data_segment",
    "format_number",
    "format_time",
    "merge_parts",
    "notice_answer",
    "parse_data_area",
    "parse_data_segment",
    "parse_number",
    "parse_time",
    "request_answer",
    "unwrap_frame",
]
