"""Installing without make: the wheel ``make dist`` builds installs into a fresh virtual
environment and scores the samples there (``xlscore`` and ``python -m xlscore``)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv

from conftest import ROOT, SAMPLES


def _wheel(folder):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(folder), str(ROOT)], check=True, capture_output=True)
    [wheel] = folder.glob("xlscore-*.whl")
    return wheel


def test_the_wheel_installs_into_a_fresh_venv_and_scores_the_samples(tmp_path):
    wheel = _wheel(tmp_path / "dist")
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    # the wheel itself, by this environment's pip; its dependencies (pandas, calamine, …) are read
    # from this environment's site-packages through a .pth file: only the wheel's own files are new
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    str(wheel)], check=True, capture_output=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (tmp_path / "env" / site.split(str(env_dir))[-1].lstrip("/\\")).joinpath("deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = subprocess.run([str(python), "-c", "import xlscore; print(xlscore.__file__)"], check=True,
                           capture_output=True, text=True, env=clean, cwd=tmp_path).stdout
    assert str(env_dir) in where  # the installed package, not this checkout
    out = tmp_path / "out"
    done = subprocess.run([str(bin_dir / "xlscore"), "score", str(SAMPLES), "--out", str(out)],
                          capture_output=True, text=True, env=clean, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr  # every sample readable (a batch says 1 only for unreadable files)
    assert (out / "汇总.xlsx").exists() and list(out.glob("*_复核.xlsx")) and list((out / "报告").glob("*.json"))
    assert "Traceback" not in done.stdout + done.stderr
    helped = subprocess.run([str(python), "-m", "xlscore", "--help"], capture_output=True, text=True, env=clean,
                            cwd=tmp_path)
    assert helped.returncode == 0 and "用法" in helped.stdout
