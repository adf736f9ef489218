#!/usr/bin/env python3
"""Regenerate xlscore/schemes/bundled.json from the bundled YAML files (make schemes).

A check reads the bundled schemes from that JSON, without importing or parsing YAML; each entry
carries the SHA-256 of the YAML file it was made from, so an edited YAML file is read itself until
this is run again (and the test suite fails until then)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlscore.score import scheme  # noqa: E402
from xlscore.write.atomic import write_text  # noqa: E402


def main() -> int:
    write_text(scheme.bundled_json_text(), scheme.BUNDLED_JSON)
    print(f"wrote {scheme.BUNDLED_JSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
