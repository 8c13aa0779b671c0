"""The balance engine's explanations in the reader's language: the engine returns each
finding's message id and figures (balance/messages.py); they are translated here, when shown,
never when computed or stored."""

from __future__ import annotations

from typing import Any

from zoneops.core.models.alerts import render_spec

from .balance import Anomaly


def why(anomaly: Anomaly) -> str:
    """The finding's explanation in the active language (its English text if the message
    cannot be rendered: a message id from another release)."""
    return render_why(anomaly.message(), anomaly.why)


def render_why(spec: Any, fallback: str = "") -> str:
    try:
        return render_spec(spec)
    except (KeyError, TypeError, ValueError):
        return fallback or str(spec)
