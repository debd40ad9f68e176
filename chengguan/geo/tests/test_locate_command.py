"""`chengguan locate LON LAT`: readable lines or JSON, and exit code 2 for a point it cannot route."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from chengguan.core.testing import TinyCity
from chengguan.geo.coords import wgs84_to_gcj02


def _run(*args: str) -> str:
    out = StringIO()
    call_command("locate", *args, stdout=out)
    return out.getvalue()


def test_cli_prints_who_is_responsible(tiny_city: TinyCity) -> None:
    with translation.override("en"):
        text = _run("121.545", "29.8702")

    assert "330203001001002" in text
    assert "中山社区" in text
    assert "鼓楼街道" in text
    assert "海曙区" in text
    assert "B1 中山东路-1" in text
    assert "鼓楼中队" in text
    assert "陈刚" in text


def test_cli_prints_json_with_chinese_kept(tiny_city: TinyCity) -> None:
    text = _run("121.554", "29.876", "--json", "--at", "2026-03-04T19:30")

    data = json.loads(text)
    assert "东胜夜市" in text
    assert data["grid"]["code"] == "330212001001001"
    assert data["vending_zone"] == {"code": "Z1", "name": "东胜夜市"}


def test_cli_converts_gcj02(tiny_city: TinyCity) -> None:
    glon, glat = (float(v) for v in wgs84_to_gcj02(121.5395, 29.8755))

    data = json.loads(_run(repr(glon), repr(glat), "--crs", "gcj02", "--json"))

    assert data["grid"]["code"] == "330203001001001"


def test_cli_exits_2_outside_the_city(tiny_city: TinyCity) -> None:
    with pytest.raises(CommandError) as caught:
        _run("116.4", "39.9")

    assert caught.value.returncode == 2
    assert "116.4" in str(caught.value)


@pytest.mark.parametrize(
    "args",
    [
        ("east", "29.87"),
        ("121.54", "nan"),
        ("121.54", "95"),
        ("121.54", "29.87", "--crs", "utm"),
        ("121.54", "29.87", "--at", "yesterday"),
    ],
)
def test_cli_exits_2_for_bad_input(tiny_city: TinyCity, args: tuple[str, ...]) -> None:
    with pytest.raises(CommandError) as caught:
        _run(*args)

    assert caught.value.returncode == 2


def test_the_console_command_says_why_on_stderr_and_exits_2(tmp_path: Path) -> None:
    env = {**os.environ, "CHENGGUAN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "chengguan.settings"}
    env.pop("DATABASE_URL", None)
    run = [sys.executable, "-m", "chengguan"]
    subprocess.run([*run, "migrate", "-v", "0"], env=env, check=True, capture_output=True)

    result = subprocess.run(
        [*run, "locate", "121.54", "29.87"], env=env, capture_output=True, text=True, check=False
    )
    bad = subprocess.run(
        [*run, "locate", "121.54", "north"], env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 2
    assert "121.54" in result.stderr
    assert result.stdout == ""
    assert bad.returncode == 2
    assert "lat" in bad.stderr
