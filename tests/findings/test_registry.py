"""The catalog as a registry: every code and file-level reason xlscore emits is declared there,
emitted from one place, by the module the catalog names, with the fields its template prints."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import xlscore
from xlscore.findings.catalog import CATALOG, Code, Reason
from xlscore.findings.finding import make
from xlscore.read.errors import WorkbookError

PACKAGE = Path(xlscore.__file__).parent


def _emissions() -> tuple[dict, dict]:
    """(code -> [module, …] of its make() calls, (code, reason) -> [module, …] of its WorkbookError)."""
    made, refused = defaultdict(list), defaultdict(list)
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name == "make":
                made[node.args[0].value].append(module)
            elif name == "WorkbookError" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                refused[node.args[0].value, node.args[1].value].append(module)
    return made, refused


def test_every_finding_is_made_in_one_place_by_its_declared_module():
    made, _ = _emissions()
    assert set(made) <= set(CATALOG), set(made) - set(CATALOG)
    for code, modules in made.items():
        assert len(modules) == 1, f"{code} made in {len(modules)} places: {modules}"
        assert modules[0] == CATALOG[code].emitter, (code, modules[0], CATALOG[code].emitter)
    for code, entry in CATALOG.items():
        if not entry.file_level:
            assert code in made, f"{code} is in the catalog but nothing makes it"


def test_every_file_refusal_is_a_declared_reason_raised_in_one_place_by_its_module():
    _, refused = _emissions()
    for (code, reason), modules in refused.items():
        entry = CATALOG[code]
        assert entry.file_level, code
        if not entry.reasons:
            assert reason == "", (code, reason)
            continue
        assert reason in entry.reasons, f"{code} raised with undeclared reason {reason!r}"
        assert len(modules) == 1, f"{code}/{reason} raised in {len(modules)} places: {modules}"
        assert modules[0] == entry.reasons[reason].emitter, (code, reason, modules[0])
    declared = {(code, name) for code, entry in CATALOG.items() for name in entry.reasons}
    assert declared <= set(refused), f"reasons nothing raises: {sorted(declared - set(refused))}"


def test_a_template_naming_an_undeclared_field_fails_when_the_catalog_loads():
    with pytest.raises(ValueError, match="template fills"):
        Code("X_TYPO", "error", "标题", "{row}（{colum}）", "", "", fields=("row", "col"), emitter="check")
    with pytest.raises(ValueError, match="template fills"):
        Code("X_FILE", "error", "标题", "{detail}", "", "", True, fields=("detail",), emitter="read",
             reasons={"r": Reason("部件 {part} 损坏", "read.files", ("name",))})


def test_a_finding_or_refusal_with_a_missing_or_unknown_field_is_refused():
    with pytest.raises(TypeError, match="missing"):
        make("FUND_MISSING", "表", "A1", row="预算安排(1)", fund_row="budget")  # no col
    with pytest.raises(TypeError, match="unknown"):
        make("FUND_MISSING", "表", "A1", row="预算安排(1)", col="合计", colour="red")
    with pytest.raises(TypeError):
        WorkbookError("FILE_TOO_LARGE", "file_size", size="30 MB")  # no limit
    assert WorkbookError("FILE_TOO_LARGE", "file_size", size="30 MB", limit="20 MB").message == \
        "文件大小 30 MB，超过上限 20 MB"


def test_every_message_a_user_reads_is_chinese():
    import re

    for code, entry in CATALOG.items():
        for text in [entry.title, entry.template, *(r.template for r in entry.reasons.values())]:
            assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", text), (code, text)
