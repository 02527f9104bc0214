"""A non-editable install finds the built-in scenarios and rules from any directory."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_ships_data_and_runs_from_anywhere(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            "-q",
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("mot_sim-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "mot_sim/_data/scenarios/pickle_request.yaml" in names
    assert "mot_sim/_data/scoring/rubric.yaml" in names
    assert "mot_sim/_data/scoring/lexicon.yaml" in names
    assert any(n.startswith("mot_sim/_data/scoring/rules/") for n in names)
    assert "mot_sim/tui/css/encounter.tcss" in names
    # PostgreSQL support is an extra: the default install stays without a driver.
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = [
        line
        for line in zipfile.ZipFile(wheel).read(meta).decode().splitlines()
        if line.startswith(("Requires-Dist:", "Provides-Extra:"))
    ]
    assert "Provides-Extra: postgres" in requires
    psycopg = [r for r in requires if "psycopg" in r]
    assert psycopg and all("extra ==" in r for r in psycopg), psycopg
    assert any("psycopg[binary]" in r and "'postgres'" in r.replace('"', "'") for r in psycopg)

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    # The wheel's dependencies come from the environment running the tests (a virtualenv
    # or not): list its site-packages in a .pth file. Plain paths added this way do not run
    # that environment's own .pth files, so its editable install of mot-sim stays out.
    inner = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(inner) / "outer-deps.pth").write_text("\n".join(sorted(outer)) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(py), "-c", "import mot_sim; print(mot_sim.__file__)"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(env_dir) in where.stdout
    out = subprocess.run(
        [str(env_dir / "bin" / "mot-sim"), "check"], cwd=elsewhere, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1].endswith("passed, 0 failed")
