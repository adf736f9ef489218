"""Which scheme a workbook follows, from the 一级 and 三级 names it uses."""

from __future__ import annotations

from typing import Iterable

from ...read.speed import memo
from .load import available
from .model import Scheme, name_key


def match_counts(scheme: Scheme, level1_names: Iterable[object], indicator_names: Iterable[object]) -> tuple[int, int]:
    """(distinct 一级 of the scheme found among ``level1_names``, distinct indicators it knows)."""
    l1 = {lv.name for lv in (scheme.level1_named(n) for n in level1_names) if lv is not None}
    ind = {spec.name for spec in (scheme.indicator(n) for n in indicator_names) if spec is not None}
    return len(l1), len(ind)


def detect(level1_names: list[str], indicator_names: list[str],
           schemes: Iterable[Scheme] | None = None) -> Scheme | None:
    """The scheme whose 一级 names and indicators best match a workbook's, or None when none fits.

    Each candidate scores the share of its 一级 names the workbook uses plus the share of the
    workbook's indicators it knows; at least two matches in all are needed. ``schemes`` defaults
    to the bundled ones (pass a bureau's own to consider it too).
    """
    if schemes is None:  # the bundled schemes: a batch meets the same names in file after file
        return _detect_bundled(tuple(level1_names), tuple(indicator_names))
    return _detect(level1_names, indicator_names, list(schemes))


@memo  # the bundled schemes do not change while the process runs
def _detect_bundled(level1_names: tuple[str, ...], indicator_names: tuple[str, ...]) -> Scheme | None:
    return _detect(list(level1_names), list(indicator_names), available())


def _detect(level1_names: list[str], indicator_names: list[str], candidates: list[Scheme]) -> Scheme | None:
    l1_names = [n for n in level1_names if name_key(n)]
    ind_names = list({name_key(n): n for n in indicator_names if name_key(n)}.values())
    best: tuple[float, int] | None = None
    best_scheme = None
    for scheme in candidates:
        n_l1, n_ind = match_counts(scheme, l1_names, ind_names)
        if n_l1 + n_ind < 2:
            continue
        score = n_l1 / max(len(scheme.level1), 1) + n_ind / max(len(ind_names), 1)
        rank = (score, n_l1 + n_ind)
        if best is None or rank > best:
            best, best_scheme = rank, scheme
    return best_scheme


