"""Small array tools the checks share: runs of flagged hours, trailing daily baselines."""

from __future__ import annotations

import warnings

import numpy as np

DAY = 24


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open [start, end) index ranges where ``mask`` is true."""
    if not mask.any():
        return []
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()
    return list(zip(starts, ends, strict=True))


def hysteresis_runs(z: np.ndarray, high: float, low: float) -> list[tuple[int, int]]:
    """Runs where z ≥ low that hold at least one hour with z ≥ high (an episode starts on a
    clear signal and lasts while the signal stays above the lower level)."""
    z = np.nan_to_num(z, nan=-np.inf)
    strong = z >= high
    return [(a, b) for a, b in runs(z >= low) if strong[a:b].any()]


def trailing_daily(x: np.ndarray, days: int = 7, min_count: int = DAY,
                   first_hour: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Median and robust spread (1.4826·MAD) of ``x`` over the ``days`` whole days before each
    hour's day, per hour (NaN with fewer than ``min_count`` valid hours). Updating once a day
    keeps a year of many points fast; an event of a few hours barely moves a week's median.
    ``first_hour`` is the hour of the day column 0 falls on, so days are calendar days."""
    n = len(x)
    pad_front = first_hour % DAY
    total = pad_front + n
    n_days = -(-total // DAY)
    padded = np.full(n_days * DAY, np.nan)
    padded[pad_front:pad_front + n] = x
    by_day = padded.reshape(n_days, DAY)
    median = np.full(n_days, np.nan)
    spread = np.full(n_days, np.nan)
    if n_days > 1:
        lead = np.full((days, DAY), np.nan)
        history = np.concatenate((lead, by_day[:-1]))  # day d sees days d-days … d-1
        windows = np.lib.stride_tricks.sliding_window_view(history, days, axis=0)
        windows = windows.transpose(0, 2, 1).reshape(n_days, days * DAY)
        count = np.sum(~np.isnan(windows), axis=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(windows, axis=1)
            mad = np.nanmedian(np.abs(windows - med[:, None]), axis=1) * 1.4826
        ok = count >= min_count
        median[ok], spread[ok] = med[ok], mad[ok]
    per_hour = np.repeat(median, DAY)[pad_front:pad_front + n]
    spread_hour = np.repeat(spread, DAY)[pad_front:pad_front + n]
    return per_hour, spread_hour


def stouffer(z: np.ndarray) -> float:
    """Combined score of an episode's hours: Σz/√n (a longer episode is surer)."""
    z = z[np.isfinite(z)]
    return float(z.sum() / np.sqrt(len(z))) if len(z) else 0.0
