"""The command-line functions and ``python -m zoneops.hj212``."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import zoneops.hj212
from zoneops.hj212 import decode, encode
from zoneops.hj212.cli import decode_lines, decode_stream, encode_args, main
from zoneops.hj212.crc import crc16_hex

EXAMPLE = (
    "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;"
    "Flag=5;CP=&&RtdInterval=30&&1C80"
)
KEYS = {"ok", "error", "code", "qn", "st", "cn", "pw", "mn", "flag", "version", "pnum", "pno",
        "cp", "cp_groups"}


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_decode_lines_text() -> None:
    out = io.StringIO()
    lines = [EXAMPLE + "\r\n", "\n", EXAMPLE.replace("1C80", "1C81") + "\n", f"  {EXAMPLE} \t"]
    assert decode_lines(lines, out) == (2, 1)
    good, bad, again = records(out.getvalue())
    assert set(good) == set(bad) == KEYS
    assert good["ok"] is True and good["error"] is None and good["code"] is None
    assert (good["qn"], good["st"], good["cn"], good["pw"], good["flag"]) == (
        "20160801085857223", "32", "1062", "100000", 5,
    )
    assert good["cp"] == {"RtdInterval": "30"}
    assert bad["ok"] is False and bad["code"] == "crc_mismatch"
    assert "1C81" in bad["error"] and bad["qn"] is None
    assert again == good


def test_decode_lines_bytes_keeps_order_and_reports_bad_utf8() -> None:
    frame = encode_args(st="22", cn="2011", pw="1", mn="站点", cp="b=2;a=1;c=3")
    broken = b"##0003\xff\xfe\xfd" + b"0000\r\n"
    out = io.StringIO()
    assert decode_lines([frame, broken], out) == (1, 1)
    good, bad = records(out.getvalue())
    assert list(good["cp"]) == ["b", "a", "c"] and good["mn"] == "站点"
    assert bad["code"] == "crc_mismatch"
    assert "站点" in out.getvalue()  # not escaped: readable in a terminal


def test_decode_stream() -> None:
    one = encode_args(st="22", cn="2011", pw="1", mn="A", flag=5, cp="a21026-Rtd=1")
    out = io.StringIO()
    assert decode_stream(io.BytesIO(b"junk" + one + one[:20]), out, chunk=7) == (1, 2)
    assert [r["code"] for r in records(out.getvalue())] == ["garbage", None, "incomplete"]


def test_encode_args() -> None:
    frame = encode_args(st="22", cn="2011", pw="123456", mn="A", flag=5,
                        qn="20240601080000000", cp="DataTime=20240601080000;a21026-Rtd=1.5")
    packet = decode(frame)
    assert packet.cp.items["a21026"].rtd == 1.5 and packet.qn == "20240601080000000"


def test_main_encode_then_decode(tmp_path: Path, capsysbinary: pytest.CaptureFixture) -> None:
    status = main(["encode", "--st", "22", "--cn", "2011", "--pw", "1", "--mn", "A",
                   "--flag", "5", "--cp", "a21026-Rtd=1"])
    frame = capsysbinary.readouterr().out
    assert status == 0 and frame.endswith(b"\r\n") and decode(frame).mn == "A"
    path = tmp_path / "frames.txt"
    path.write_bytes(frame + b"garbage line\n")
    assert main(["decode", str(path)]) == 1
    first, second = records(capsysbinary.readouterr().out.decode())
    assert first["ok"] and second["code"] == "bad_header"


def test_main_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["encode", "--st", "22", "--cn", "2011", "--pw", "1", "--mn", "A;B"]) == 1
    assert "field_syntax" in capsys.readouterr().err
    assert main(["decode", str(tmp_path / "missing")]) == 2
    with pytest.raises(SystemExit):
        main([])


def test_python_dash_m() -> None:
    src = Path(zoneops.hj212.__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(src)}
    result = subprocess.run(
        [sys.executable, "-m", "zoneops.hj212", "decode"],
        input=(EXAMPLE + "\r\n").encode(), capture_output=True, env=env, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cn"] == "1062"


def test_decode_shows_pnum_pno_and_every_repeated_cp_group():
    frame = encode(st="22", cn="3020", pw="123456", mn="M1", flag=7, qn="20240101120000000",
                   pnum=2, pno=1,
                   cp="DataTime=20240101120000;PolId=a21026;a21026-Info=1;"
                      "PolId=a21004;a21004-Info=2")
    out = io.StringIO()
    decode_lines([frame], out)
    record = json.loads(out.getvalue())
    assert (record["pnum"], record["pno"]) == (2, 1)
    assert [g.get("PolId") for g in record["cp_groups"]] == ["a21026", "a21004"]


def test_keep_bad_values_decodes_the_rest_of_a_frame_as_the_gateway_stores_it(
        capsysbinary: pytest.CaptureFixture, tmp_path: Path) -> None:
    body = (b"QN=20240601080000000;ST=22;CN=2011;PW=1;MN=A;Flag=5;"
            b"CP=&&DataTime=20240601080000;a21026-Rtd=1.5;a21028-Rtd=&&")
    frame = b"##%04d" % len(body) + body + crc16_hex(body).encode() + b"\r\n"
    path = tmp_path / "frames.txt"
    path.write_bytes(frame)
    # Strict by default: the whole frame is refused.
    assert main(["decode", str(path)]) == 1
    strict = records(capsysbinary.readouterr().out.decode())[0]
    assert strict["code"] == "number_syntax" and "invalid" not in strict
    for extra in ([], ["--stream"]):
        assert main(["decode", "--keep-bad-values", *extra, str(path)]) == 0
        kept = records(capsysbinary.readouterr().out.decode())[0]
        assert kept["ok"] is True and kept["cp"]["a21026-Rtd"] == "1.5"
        assert list(kept["invalid"]) == ["a21028-Rtd"], extra
    # A frame with nothing wrong lists nothing left out; any other fault is still refused.
    out = io.StringIO()
    assert decode_lines([EXAMPLE, EXAMPLE.replace("1C80", "1C81")], out,
                        keep_bad_values=True) == (1, 1)
    good, bad = records(out.getvalue())
    assert good["invalid"] == {} and bad["code"] == "crc_mismatch"
