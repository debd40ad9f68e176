"""The intake writer: one process stores the reports of every server worker, in batches, and answers
each worker only after its transaction committed."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from chengguan.audit.verification import verify_chain
from chengguan.cases import intake, writer
from chengguan.cases.models import Case
from chengguan.cases.tests.api.conftest import WEST, WEST_2
from chengguan.cases.tests.test_concurrent_transitions import seeded  # noqa: F401  (fixture)
from chengguan.core.errors import InvalidInput
from chengguan.core.testing import TinyCity


class Served:
    """An ``IntakeWriter`` serving in a thread of the test."""

    def __init__(self, path: str, store_many: Callable[..., Any], store_one: Callable[..., Any]) -> None:
        self.writer = writer.IntakeWriter(path, store_many, store_one)
        self.writer.bind()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            self.writer.serve()
        finally:
            connection.close()  # this thread's own database connection

    def stop(self) -> None:
        self.writer.stop()
        self.thread.join(10)
        assert not self.thread.is_alive()


@pytest.fixture
def socket_path(tmp_path: Path) -> Iterator[str]:
    # Unix socket paths are short (108 bytes); pytest's tmp_path can be longer than that
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cg-") as short:
        yield str(Path(short) / "w.sock")


def _submit_all(client: writer.WriterClient, items: list[Any]) -> dict[Any, Any]:
    results: dict[Any, Any] = {}

    def submit(item: Any) -> None:
        try:
            results[item] = client.submit(item)
        except Exception as exc:
            results[item] = exc

    threads = [threading.Thread(target=submit, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return results


def test_reports_arriving_while_a_batch_is_written_are_stored_together(socket_path: str) -> None:
    hold, batches = threading.Event(), []

    def store_many(items: Any) -> list[Any]:
        if not batches:
            hold.wait(5)
        batches.append(list(items))
        return [f"case of {item}" for item in items]

    served = Served(socket_path, store_many, lambda item: f"case of {item}")
    client = writer.WriterClient(socket_path)
    try:
        first = threading.Thread(target=client.submit, args=("r0",))
        first.start()
        time.sleep(0.2)  # r0's batch is being written (held)
        results: dict[Any, Any] = {}
        later = threading.Thread(target=lambda: results.update(_submit_all(client, ["r1", "r2", "r3"])))
        later.start()
        time.sleep(0.3)  # the three are in the writer's socket buffers meanwhile
        hold.set()
        first.join(5)
        later.join(5)
    finally:
        served.stop()
    assert batches[0] == ["r0"]
    assert sorted(batches[1]) == ["r1", "r2", "r3"]
    assert results == {f"r{i}": f"case of r{i}" for i in (1, 2, 3)}
    assert (served.writer.batches, served.writer.reports) == (2, 4)


def test_one_bad_report_fails_alone_with_its_own_error(socket_path: str) -> None:
    def store_many(items: Any) -> list[Any]:
        if len(items) > 1:
            raise RuntimeError("the batch fails as a whole")
        return [store_one(items[0])]

    def store_one(item: Any) -> Any:
        if item == "bad":
            raise InvalidInput("not a report", field="category")
        return f"case of {item}"

    served = Served(socket_path, store_many, store_one)
    try:
        results = _submit_all(writer.WriterClient(socket_path), ["a", "bad", "b"])
    finally:
        served.stop()
    assert results["a"] == "case of a" and results["b"] == "case of b"
    error = results["bad"]
    assert isinstance(error, InvalidInput)
    assert (error.field, str(error.message)) == ("category", "not a report")


def test_an_error_that_cannot_be_sent_back_does_not_stop_the_writer(socket_path: str) -> None:
    def store_one(item: Any) -> Any:
        if item == "odd":
            raise InvalidInput("odd", field="description", check=lambda: None)  # cannot be pickled
        return f"case of {item}"

    served = Served(socket_path, lambda items: [store_one(i) for i in items], store_one)
    client = writer.WriterClient(socket_path)
    try:
        with pytest.raises(RuntimeError, match="could not answer"):
            client.submit("odd")
        assert client.submit("fine") == "case of fine"
    finally:
        served.stop()


def test_without_a_running_writer_nothing_is_sent(socket_path: str) -> None:
    with pytest.raises(writer.WriterUnavailable):
        writer.WriterClient(socket_path).submit("r")


def test_a_writer_that_goes_away_before_answering_is_a_503_not_a_second_store(socket_path: str) -> None:
    # a stand-in writer that reads the report and dies without answering
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(1)

    def die_after_reading() -> None:
        conn, _addr = listener.accept()
        (size,) = writer.HEADER.unpack(writer._recv_exact(conn, writer.HEADER.size))
        writer._recv_exact(conn, size)
        conn.close()

    thread = threading.Thread(target=die_after_reading)
    thread.start()
    try:
        with pytest.raises(writer.WriterLost) as caught:
            writer.WriterClient(socket_path).submit("r")
    finally:
        thread.join(5)
        listener.close()
    assert caught.value.http_status == 503
    assert caught.value.to_dict()["code"] == "unavailable"


def test_a_restarted_writer_is_found_again(socket_path: str) -> None:
    client = writer.WriterClient(socket_path)
    served = Served(socket_path, lambda items: [f"one {i}" for i in items], str)
    assert client.submit("a") == "one a"
    served.stop()
    served = Served(socket_path, lambda items: [f"two {i}" for i in items], str)
    try:
        assert client.submit("b") == "two b"  # the kept connection was closed: a new one is made
    finally:
        served.stop()


def test_a_second_writer_for_the_same_socket_is_refused(socket_path: str) -> None:
    served = Served(socket_path, lambda items: list(items), str)
    try:
        with pytest.raises(OSError, match="already serves"):
            writer.IntakeWriter(socket_path, list, str).bind()
    finally:
        served.stop()


def test_the_command_needs_a_socket(settings: Any) -> None:
    settings.INTAKE_WRITER_SOCKET = ""
    with pytest.raises(CommandError) as caught:
        call_command("intake_writer")
    assert caught.value.returncode == 2


# --- with the database -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded")
def test_reports_go_through_the_writer_when_it_runs_and_are_stored_here_when_it_does_not(
    tiny_city: TinyCity, socket_path: str, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.INTAKE_WRITER_SOCKET = socket_path
    inspector = tiny_city.users["inspector"]

    def report(description: str, lon_lat: tuple[float, float]) -> intake.IntakeResult:
        lon, lat = lon_lat
        return intake.submit_report(
            actor=inspector,
            source="inspector",
            category="event:0504",
            lon=lon,
            lat=lat,
            description=description,
        )

    # with the writer running, the worker's report is stored by the writer's thread
    stored_by: list[str] = []

    def store_many(batch: Any) -> list[Case]:
        stored_by.append(threading.current_thread().name)
        return intake.store_reports(batch)

    served = Served(socket_path, store_many, intake.store_report)
    try:
        first = report("through the writer", WEST)
    finally:
        served.stop()
    assert first.created and first.case.pk is not None
    assert stored_by and stored_by[0] != threading.current_thread().name
    assert Case.objects.get(pk=first.case.pk).description == "through the writer"

    # with the writer stopped, the worker stores the report itself and says so in the log
    with caplog.at_level(logging.WARNING, logger="chengguan.cases.intake"):
        second = report("stored here", WEST_2)
    assert Case.objects.get(pk=second.case.pk).description == "stored here"
    assert "not reachable" in caplog.text
    assert verify_chain().ok
