"""Outputs are replaced whole or not at all (xlscore.write.atomic): the copies, the JSON reports, the
summary workbook, reports.jsonl on --resume and the generated templates all go through it."""

from __future__ import annotations

import openpyxl
import pytest

from xlscore.write import atomic


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.startswith(".~xlscore")]


def test_a_finished_write_replaces_the_destination_and_leaves_nothing_else(tmp_path):
    dest = tmp_path / "sub" / "报告.json"
    atomic.write_text("旧\n", dest)
    atomic.write_text("新\n", dest)
    assert dest.read_text(encoding="utf-8") == "新\n"
    assert _leftovers(dest.parent) == []


@pytest.mark.parametrize("error", [RuntimeError("写到一半出错"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_destination_as_it_was(tmp_path, error):
    dest = tmp_path / "汇总.xlsx"
    dest.write_bytes(b"before")
    with pytest.raises(type(error)):
        with atomic.replacing(dest) as tmp:
            tmp.write_bytes(b"half")
            raise error
    assert dest.read_bytes() == b"before"
    assert _leftovers(tmp_path) == []


def test_the_temporary_file_is_beside_the_destination_with_the_suffix_asked(tmp_path):
    dest = tmp_path / "copy"
    with atomic.replacing(dest, ".xlsx") as tmp:
        assert tmp.parent == tmp_path and tmp.suffix == ".xlsx" and tmp != dest
        tmp.write_bytes(b"x")
    assert dest.read_bytes() == b"x"


def test_a_workbook_is_saved_whole(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "复核"
    dest = tmp_path / "a_复核.xlsx"
    atomic.save_workbook(workbook, dest)
    assert openpyxl.load_workbook(dest).active["A1"].value == "复核"
    assert _leftovers(tmp_path) == []


def test_in_a_run_every_temporary_file_is_in_its_temporary_folder_and_goes_with_it(tmp_path):
    """atomic.scratch: openpyxl's and xlsxwriter's parts (tempfile) and the outputs being written are
    in OUT/.xlscore-tmp, so a worker killed while writing leaves nothing among the outputs."""
    import tempfile

    before = tempfile.gettempdir()
    with atomic.scratch(tmp_path) as where:
        assert where == tmp_path / ".xlscore-tmp" and tempfile.gettempdir() == str(where)
        with atomic.replacing(tmp_path / "部门" / "a_复核.json") as tmp:
            assert tmp.parent == where
            tmp.write_text("报告", encoding="utf-8")
        with atomic.scratch(tmp_path) as again:  # the batch inside the command: the same folder, kept
            assert again == where
        assert where.is_dir()
        handle = tempfile.NamedTemporaryFile(prefix="openpyxl.", delete=False)
        handle.close()
    assert (tmp_path / "部门" / "a_复核.json").read_text(encoding="utf-8") == "报告"
    assert not where.exists() and tempfile.gettempdir() == before
    assert _leftovers(tmp_path / "部门") == []
