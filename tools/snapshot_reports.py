#!/usr/bin/env python3
"""A refactoring's guard rail: every sample, test fixture and bench variant checked and scored,
written where two runs can be compared with ``diff -r``.

    .venv/bin/python tools/snapshot_reports.py OUT

writes, for each workbook W, ``OUT/reports/W.json`` (``xlscore check --format json``, one line per
project) and ``OUT/copies/W/<part>`` (every part of the annotated copy, the document's timestamps
left out). Run it before and after a change and compare: ``diff -r BEFORE AFTER``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench  # noqa: E402  (the bench corpus's variants)

SKIP_PARTS = {"docProps/core.xml", "docProps/app.xml"}


def workbooks(scratch: Path) -> list[Path]:
    found = sorted((ROOT / "samples").glob("*.xlsx"))
    found += sorted(p for p in (ROOT / "tests" / "fixtures").rglob("*") if p.suffix in (".xlsx", ".xls", ".ods"))
    variants = scratch / "variants"
    variants.mkdir()
    found += [p for p in bench._variants(variants) if p.parent == variants]
    return found


def main() -> int:
    out = Path(sys.argv[1])
    (out / "reports").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        for path in workbooks(scratch):
            name = path.relative_to(ROOT).as_posix().replace("/", "__") if path.is_relative_to(ROOT) else path.name
            given = Path("in") / name  # the same relative path in every run: reports and copies name it
            (scratch / "in").mkdir(exist_ok=True)
            shutil.copyfile(path, scratch / given)
            done = subprocess.run([sys.executable, "-m", "xlscore", "check", "--format", "json", str(given)],
                                  capture_output=True, text=True, cwd=scratch)
            (out / "reports" / f"{name}.json").write_text(done.stdout, encoding="utf-8")
            scored = scratch / "scored" / name
            subprocess.run([sys.executable, "-m", "xlscore", "score", str(given), "--out", str(scored)],
                           capture_output=True, cwd=scratch)
            for copy in sorted(scored.glob("*_复核.xlsx")):
                with zipfile.ZipFile(copy) as z:
                    for part in z.namelist():
                        if part not in SKIP_PARTS:
                            dest = out / "copies" / name / part
                            dest.parent.mkdir(parents=True, exist_ok=True)
                            dest.write_bytes(z.read(part))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
