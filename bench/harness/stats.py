"""Percentiles of measured latencies."""

from __future__ import annotations

import math
import statistics


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list: the smallest value with at least q %
    of the values at or below it."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(q * len(sorted_values) / 100)))
    return sorted_values[rank - 1]


def latency_summary(sorted_ms: list[float]) -> dict[str, float | None]:
    """p50, p95, p99 and max of sorted latencies, in ms."""
    summary: dict[str, float | None] = {f"p{q}": round(percentile(sorted_ms, q), 2) for q in (50, 95, 99)}
    summary["max"] = round(sorted_ms[-1], 2) if sorted_ms else None
    return summary


def spread(values: list[float]) -> dict[str, float] | None:
    """Median, min and max of a few repeated measurements (None when there are none)."""
    if not values:
        return None
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
        "n": len(values),
    }
