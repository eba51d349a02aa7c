"""Exact dividend allocation (S-11, S-12): pure functions, integer fen, no float anywhere.

    reserve = net income × reserve rate, rounded half-up (四舍五入) to the fen      (S-11)
    D       = net income − reserve                                                  (fen)
    S       = Σ units × type weight over the entitled holdings                      (S-12)
    line_h  = ⌊D · w_h / S⌋ fen, w_h = Σ units × weight of holder h's entitled holdings
    the D − Σ line_h leftover fen go one each to the largest remainders, compared exactly (as integer
    numerators over the common denominator S), ties by ascending holder code.      Σ lines = D exactly.

Weights are scaled to integers by the largest number of decimals among them, so every comparison is an
integer comparison: the result does not depend on the order the claims are given in, and re-running gives
the same lines. Python's ``round()`` and Decimal's default context round half to even; neither is used.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, Rounded, localcontext
from fractions import Fraction
from typing import NamedTuple

from registry.services.errors import DomainError

ALGORITHM_VERSION = "S-12/1"
ROUNDING_MODE = "largest_remainder"
FEN = Decimal("0.01")


class Holding(NamedTuple):
    """One entitled or non-entitled holding of a holder: ``units`` (Decimal, 4 places) of a type whose
    ``weight`` multiplies them; ``counts`` False leaves it out of S and out of the lines (a collective
    share the charter keeps out of the divisor, S-07)."""

    holder: str
    units: Decimal
    weight: Decimal = Decimal(1)
    counts: bool = True


class Line(NamedTuple):
    """One holder's line (a tuple: cheap for 100,000 holders)."""

    holder: str
    units: Decimal  # Σ units × weight of the holder's entitled holdings
    amount_fen: int

    @property
    def amount(self) -> Decimal:
        return Decimal(self.amount_fen).scaleb(-2)


@dataclass(frozen=True)
class Allocation:
    net_income_fen: int
    reserve_fen: int
    distributable_fen: int
    total_units: Decimal
    lines: tuple[Line, ...]

    @property
    def reserve(self) -> Decimal:
        return Decimal(self.reserve_fen).scaleb(-2)

    @property
    def distributable(self) -> Decimal:
        return Decimal(self.distributable_fen).scaleb(-2)

    @property
    def net_income(self) -> Decimal:
        return Decimal(self.net_income_fen).scaleb(-2)


def to_fen(amount: Decimal) -> int:
    """Yuan → integer fen; refuses negative amounts and amounts finer than the fen."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise DomainError("dividend.amount_invalid", "金额必须是数字", rule="S-12")
    if amount < 0:
        raise DomainError("dividend.amount_negative", "净收益不能为负数", rule="S-12")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise DomainError("dividend.amount_precision", "金额最多保留两位小数（分）", rule="S-12")
    return int(fen)


def reserve_fen(net_income_fen: int, rate: Decimal) -> int:
    """net income × rate rounded half-up to the fen, computed exactly (S-11)."""
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate < 0 or rate > 1:
        raise DomainError("dividend.rate_invalid", "公积公益金提取比例应在 0 到 100% 之间", rule="S-11")
    exact = Fraction(net_income_fen) * Fraction(rate)
    return int((exact + Fraction(1, 2)).__floor__())


def _scale(values: list[Decimal]) -> int:
    """The power of ten that makes every value an integer: an exact sum's exponent is the smallest of
    its terms' (one Decimal addition per value instead of a tuple per value)."""
    with localcontext() as ctx:
        ctx.prec = 200  # exact: no rounding, so the exponent is the terms' smallest
        exponent = sum(values, Decimal(0)).as_tuple().exponent
        if ctx.flags[Rounded]:  # not exact after all: look at every term
            exponent = min((v.as_tuple().exponent for v in values), default=0)
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def holder_weights(holdings: Iterable[Holding]) -> dict[str, Decimal]:
    """Σ units × weight per holder over the holdings that count (S-07, S-12). Holders whose holdings
    all stay out of the divisor are left out."""
    weights: dict[str, Decimal] = {}
    with localcontext() as ctx:
        ctx.prec = 80  # exact for any Numeric(12,4) units and weights summed over millions of holdings
        for h in holdings:
            if h.units < 0 or h.weight < 0:
                raise DomainError("shares.invalid", "股份数与权重不能为负数", rule="S-12")
            if not h.counts:
                continue
            weights[h.holder] = weights.get(h.holder, Decimal(0)) + h.units * h.weight
    return weights


def split(distributable_fen: int, weights: dict[str, Decimal]) -> tuple[Line, ...]:
    """Split ``distributable_fen`` over ``weights`` by S-12; lines ordered by holder code."""
    return _split(distributable_fen, weights)[0]


def _split(distributable_fen: int, weights: dict[str, Decimal]) -> tuple[tuple[Line, ...], Decimal]:
    """The lines and S (Σ weights, exact)."""
    if distributable_fen < 0:
        raise DomainError("dividend.amount_negative", "可分配金额不能为负数", rule="S-12")
    holders = sorted(weights)
    values = [weights[h] for h in holders]
    places = _scale(values)
    scaled = [int(v.scaleb(places)) for v in values]
    total = sum(scaled)
    total_units = Decimal(total).scaleb(-places)
    if total == 0:
        if distributable_fen == 0:
            return tuple(Line(h, v, 0) for h, v in zip(holders, values)), total_units
        raise DomainError("dividend.no_units", "没有参与分配的股份，无法分配收益", rule="S-12")
    amounts = []
    remainders = []
    append_amount, append_remainder = amounts.append, remainders.append
    for i, w in enumerate(scaled):
        q, r = divmod(distributable_fen * w, total)
        append_amount(q)
        if r:
            append_remainder((-r, i))  # i follows the holder codes' order: ties by ascending code
    leftover = distributable_fen - sum(amounts)
    # leftover < number of holders with a non-zero remainder: each of the largest gets one fen
    if leftover:
        for _, i in sorted(remainders)[:leftover]:
            amounts[i] += 1
    return tuple(map(Line, holders, values, amounts)), total_units


def allocate(net_income: Decimal, reserve_rate: Decimal, holdings: Iterable[Holding]) -> Allocation:
    """The whole round: reserve (S-11), D, and the lines (S-12). Σ line amounts == distributable."""
    return allocate_weights(net_income, reserve_rate, holder_weights(holdings))


def allocate_weights(net_income: Decimal, reserve_rate: Decimal, weights: dict[str, Decimal]) -> Allocation:
    """:func:`allocate` over the holders' weighted units already summed (``{holder: Σ units × weight}``)."""
    net = to_fen(net_income)
    reserve = reserve_fen(net, reserve_rate)
    distributable = net - reserve
    if any(w < 0 for w in weights.values()):
        raise DomainError("shares.invalid", "股份数与权重不能为负数", rule="S-12")
    lines, total = _split(distributable, weights)
    return Allocation(net, reserve, distributable, total, lines)
