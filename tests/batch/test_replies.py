"""Reply drafts after a batch (issue 21, item 6): an .eml per e-mail in OUT/回复/, answering it, with
the annotated copy attached; a 整改通知 text per department for the files that came without one."""

from __future__ import annotations

import email
import shutil
from email import policy

from xlscore.batch.replies import locate

from builders import eml
from conftest import ROOT, run_cli

SAMPLES = ROOT / "samples"
SEED000 = SAMPLES / "000_铝工业转型升级专项资金.xlsx"
SEED002 = SAMPLES / "002_企业服务活动专项经费.xlsx"


def _mail(path, attachment: bytes, name="企业服务活动专项经费自评表.xlsx"):
    eml(path, [(name, attachment)], to="市财政局绩效科 <czj@example.org>", message_id="<20220110093000.abc@example.org>")


def test_reply_draft_answers_the_mail_with_the_copy(tmp_path):
    inbox = tmp_path / "收件箱"
    (inbox / "邮件").mkdir(parents=True)
    _mail(inbox / "邮件" / "来信.eml", SEED002.read_bytes())
    shutil.copy(SEED000, inbox / "铝工业.xlsx")
    out = tmp_path / "复核结果"
    result = run_cli("score", str(inbox), "--out", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "回复" in result.output
    draft = out / "回复" / "邮件" / "来信.eml"
    raw = draft.read_bytes()
    raw.decode("ascii")  # every header and part encoded (RFC 2047 / 2231, base64): 7-bit on the wire
    reply = email.message_from_bytes(raw, policy=policy.default)
    assert reply["To"].addresses[0].addr_spec == "zhangsan@example.org"
    assert reply["To"].addresses[0].display_name == "张三"
    assert reply["From"].addresses[0].addr_spec == "czj@example.org"
    assert str(reply["Subject"]) == "Re: 2021年度绩效自评表（市工信局）"
    assert reply["In-Reply-To"] == "<20220110093000.abc@example.org>"
    assert reply["References"] == "<20220110093000.abc@example.org>"
    assert reply["X-Unsent"] == "1"
    text = reply.get_body(("plain",)).get_content()
    assert "企业服务活动专项经费" in text and "复核得分：100 分" in text and "优秀" in text
    assert "资金安排情况表 · 资金实际支出率(8) · 合计（资金安排情况!C12）" in text
    assert "请于____年__月__日前修改后重新报送" in text
    assert "FUND_SPEND_LOW" not in text  # codes stay in the JSON
    attachments = list(reply.iter_attachments())
    assert [part.get_filename() for part in attachments] == ["企业服务活动专项经费自评表_复核.xlsx"]
    copy = out / "邮件" / "来信.eml" / "企业服务活动专项经费自评表_复核.xlsx"
    assert attachments[0].get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert attachments[0].get_payload(decode=True) == copy.read_bytes()
    # the file that came without an e-mail: a notice to its department, the same text
    notice = out / "回复" / "整改通知_郑州市工业和信息化局.txt"
    said = notice.read_text(encoding="utf-8")
    assert "铝工业转型升级专项资金" in said and "复核得分：99.26 分" in said
    assert "评分表 · 财务监控有效性 · 自评得分（自评价评分附件表!I25）" in said
    assert "请于____年__月__日前修改后重新报送" in said


def test_a_finding_is_located_by_its_labels():
    report = {"layout": [{"table": "fund", "parts": [{
        "sheet": "资金安排情况", "range": "A3:L12",
        "columns": [{"column": "C", "header": "合计", "role": "total"},
                    {"column": "F", "header": "财政资金 / 市级", "role": "city"}],
        "rows": [{"row": 11, "label": "资金到位率(%)", "role": "arrival_rate"}]}]}]}
    finding = {"sheet": "资金安排情况", "cell": "F11"}
    assert locate(report, finding) == "资金安排情况表 · 资金到位率(7) · 市级（资金安排情况!F11）"
    assert locate(report, {"sheet": "别的表", "cell": "B2"}) == "别的表!B2"
    assert locate(report, {"sheet": None, "cell": None}) == ""



def test_the_drafts_do_not_stop_the_next_run_in_an_output_folder_inside_the_inbox(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    _mail(inbox / "来信.eml", SEED002.read_bytes())
    out = inbox / "复核结果"
    for _ in range(2):
        result = run_cli("score", str(inbox), "--out", str(out), "--jobs", "1")
        assert result.exit_code == 0, result.output
    assert (out / "回复" / "来信.eml").exists()


def test_drafts_of_inputs_gone_are_removed_and_a_clerks_own_files_are_kept(tmp_path):
    inbox = tmp_path / "收件箱"
    (inbox / "邮件").mkdir(parents=True)
    _mail(inbox / "邮件" / "来信.eml", SEED002.read_bytes())
    _mail(inbox / "另一封.eml", SEED002.read_bytes())
    shutil.copy(SEED000, inbox / "铝工业.xlsx")
    out = tmp_path / "复核结果"
    assert run_cli("score", str(inbox), "--out", str(out), "--jobs", "1").exit_code == 0
    replies = out / "回复"
    notice = replies / "整改通知_郑州市工业和信息化局.txt"
    assert (replies / "邮件" / "来信.eml").is_file() and (replies / "另一封.eml").is_file() and notice.is_file()
    mine = replies / "科里的备忘.txt"
    mine.write_text("下周一前催报\n", encoding="utf-8")
    (inbox / "邮件" / "来信.eml").unlink()
    (inbox / "铝工业.xlsx").unlink()
    # the clerk's own letter where this run's draft would go
    (replies / "另一封.eml").write_text("Subject: 我自己改过的回复\n\n正文\n", encoding="utf-8")
    result = run_cli("score", str(inbox), "--out", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert not (replies / "邮件").exists() and not notice.exists()  # no input of this run asks for them
    assert mine.read_text(encoding="utf-8") == "下周一前催报\n"
    assert (replies / "另一封.eml").read_text(encoding="utf-8") == "Subject: 我自己改过的回复\n\n正文\n"
    assert "另一封.eml" in result.output and "不是 xlscore 写出的" in result.output
