"""The speed code, fenced: what xlscore does only to be fast. Everywhere else is plain Python.

Each thing here is kept because it saves 5% or more of a `make bench` figure, measured as said
below. What it holds, what it saves and what it costs:

* :func:`memo` — a function of a text (or a few hashable values) remembered for the life of the
  process, up to 65,536 answers each. A folder's workbooks come from the same templates, so the
  same labels, figures, formulas and rules are normalised, parsed and matched in file after file.
  The functions given to it are pure and return values nobody changes; the cost is memory (a few
  MB at most). ``xlscore check`` of the bench corpus (200 workbooks, one process) without all of
  them takes 2.3 times as long; without each group, longer by: text normalisation and number
  parsing (read.textnum) 44%, element matching (score.elements) 27%, rule parsing (score.rules)
  21%, formula compilation (read.formula) 21%, scheme detection and name keys (score.scheme) 12%,
  the scoring table's header words (tables.scoresheet) 7%, measures (tables.measure) 7%, the
  merged-cell cover a template's sheets share (read.book) 7%. Memos that gave less than 5% (cell
  references, decimals, the fund table's and the header's lookups) were removed.
"""

from __future__ import annotations

from functools import lru_cache

MEMO_SIZE = 1 << 16


def memo(func):
    """``func`` remembered by its arguments (told apart by type too: ``1``, ``1.0`` and ``True``
    are three keys)."""
    return lru_cache(maxsize=MEMO_SIZE, typed=True)(func)
