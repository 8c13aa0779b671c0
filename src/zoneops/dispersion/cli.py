"""``zoneops dispersion predict`` and ``zoneops trace``: ``main(argv) -> exit code``.

Both read a JSON document (--in), write JSON to --out or stdout; bad input gives one line
naming the field on stderr and exit code 2; nothing is written then.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from typing import TextIO

from .inversion import trace_document
from .model import predict_case
from .schema import InputError


def _read(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise InputError("--in", f"cannot read {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise InputError("--in", f"not valid JSON: {exc.msg} at line {exc.lineno}") from exc


def _write(result: dict, out: str | None, stdout: TextIO) -> None:
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        stdout.write(text)
        return
    directory = os.path.dirname(os.path.abspath(out))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".zoneops-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, out)  # all or nothing


def _run(kind: str, argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    prog = "zoneops dispersion predict" if kind == "predict" else "zoneops trace"
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--in", dest="inp", required=True, metavar="FILE.json")
    parser.add_argument("--out", dest="out", metavar="OUT.json")
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        doc = _read(args.inp)
        if kind == "predict":
            result = predict_case(doc).as_json()
        else:
            trace, projection = trace_document(doc)
            result = trace.as_json(projection)
        _write(result, args.out, stdout)
    except InputError as exc:
        stderr.write(f"error: {exc}\n")
        return 2
    except OSError as exc:
        stderr.write(f"error: --out: {exc}\n")
        return 1
    return 0


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """``predict --in ...`` or ``trace --in ...``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if not argv or argv[0] not in ("predict", "trace"):
        stderr.write("usage: predict|trace --in FILE.json [--out OUT.json]\n")
        return 2
    return _run(argv[0], argv[1:], stdout, stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
