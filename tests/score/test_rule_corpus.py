"""The corpus of real rule texts (tests/score/rule_corpus.yaml), read by the rule engine.

(a) the corpus itself: enough distinct texts, from enough sources, each with its family and at
    least one actual -> score pair worked out by hand;
(b) for every entry: ``xlscore.score.rules.parse`` reads the text into the expected family (an entry of
    family ``other`` must be refused with RuleUnparsed), and ``xlscore.score.row.score_row`` gives
    each hand-worked pair its score; an entry marked ``refused`` (a text that cannot honestly be
    scored from a row) must give no review score for any of its pairs, only RULE_UNPARSED or a
    manual review whose Chinese note says why.

Entries the engine does not handle yet are listed in FAILING_TODAY and run as strict xfails: when
the engine learns one, its xfail turns into a failure and the id must be taken off the list.
"""

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from xlscore.score.row import score_row
from xlscore.score.rules import RuleUnparsed, parse
from xlscore.tables.measure import parse_measure
from xlscore.tables.scoresheet import Cell, IndicatorRow

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
        if "refused" in entry:
            assert isinstance(entry["refused"], str) and re.search(r"[\u4e00-\u9fff]", entry["refused"]), \
                f"{entry['id']}: refused says why, in Chinese"
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
    if "refused" in entry:
        for pair in entry["pairs"]:
            spec = Spec(pair["elements"]) if pair.get("elements") else None
            scored = score_row(indicator_row(text, pair), spec, None, None)
            assert scored.review is None, f"{pair['why']}: refused, yet scored {scored.review} ({scored.note})"
            assert scored.unparsed or scored.manual is not None, f"{pair['why']}: neither unparsed nor manual"
            assert re.search(r"[\u4e00-\u9fff]", scored.note), scored.note
        return
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
