"""PDFs of the workbooks a run wrote (``score --pdf``), made by LibreOffice where it is installed:
``soffice --headless --convert-to pdf`` once per folder, with a time limit, its own user profile in
the run's temporary folder (``OUT/.xlscore-tmp``, see :func:`atomic.scratch`: no clash with a
LibreOffice the user has open, nothing left behind), into a temporary folder first and renamed
beside each workbook once complete."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import writing

PROGRAMS = ("soffice", "libreoffice")
SECONDS = 60.0  # the time limit of one LibreOffice run: this much, and PER_FILE more for each workbook
PER_FILE = 20.0
MISSING = "未生成 PDF：--pdf 需要 LibreOffice（soffice 命令），本机未找到；请安装 LibreOffice 后重新运行。工作簿已照常写出"


@dataclass
class Converted:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)  # (workbook, reason in Chinese)


def program() -> str | None:
    """LibreOffice's command on PATH, or None."""
    for name in PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    return None


def convert(workbooks: list[Path], command: str, scratch: Path | None = None) -> Converted:
    """``X.xlsx`` -> ``X.pdf`` beside it for each workbook; by folder, one LibreOffice run each."""
    scratch = Path(scratch or tempfile.gettempdir())
    done = Converted()
    folders: dict[Path, list[Path]] = {}
    for book in dict.fromkeys(Path(w) for w in workbooks):
        folders.setdefault(book.parent, []).append(book)
    for folder, books in folders.items():
        work = Path(tempfile.mkdtemp(prefix="pdf-", dir=scratch))
        try:
            reason = _run(command, books, work, scratch, SECONDS + PER_FILE * len(books))
            for book in books:
                made = work / f"{book.stem}.pdf"
                if made.is_file() and made.stat().st_size:
                    dest = folder / f"{book.stem}.pdf"
                    with writing(dest):
                        os.replace(made, dest)
                    done.written.append(dest)
                else:
                    done.failed.append((book, reason or "LibreOffice 未能转换该文件"))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return done


def _run(command: str, books: list[Path], outdir: Path, scratch: Path, timeout: float) -> str | None:
    """Run LibreOffice on ``books``; the reason it failed, or None."""
    profile = Path(tempfile.mkdtemp(prefix="libreoffice-", dir=scratch))
    args = [command, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(outdir), *(str(Path(b).resolve()) for b in books)]
    # its own process group: on a timeout the whole of LibreOffice (soffice starts soffice.bin) is ended
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return f"LibreOffice 超过 {timeout:.0f} 秒未完成转换"
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return None if process.returncode == 0 else "LibreOffice 转换出错"


def lines(workbooks: list[Path]) -> list[str]:
    """Convert ``workbooks`` and say what came of it, in Chinese (LibreOffice missing included)."""
    command = program()
    if command is None:
        return [MISSING]
    done = convert(workbooks, command)
    if len(done.written) > 3:
        said = [f"已写出 PDF {len(done.written)} 个（与工作簿放在同一文件夹）"]
    else:
        said = [f"已写出：{pdf}" for pdf in done.written]
    said += [f"  PDF 未生成：{book}（{reason}）" for book, reason in done.failed]
    return said
