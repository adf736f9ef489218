"""Outputs a colleague on the shared folder can read (issue 21, item 7)."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from builders import eml
from conftest import ROOT, run_cli

SEED000 = ROOT / "samples" / "000_铝工业转型升级专项资金.xlsx"
SEED002 = ROOT / "samples" / "002_企业服务活动专项经费.xlsx"


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_every_output_honours_the_umask(tmp_path, mask, mode):
    """Copies, JSON reports, 汇总.xlsx, reports.jsonl and the replies are made as any file is: a
    colleague on the shared folder reads them under the usual umask (issue 21, item 7)."""
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    eml(inbox / "来信.eml", [("自评表.xlsx", SEED002.read_bytes())])
    shutil.copy(SEED000, inbox / "铝工业.xlsx")
    out = tmp_path / "复核结果"
    before = os.umask(mask)
    try:
        result = run_cli("score", str(inbox), "--out", str(out), "--jobs", "1")
    finally:
        os.umask(before)
    assert result.exit_code == 0, result.output
    files = [path for path in out.rglob("*") if path.is_file()]
    assert len(files) >= 7
    assert {str(path.relative_to(out)): stat.S_IMODE(path.stat().st_mode) for path in files} == \
        {str(path.relative_to(out)): mode for path in files}
