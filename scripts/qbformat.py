"""Numbers in words for tables and figures: rates, durations, percentages.

Input: numbers (or None). Output: short strings; None is always "-".
"""

from __future__ import annotations


def si(x: float | None, unit: str = "") -> str:
    """4812345 -> '4.81M'."""
    if x is None:
        return "-"
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "K")):
        if abs(x) >= scale * 0.9995:  # 999,700 is "1M", not "1e+03K"
            return f"{x / scale:.3g}{suffix}{unit}"
    return f"{x:.3g}{unit}"


def duration(ns: float | None) -> str:
    """53900 -> '53.9 us'."""
    if ns is None:
        return "-"
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "us")):
        if abs(ns) >= scale * 0.9995:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def ns(x: float | None) -> str:
    """A latency in whole ns with thousands separators: 21345 -> '21,345'."""
    return "-" if x is None else f"{x:,.0f}"


def pct(fraction: float | None, digits: int = 1) -> str:
    """0.0523 -> '5.2%'."""
    return "-" if fraction is None else f"{fraction * 100:.{digits}f}%"


def signed_pct(fraction: float | None) -> str:
    """-0.2 -> '-20.0%'; 0.031 -> '+3.1%'."""
    return "-" if fraction is None else f"{fraction * 100:+.1f}%"


def change(fraction: float | None) -> str:
    """B / A - 1 as people read it: '+3.1%' and '-20.0%' for small changes, a
    ratio from twice up ('17.7x', '1,772x'), where a percentage would read
    '+177058.6%'."""
    if fraction is None:
        return "-"
    ratio = 1 + fraction
    if ratio >= 100:
        return f"{ratio:,.0f}x"
    if ratio >= 2:
        return f"{ratio:.1f}x"
    return signed_pct(fraction)


def plural(n: int, word: str) -> str:
    """(1, 'point') -> '1 point'; (3, 'point') -> '3 points'."""
    return f"{n} {word}{'s' if n != 1 else ''}"
