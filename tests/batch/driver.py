"""Run ``xlscore score ...`` as a person would, with work that waits, for the tests that stop a
batch from outside (Ctrl-C, ``kill``, ``kill -9``) at a known point.

    python tests/batch/driver.py [--quick NAME]... --release PATH --held DIR -- score ARGS...

Each workbook whose name is not given with ``--quick`` waits in its worker, in the middle of its
work, until the file ``--release`` exists: after its temporary files are made (an e-mail's
attachment copied out, a part written by openpyxl, as saving the annotated copy does) and before
it is scored. A worker that waits says so with a file in ``--held`` named by its process id.
A test starts the driver, waits for the quick workbooks' reports in reports.jsonl and for every
worker to be waiting, then stops the batch: every worker is in the middle of a file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> None:
    split = argv.index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="append", default=[])
    parser.add_argument("--release", required=True)
    parser.add_argument("--held", required=True)
    options = parser.parse_args(argv[:split])
    release, held = Path(options.release), Path(options.held)

    from openpyxl.worksheet._writer import create_temporary_file

    from xlscore import review
    from xlscore.cli import main as cli

    real = review.score_file

    def waiting(path, out_dir, scheme=None, display=None, *args, **kwargs):
        if Path(str(display).split(":")[-1]).name not in options.quick:
            create_temporary_file()  # what openpyxl leaves when it is stopped while saving
            (held / str(os.getpid())).touch()
            while not release.exists():
                time.sleep(0.05)
        return real(path, out_dir, scheme, display, *args, **kwargs)

    review.score_file = waiting  # the batch's workers are forked from this process and see it
    cli(argv[split + 1:], prog_name="xlscore")


if __name__ == "__main__":
    main(sys.argv[1:])
