"""The engine's explanations as messages, so each reader sees them in their own language.

A message is ``{"msgid": English text with %(name)s fields, "params": {name: value}}``, the
spec core.models.alerts.render_spec translates with gettext when it is shown (a parameter may
itself be a message, or a name kept in both languages as data: ``{"zh-hans": …, "en": …}``).
The engine stays free of Django: ``N_`` only marks a message id for the catalogue, as
gettext_noop does, and :func:`english` writes a message in its source language
(the CLI's JSON). Figures are formatted here, once, so both languages show the same digits.
"""

from __future__ import annotations

from typing import Any

Message = dict[str, Any]


def N_(message: str) -> str:  # noqa: N802 — the gettext_noop convention
    return message


def msg(msgid: str, **params: Any) -> Message:
    return {"msgid": msgid, "params": params}


def english(message: Any) -> str:
    """A message in its source language (English), its parameters written in too."""
    if isinstance(message, dict) and "msgid" in message:
        params = {k: english(v) for k, v in (message.get("params") or {}).items()}
        return message["msgid"] % params if params else message["msgid"]
    if isinstance(message, dict):  # a name in both languages
        return str(message.get("en") or next(iter(message.values()), ""))
    return "" if message is None else str(message)


def num(x: float) -> str:
    """A figure: three significant digits, no exponent (the same in every language)."""
    a = abs(x)
    text = f"{x:.0f}" if a >= 100 else f"{x:.1f}" if a >= 10 else f"{x:.2f}" if a >= 1 \
        else f"{x:.3g}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(x: float, *, sign: bool = False) -> str:
    """A share as a whole percentage: ``85%``, with ``sign`` ``+23%`` / ``-23%``."""
    return f"{x:+.0%}" if sign else f"{x:.0%}"


# Clauses of one explanation follow each other with a semicolon (Chinese: ；).
CLAUSES = N_("%(first)s; %(rest)s")
# A list of names: "S1, S2 and N2" (Chinese: S1、S2 和 N2).
LIST_ITEMS = N_("%(first)s, %(rest)s")
LIST_LAST = N_("%(items)s and %(last)s")


def clauses(parts: list[Any]) -> Message | str:
    """Clauses one after the other, as nested messages (render_spec needs no lists)."""
    if not parts:
        return ""
    out = parts[-1]
    for part in reversed(parts[:-1]):
        out = msg(CLAUSES, first=part, rest=out)
    return out


def listing(names: list[str]) -> Message | str:
    """Names as a list read aloud: ``S1, S2 and N2``."""
    if len(names) < 2:
        return names[0] if names else ""
    items: Message | str = names[-2]
    for name in reversed(names[:-2]):
        items = msg(LIST_ITEMS, first=name, rest=items)
    return msg(LIST_LAST, items=items, last=names[-1])
