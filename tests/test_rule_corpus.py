"""The corpus of real rule texts (tests/rule_corpus.yaml), read by the rule engine.

(a) the corpus itself: enough distinct texts, from enough sources, each with its family and at
    least one actual -> score pair worked out by hand;
(b) for every entry: ``xlscore.rules.parse`` reads the text into the expected family (an entry of
    family ``other`` must be refused with RuleUnparsed), and ``xlscore.score.score_row`` gives
    each hand-worked pair its score.

Entries the engine does not handle yet are listed in FAILING_TODAY and run as strict xfails: when
the engine learns one, its xfail turns into a failure and the id must be taken off the list.
"""

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from xlscore.measure import parse_measure
from xlscore.rules import RuleUnparsed, parse
from xlscore.score import score_row
from xlscore.scoresheet import Cell, IndicatorRow

CORPUS_PATH = Path(__file__).with_name("rule_corpus.yaml")
CORPUS = yaml.safe_load(CORPUS_PATH.read_text(encoding="utf-8"))
SOURCES = CORPUS["sources"]
RULES = CORPUS["rules"]

FAMILIES = ("linear_deduction", "proportional", "all_or_nothing", "tiers", "elements", "count",
            "qualitative", "other")

# The rule kinds (Rule.kind) that count as each corpus family. "other" is the family the engine
# is expected to refuse (RuleUnparsed); it has no kind.
FAMILY_KINDS = {
    "linear_deduction": {"linear", "linear_deduction", "deduction"},
    "proportional": {"proportional", "ratio"},
    "all_or_nothing": {"all_or_nothing", "binary"},
    "tiers": {"tiers"},
    "elements": {"elements"},
    "count": {"count"},
    "qualitative": {"tiers", "qualitative", "levels"},
}

# Entry ids the engine gets wrong today (family or a worked pair). Strict xfail: remove an id
# once the engine handles it.
FAILING_TODAY = set("""
zj-004 yy-01 yy-02 yy-04 yy-05 yy-07 yy-08 ds-01 mof-01 mof-02 fs-03 fs-04 fs-05 ct-01 ct-02 sc-01
sc-03 sc-04 sc-06 sc-08 sc-09 sc-10 sc-13 sq-01 sq-02 sq-03 sq-04 sq-05 sq-06 sq-08 sq-11 sq-12
sq-13 sq-14 sd-05 sd-06 sd-08 sd-09 sd-10 sd-11 sd-13 sd-14 sd-15 km-01 km-02 km-03 km-04 zj-002
zj-006 zj-007 zj-008 zj-009 zj-013 zj-014 zj-015 zj-016 zj-018 zj-019 zj-020 zj-021 zj-025
zj-026 zj-027 zj-028 zj-029 zj-030 zj-031 zj-032 zj-033 zj-034 zj-036 zj-037 zj-038 zj-042
zj-044 zj-045 zj-046 zj-047 zj-048 zj-049 zj-050 zj-051 zj-056 zj-057 zj-058 zj-059 zj-063
zj-064 zj-065 zj-066 zj-067 zj-068 zj-069 zj-070 zj-071 zj-072 zj-073 zj-075 zj-079 zj-080
zj-081 zj-082 zj-084 zj-085 zj-086 zj-087 zj-088 zj-089 zj-090 zj-092 zj-093 zj-094 zj-095
zj-097 zj-098 zj-099 zj-102 zj-103 zj-105 zj-106
""".split())


def normalized(text: str) -> str:
    """A text for duplicate detection: NFKC, no whitespace, no closing punctuation."""
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return flat.rstrip("。.;；,，")


class Spec:
    """The scheme's indicator spec, as far as a worked pair needs one (its element list)."""

    def __init__(self, elements):
        self.elements = list(elements)
        self.rule = None
        self.fund_row = None
        self.target = None
        self.direction = None


def indicator_row(text: str, pair: dict) -> IndicatorRow:
    row = IndicatorRow("表", 5, pair.get("name", "指标"))
    row.weight = Cell(pair["weight"], "E6")
    row.actual = parse_measure(pair.get("actual"))
    row.target = parse_measure(pair.get("target", ""))
    row.rule = text
    row.self_score = Cell(pair.get("self"), "H6")
    return row


# --- (a) the corpus ------------------------------------------------------------------------------

def test_corpus_structure():
    assert len(RULES) >= 200, f"only {len(RULES)} texts"
    ids = [entry["id"] for entry in RULES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    texts = [normalized(entry["text"]) for entry in RULES]
    duplicates = {t for t in texts if texts.count(t) > 1}
    assert not duplicates, f"duplicate texts: {sorted(duplicates)}"
    for entry in RULES:
        assert entry["text"].strip(), entry["id"]
        assert entry["source"] in SOURCES, entry["id"]
        assert entry["family"] in FAMILIES, entry["id"]
        if entry["family"] == "other":
            assert entry.get("note"), f"{entry['id']}: an entry of family other says why in its note"
        pairs = entry.get("pairs") or []
        assert pairs, f"{entry['id']}: no worked pair"
        for pair in pairs:
            assert isinstance(pair.get("weight"), (int, float)), entry["id"]
            assert "actual" in pair and pair.get("why"), entry["id"]
            assert ("score" in pair) != ("band" in pair), f"{entry['id']}: a pair has a score or a band"
    used = {entry["source"] for entry in RULES}
    assert len(used) >= 10, f"only {len(used)} sources"
    for key, source in SOURCES.items():
        assert source.get("title") and source.get("address"), key


def test_failing_list_names_corpus_entries():
    assert FAILING_TODAY <= {entry["id"] for entry in RULES}


# --- (b) the engine on every entry -------------------------------------------------------------

def _params():
    for entry in RULES:
        marks = []
        if entry["id"] in FAILING_TODAY:
            marks.append(pytest.mark.xfail(strict=True, reason="the rule engine does not read this text yet"))
        yield pytest.param(entry, id=entry["id"], marks=marks)


@pytest.mark.parametrize("entry", list(_params()))
def test_engine_reads_corpus_entry(entry):
    text = entry["text"]
    try:
        kind = parse(text).kind
    except RuleUnparsed:
        kind = None
    if entry["family"] == "other":
        assert kind is None, f"expected the engine to refuse this text, it read it as {kind}"
    else:
        assert kind in FAMILY_KINDS[entry["family"]], f"read as {kind}, expected {entry['family']}"
    for pair in entry["pairs"]:
        spec = Spec(pair["elements"]) if pair.get("elements") else None
        scored = score_row(indicator_row(text, pair), spec, None, None)
        if entry["family"] == "other":
            assert scored.review is None and scored.unparsed, pair["why"]
        elif "score" in pair:
            assert scored.review is not None, f"{pair['why']}: no review score ({scored.note})"
            assert scored.review == pytest.approx(pair["score"], abs=0.011), f"{pair['why']} ({scored.note})"
        else:
            low, high = pair["band"]
            assert scored.manual is not None, f"{pair['why']}: not left to the reviewer ({scored.note})"
            assert scored.manual == pytest.approx((low, high), abs=0.011), f"{pair['why']} ({scored.note})"
            assert scored.review is None or low - 0.011 <= scored.review <= high + 0.011, scored.note
