"""How far apart two figures may be and still agree: one table for every check.

Each stage compares stated figures with recomputed ones; these are the allowances it grants, so
that a figure written to two decimals is never flagged for the digits it could not write.
"""

POINTS = 0.005
"""Weights, scores, totals and grade minimums are written to two decimals: half a hundredth."""

PRINTED_RATE = 0.01
"""A rate or score copied from a form printed to two decimals (the national 执行率 and 得分, an
indicator's 预算执行率 beside the fund table's) may differ by a hundredth from its arithmetic."""

FLOAT = 1e-9
"""Noise of floating-point arithmetic on weights, scores and ratios (a total exactly at a band)."""

AMOUNT = 1e-6
"""The same for amounts in 元 and rates in percent, which carry more digits."""
