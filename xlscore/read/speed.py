"""The speed code, fenced: what xlscore does only to be fast. Everywhere else is plain Python.

Each thing here is kept because ``make bench`` measures it at 5% or more; the figures are in
``docs/architecture.md``. What it holds and what it costs:

* :func:`memo` — a function of one text (or a few hashable values) remembered for the life of
  the process, up to 65,536 answers each. A folder's workbooks come from the same templates, so
  the same labels, figures, formulas and element lists are normalised, parsed and matched in file
  after file. The functions given to it are pure and return values nobody changes; the cost is
  memory (a few MB at most) and that a changed function must stay pure. Used by: text
  normalisation and parsing (read.textnum), formula compilation (read.formula), measures
  (tables.measure), header and label lookups (tables.header, tables.scoresheet), element matching
  (score.elements).
"""

from __future__ import annotations

from functools import lru_cache

MEMO_SIZE = 1 << 16


def memo(func):
    """``func`` remembered by its arguments (told apart by type too: ``1``, ``1.0`` and ``True``
    are three keys)."""
    return lru_cache(maxsize=MEMO_SIZE, typed=True)(func)
