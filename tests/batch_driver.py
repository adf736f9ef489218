"""Run ``xlscore score ...`` as a person would, with work that waits, for the tests that stop a
batch from outside (Ctrl-C, ``kill``, ``kill -9``) at a known point.

    python tests/batch_driver.py [--quick NAME]... [--release PATH] -- score ARGS...

Each workbook whose file name is not given with ``--quick`` waits in its worker, before it is
processed, until the file ``--release`` exists (without ``--release`` nothing waits). A test starts
the driver, waits for the quick workbooks' reports in reports.jsonl, and then stops the batch: the
other workers are busy at that moment, for as long as the test wants.
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
    parser.add_argument("--release", default=None)
    options = parser.parse_args(argv[:split])

    from xlscore import batch
    from xlscore.cli import main as cli

    if options.release:
        real = batch.process
        release = Path(options.release)

        def waiting(job, out_dir, scheme=None):
            if job.name not in options.quick:
                while not release.exists():
                    time.sleep(0.05)
            return real(job, out_dir, scheme)

        batch.process = waiting  # workers are forked from this process and see it
    print(f"driver {os.getpid()}", file=sys.stderr, flush=True)
    cli(argv[split + 1:], prog_name="xlscore")


if __name__ == "__main__":
    main(sys.argv[1:])
