"""Settings are read from the environment and a bad value stops start-up with a clear message."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from chengguan.core.checks import check_time_settings
from chengguan.core.env import env_bool, env_int, env_secret, env_timezone


def test_a_boolean_that_is_not_one_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", False)


def test_booleans_accept_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in (("1", True), ("yes", True), ("ON", True), ("0", False), ("false", False)):
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG", not expected) is expected


def test_numbers_are_checked_against_their_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQLITE_BUSY_TIMEOUT", "0")
    with pytest.raises(ImproperlyConfigured, match="below the minimum 1"):
        env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1)

    monkeypatch.setenv("SQLITE_BUSY_TIMEOUT", "twenty")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1)


def test_a_secret_can_come_from_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory
) -> None:
    secret = tmp_path / "secret"  # type: ignore[operator]
    secret.write_text("s3cr3t\n", encoding="utf-8")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))

    assert env_secret("SECRET_KEY") == "s3cr3t"


def test_an_unknown_city_time_zone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITY_TIME_ZONE", "Mars/Olympus")

    with pytest.raises(ImproperlyConfigured, match="not a known time zone"):
        env_timezone("CITY_TIME_ZONE", "Asia/Shanghai")


def test_the_city_time_zone_defaults_to_shanghai_and_storage_is_utc(settings: object) -> None:
    assert settings.CITY_TIME_ZONE == "Asia/Shanghai"  # type: ignore[attr-defined]
    assert settings.USE_TZ is True  # type: ignore[attr-defined]
    assert settings.LANGUAGE_CODE == "zh-hans"  # type: ignore[attr-defined]


@override_settings(USE_TZ=False)
def test_start_up_fails_without_aware_datetimes() -> None:
    assert [e.id for e in check_time_settings(None)] == ["chengguan.E001"]


def test_an_unsupported_database_url_stops_start_up(tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "DJANGO_SETTINGS_MODULE": "chengguan.settings",
            "DATABASE_URL": "mysql://user@localhost/chengguan",
            "CHENGGUAN_VAR_DIR": str(tmp_path),
            "PATH": "",
        },
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "supports sqlite:// and postgres:// only" in result.stderr
