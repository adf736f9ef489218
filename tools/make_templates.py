#!/usr/bin/env python3
"""Regenerate workbook_templates/: the blank workbook of every bundled scheme (make templates)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlscore.score import scheme  # noqa: E402
from xlscore.template import write_template  # noqa: E402


def template_path(folder: Path, scheme_id: str) -> Path:
    return folder / f"自评表模板_{scheme_id}.xlsx"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else ROOT / "workbook_templates"
    for item in scheme.available():
        dest = template_path(folder, item.id)
        write_template(item, dest)
        print(f"wrote {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
