"""A 一级 label written again where a page starts inside its block (the annotated copy does so, so
that the label prints on each page) continues the block above it: one block under one weight —
the copy, read again, is the workbook it came from."""

from xlscore.pipeline import check_file

from conftest import SAMPLES, edited_copy

SEED000 = SAMPLES / "000_铝工业转型升级专项资金.xlsx"
SCORING = "自评价评分附件表"


def _split_label(wb):
    """A3:A56 (投入和管理目标) cut into A3:A24 and A25:A56, the label written in both; the weight
    B3:B56 (20) left whole."""
    ws = wb[SCORING]
    ws.unmerge_cells("A3:A56")
    ws.merge_cells("A3:A24")
    ws.merge_cells("A25:A56")
    ws["A25"] = ws["A3"].value


def _summary(path):
    data = check_file(path).to_dict()
    return ([(i["level1"], i["name"], i["review_score"]) for i in data["indicators"]],
            sorted((f["code"], f["cell"]) for f in data["findings"]))


def test_label_repeated_under_one_weight_is_one_block(tmp_path):
    repeated = edited_copy(SEED000, tmp_path, "repeated.xlsx", _split_label)
    assert _summary(repeated) == _summary(SEED000)
