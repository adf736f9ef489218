"""Which checklist elements (要素) a 业绩值 text says the project meets.

Departments list the elements they meet, copied or paraphrased from the scheme, separated by ``;``,
``；``, line breaks or numbering. Each element of the scheme's list is matched against the listed
items by character-bigram overlap, tolerant of paraphrase, punctuation and spacing; one listed item
counts for at most one element unless it plainly contains several.
"""

from __future__ import annotations

import re

from ..read.speed import memo
from ..read.textnum import norm

_SPLIT_RE = re.compile(r"[;；\n]|(?:^|(?<=[。.]))\s*(?:[0-9]+[.、)）]|[（(][0-9一二三四五六七八九十]+[)）]|[①-⑳])")
_PUNCT_RE = re.compile(r"[\s,，。.、;；:：()（）\[\]【】“”\"'‘’《》<>!！?？·\-—]+")
MATCH = 0.45  # similarity for an item to count as an element
CONTAINS = 0.8  # bigram containment for a long item to count for a further element too


def split_items(text: str) -> list[str]:
    """The items a 业绩值 text lists."""
    items = [part.strip(" ，,。") for part in _SPLIT_RE.split(str(text or ""))]
    return [item for item in items if item and norm(item)]


def _key(text: str) -> str:
    return _PUNCT_RE.sub("", norm(text))


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1)) or frozenset((text,))


@memo
def similarity(element: str, item: str) -> float:
    """How well a listed item matches an element, 0–1: 1 when one contains the other (the shorter
    at least 60% of the longer), else the better of character-bigram Dice and containment."""
    a, b = _key(element), _key(item)
    if not a or not b:
        return 0.0
    if a in b or b in a and len(b) >= 0.6 * len(a):
        return 1.0
    ga, gb = _bigrams(a), _bigrams(b)
    overlap = len(ga & gb)
    containment = overlap / len(ga)
    dice = 2 * overlap / (len(ga) + len(gb))
    return max(dice, containment * 0.9)


def _contained(element: str, item: str) -> float:
    ga, gb = _bigrams(_key(element)), _bigrams(_key(item))
    return len(ga & gb) / len(ga)


def match(elements: list[str | tuple[str, ...]], text: str) -> tuple[set[int], list[str]]:
    """Element numbers (1-based) met by ``text``, and the listed items that matched no element.

    An element may be given as a tuple of accepted wordings (the scheme's element aliases)."""
    wordings = tuple((e,) if isinstance(e, str) else tuple(e) for e in elements)
    met, unmatched = _match(wordings, text)
    return set(met), list(unmatched)


@memo
def _match(wordings: tuple[tuple[str, ...], ...], text: str) -> tuple[frozenset[int], tuple[str, ...]]:
    items = split_items(text)
    pairs = sorted(
        ((max(similarity(w, it) for w in ws), ei, ii) for ei, ws in enumerate(wordings) for ii, it in enumerate(items)),
        reverse=True,
    )
    met: dict[int, int] = {}
    used: set[int] = set()
    for score, ei, ii in pairs:
        if score < MATCH:
            break
        if ei in met or ii in used:
            continue
        met[ei] = ii
        used.add(ii)
    # A long item may carry two elements written as one sentence.
    for ei, ws in enumerate(wordings):
        element = ws[0]
        if ei not in met:
            for ii, item in enumerate(items):
                if len(_key(item)) > len(_key(element)) and _contained(element, item) >= CONTAINS:
                    met[ei] = ii
                    used.add(ii)
                    break
    unmatched = tuple(item for ii, item in enumerate(items) if ii not in used)
    return frozenset(ei + 1 for ei in met), unmatched


def short(element: str, limit: int = 18) -> str:
    flat = element.strip()
    return flat if len(flat) <= limit else flat[:limit] + "…"
