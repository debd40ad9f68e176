"""``chengguan audit verify``: OK and exit 0, or the first tampered entry on stderr and exit 1."""

from __future__ import annotations

import io
import json
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from chengguan.audit.management.commands.audit import Command
from chengguan.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

TABLE = AuditEntry._meta.db_table


def test_it_prints_the_number_of_entries_checked_and_ok(chain_of) -> None:
    last = chain_of(12)[-1]
    out = io.StringIO()

    with translation.override("en"):
        call_command("audit", "verify", "--batch-size", "5", stdout=out)

    assert out.getvalue().strip() == f"Audit log OK: 12 entries checked, head #12 {last.hash}"


def test_it_names_the_tampered_entry_and_exits_1(chain_of, raw_sql) -> None:
    chain_of(20)
    raw_sql(f"UPDATE {TABLE} SET payload = %s WHERE seq = 13", [json.dumps({"new": {"amount": 50}})])

    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("audit", "verify")

    assert caught.value.returncode == 1
    message = str(caught.value)
    assert "entry 13 is bad" in message
    assert "Action: case.registered" in message
    assert "Target: cases.case:13" in message
    assert "content was changed" in message


def test_from_the_command_line_the_failure_goes_to_stderr_with_status_1(chain_of, raw_sql, capsys) -> None:
    chain_of(5)
    raw_sql(f"DELETE FROM {TABLE} WHERE seq = 2")

    # run_from_argv closes the connections when it ends; the test's transaction must survive it.
    with (
        translation.override("en"),
        mock.patch("django.core.management.base.connections.close_all"),
        pytest.raises(SystemExit) as caught,
    ):
        Command().run_from_argv(["chengguan", "audit", "verify"])

    assert caught.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "entry 2 is bad" in captured.err
    assert "entry 2 is missing" in captured.err


def test_it_needs_a_subcommand() -> None:
    with pytest.raises(CommandError):
        call_command("audit")
