"""Find the scoring table (自评价评分附件表): the header row holding 三级指标 and 权重/分值."""

from __future__ import annotations

from dataclasses import dataclass

from . import labels
from .book import Book


@dataclass
class ScoreTableLocation:
    sheet: str
    header_row: int


def locate(book: Book) -> ScoreTableLocation | None:
    for sheet in book.sheets:
        for r, line in enumerate(sheet.rows):
            keys = {labels.label_key(v) for v in line if isinstance(v, str)}
            if keys & set(labels.SCORING_HEADER_LEVEL3) and any(
                k.startswith(w) for k in keys for w in labels.SCORING_HEADER_WEIGHT
            ):
                return ScoreTableLocation(sheet.name, r)
    return None
