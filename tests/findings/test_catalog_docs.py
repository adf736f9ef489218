"""docs/findings.md is generated from the catalog and must not drift from it."""


from xlscore.findings.catalog import CATALOG, markdown

from conftest import ROOT  # noqa: E402


def test_findings_doc_matches_catalog():
    assert (ROOT / "docs" / "findings.md").read_text(encoding="utf-8") == markdown(), (
        "docs/findings.md 已过期：运行 make docs"
    )


def test_every_code_documented_with_examples():
    for code, entry in CATALOG.items():
        assert entry.code == code
        assert entry.severity in ("error", "warning", "info")
        assert entry.title and entry.template and entry.bad and entry.good
        assert code.isupper() and " " not in code
