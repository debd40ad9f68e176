"""The `chengguan` console command wraps the management commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHENGGUAN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "chengguan.settings"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "chengguan", *args], env=env, capture_output=True, text=True, check=False
    )


def test_help_lists_the_chengguan_commands_and_the_django_ones(tmp_path: Path) -> None:
    result = _run("help", tmp_path=tmp_path)

    assert result.returncode == 0
    assert "chengguan locate LON LAT" in result.stdout
    assert "migrate" in result.stdout


def test_import_is_an_alias_of_import_territory(tmp_path: Path) -> None:
    result = _run("help", "import", tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "import_territory" in result.stdout or "usage:" in result.stdout


def test_an_unknown_command_fails(tmp_path: Path) -> None:
    result = _run("fly-to-the-moon", tmp_path=tmp_path)

    assert result.returncode != 0
    assert "Unknown command" in result.stderr
