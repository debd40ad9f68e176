"""The `demo` and `serve` commands."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chengguan.cases.models import Case
from chengguan.core.management.commands import serve
from chengguan.enforcement.models import Party
from chengguan.open311.models import ApiKey
from chengguan.org.models import Division
from chengguan.portal.models import Publication
from chengguan.simulate.democity import DEMO_PASSWORD, DemoCityReport
from chengguan.simulate.management.commands import demo
from chengguan.simulate.tests.conftest import wipe_city


class Recorder:
    """Stands in for ``call_command`` and remembers the calls; runs the real one for other commands."""

    def __init__(self, *intercepted: str) -> None:
        self.intercepted = intercepted
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __call__(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.calls.append((name, args, kwargs))
        if name not in self.intercepted:
            call_command(name, *args, **kwargs)

    def names(self) -> list[str]:
        return [name for name, _args, _kwargs in self.calls]


@pytest.mark.django_db
def test_demo_loads_the_city_into_an_empty_database_and_prints_the_address_and_logins(
    demo_city: DemoCityReport,
) -> None:
    wipe_city()
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out, verbosity=1)
    text = out.getvalue()
    assert Division.objects.filter(code="330200").exists()
    assert "http://127.0.0.1:8000/staff/login/" in text
    assert "http://127.0.0.1:8000/admin/" in text
    assert Case.objects.filter(state="closed").exists()  # the demo morning went through the loop
    assert Party.objects.exists() and ApiKey.objects.exists() and Publication.objects.exists()
    for username in ("wang", "li", "zhao", "chen", "zhou", "sun", "qian", "liu", "admin", "citizen"):
        assert f"\n{username} " in text
    assert DEMO_PASSWORD in text and "陈刚" in text and "鼓楼中队" in text


@pytest.mark.django_db
def test_demo_keeps_an_existing_city_and_then_serves(
    demo_city: DemoCityReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder("serve")
    monkeypatch.setattr(demo, "call_command", recorder)
    before = Division.objects.count()
    out = StringIO()
    call_command("demo", "--port", "8123", stdout=out)
    assert Division.objects.count() == before
    assert recorder.names() == ["migrate", "serve"]
    assert recorder.calls[-1][2]["port"] == 8123
    assert "http://127.0.0.1:8123/staff/login/" in out.getvalue()
    assert "\nchen " in out.getvalue()


def test_serve_collects_static_files_then_runs_the_server_without_reloader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = Recorder("collectstatic", "runserver")
    monkeypatch.setattr(serve, "call_command", recorder)
    call_command("serve")
    assert recorder.names() == ["collectstatic", "runserver"]
    _name, args, kwargs = recorder.calls[1]
    assert args == ("127.0.0.1:8000",)
    assert kwargs["use_reloader"] is False and kwargs["insecure_serving"] is True
    assert recorder.calls[0][2]["interactive"] is False


def test_serve_listens_where_it_is_told(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder("collectstatic", "runserver")
    monkeypatch.setattr(serve, "call_command", recorder)
    call_command("serve", "--host", "::1", "--port", "9000")
    assert recorder.calls[1][1] == ("[::1]:9000",)
    with pytest.raises(CommandError):
        call_command("serve", "--port", "70000")
