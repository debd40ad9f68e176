"""The intake writer: one process per database that stores the reports of every server worker.

Storing a report is a short transaction, but on SQLite only one connection writes at a time, and in
a threaded server worker the writing thread shares the GIL with the threads parsing requests: each
SQLite call releases the GIL and waits to get it back, so a batch that takes 3 ms alone takes 6–8 ms
under load, and the write lock, not the CPU, sets the pace. Measured on two cores, a server worker
spent 85 % of its time in its group commit.

With ``INTAKE_WRITER_SOCKET`` set (and ``chengguan intake_writer`` running), a worker checks and
locates a report as before (``intake.prepare_report``) and hands the prepared report to the writer
over a local (Unix) socket. The writer is a single thread in its own process: it takes every report
that has arrived from any worker, stores them with ``intake.store_reports`` in one transaction, and
answers each worker with its case (or its error) after the commit. Under load the batches grow by
themselves, because reports arrive while the previous batch is written.

Nothing acknowledged is lost: a worker answers its client only after the writer answered it, which
the writer does only after the commit. If the writer is not running, a worker stores the report
itself (``group_commit``), as without the setting. If the writer stops after a report was sent and
before it answered, the worker cannot know whether the report was stored and answers 503
(``WriterLost``); a retry with the same ``Idempotency-Key`` returns the stored case or stores it.

Frames on the socket are a 4-byte big-endian length and a pickle. The socket is created with mode
0600 in a directory only the service user should be able to write; it is never exposed to the
network.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import selectors
import signal
import socket
import stat
import struct
import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from chengguan.cases.models import Case
from chengguan.core.errors import ChengguanError, ErrorCode

logger = logging.getLogger(__name__)

HEADER = struct.Struct(">I")
MAX_FRAME = 64 * 1024 * 1024
MAX_BATCH = 128


class WriterUnavailable(Exception):
    """The writer could not be reached before anything was sent: store the report here instead."""


class WriterLost(ChengguanError):
    """The writer went away after the report was sent: whether it was stored is unknown."""

    code = ErrorCode.UNAVAILABLE
    http_status = 503
    default_message = _(
        "The report could not be confirmed; send it again (with the same Idempotency-Key, if any)."
    )


def _frame(obj: Any) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("the intake writer closed the connection")
        chunks += chunk
    return bytes(chunks)


# --- the worker's side ----------------------------------------------------------------------------


class WriterClient:
    """Sends prepared reports to the writer; one connection per thread, kept open."""

    def __init__(self, path: str, *, timeout: float = 30.0) -> None:
        self.path = path
        self.timeout = timeout
        self._local = threading.local()

    def _connection(self) -> socket.socket:
        sock: socket.socket | None = getattr(self._local, "sock", None)
        if sock is not None and _closed_by_peer(sock, self.timeout):
            self.close()
            sock = None
        if sock is None:
            try:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                sock.connect(self.path)
            except OSError as exc:
                sock.close()
                raise WriterUnavailable(str(exc)) from exc
            self._local.sock = sock
        return sock

    def close(self) -> None:
        sock = getattr(self._local, "sock", None)
        self._local.sock = None
        if sock is not None:
            sock.close()

    def submit(self, prepared: Any) -> Case:
        """Store ``prepared`` through the writer; its case once committed, or the writer's error."""
        sock = self._connection()
        try:
            sock.sendall(_frame(prepared))
        except OSError as exc:  # the writer never read a whole frame: nothing was stored
            self.close()
            raise WriterUnavailable(str(exc)) from exc
        try:
            (size,) = HEADER.unpack(_recv_exact(sock, HEADER.size))
            ok, value = pickle.loads(_recv_exact(sock, size))
        except (OSError, EOFError, pickle.UnpicklingError, struct.error) as exc:  # OSError: closed too
            self.close()
            logger.error("intake writer: no answer for a report sent to %s (%s)", self.path, exc)
            raise WriterLost() from exc
        if not ok:
            raise value
        return value


def _closed_by_peer(sock: socket.socket, timeout: float) -> bool:
    """True when a kept connection was closed by the writer (a restart) since its last answer."""
    try:
        sock.setblocking(False)
        try:
            return sock.recv(1, socket.MSG_PEEK) == b""
        finally:
            sock.settimeout(timeout)
    except BlockingIOError:
        return False
    except OSError:
        return True


_client: WriterClient | None = None
_client_lock = threading.Lock()


def client() -> WriterClient | None:
    """This process's client of the writer, or None when ``INTAKE_WRITER_SOCKET`` is not set."""
    global _client
    path = settings.INTAKE_WRITER_SOCKET
    if not path:
        return None
    current = _client
    if current is not None and current.path == path:
        return current  # the hot path: no lock
    with _client_lock:
        if _client is None or _client.path != path:
            _client = WriterClient(path)
        return _client


# --- the writer -------------------------------------------------------------------------------------


class _Peer:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def frames(self) -> list[bytes]:
        out = []
        while len(self.buffer) >= HEADER.size:
            (size,) = HEADER.unpack_from(self.buffer)
            if size > MAX_FRAME:
                raise ValueError(f"frame of {size} bytes")
            if len(self.buffer) < HEADER.size + size:
                break
            out.append(bytes(self.buffer[HEADER.size : HEADER.size + size]))
            del self.buffer[: HEADER.size + size]
        return out


class IntakeWriter:
    """Serves ``path``: stores what arrives in batches with ``store_many`` (``store_one`` when a
    batch fails as a whole, so one bad report never fails the others)."""

    def __init__(
        self,
        path: str,
        store_many: Callable[[Sequence[Any]], list[Case]],
        store_one: Callable[[Any], Case],
        *,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self.path = path
        self.store_many = store_many
        self.store_one = store_one
        self.max_batch = max_batch
        self.batches = 0
        self.reports = 0
        self._stop = threading.Event()
        self._selector = selectors.DefaultSelector()
        self._listener: socket.socket | None = None

    def bind(self) -> None:
        """Listen on the socket; refuses when another writer is already serving it."""
        if os.path.exists(self.path):
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(self.path)
            except OSError:
                if stat.S_ISSOCK(os.stat(self.path).st_mode):
                    os.unlink(self.path)  # left behind by a writer that stopped
            else:
                raise OSError(f"an intake writer already serves {self.path}")
            finally:
                probe.close()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_mask = os.umask(0o177)
        try:
            listener.bind(self.path)
        finally:
            os.umask(old_mask)
        listener.listen(1024)
        listener.setblocking(False)
        self._listener = listener
        self._selector.register(listener, selectors.EVENT_READ, None)

    def stop(self) -> None:
        self._stop.set()

    def serve(self) -> None:
        """Store reports until ``stop`` (or SIGTERM/SIGINT in the main thread)."""
        if self._listener is None:
            self.bind()
        pending: list[tuple[_Peer, Any]] = []
        checkpointer = Checkpointer.start_for(connection)
        try:
            while not self._stop.is_set():
                # wait for something, then take all that has arrived (new connections included)
                events = self._receive(pending, timeout=0 if pending else 0.5)
                while events and len(pending) < self.max_batch:
                    events = self._receive(pending, timeout=0)
                if pending:
                    batch, pending[:] = pending[: self.max_batch], pending[self.max_batch :]
                    self._store(batch)
        finally:
            if checkpointer is not None:
                checkpointer.stop()
            self.close()

    def close(self) -> None:
        for key in list(self._selector.get_map().values()):
            self._selector.unregister(key.fileobj)
            key.fileobj.close()  # type: ignore[union-attr]
        self._selector.close()
        if self._listener is not None:
            self._listener = None
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)

    def _receive(self, pending: list[tuple[_Peer, Any]], timeout: float) -> int:
        """Accept and read what is ready (within ``timeout``); the number of ready sockets."""
        events = self._selector.select(timeout)
        for key, _mask in events:
            if key.data is None:
                self._accept()
                continue
            peer: _Peer = key.data
            try:
                chunk = peer.sock.recv(1 << 20)
                if not chunk:
                    raise ConnectionError("closed")
                peer.buffer += chunk
                for frame in peer.frames():
                    pending.append((peer, pickle.loads(frame)))
            except Exception as exc:  # a worker went away or sent garbage: drop only that connection
                if not isinstance(exc, ConnectionError):
                    logger.warning("intake writer: dropping a connection (%s)", exc)
                self._drop(peer)
        return len(events)

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                sock, _addr = self._listener.accept()
            except BlockingIOError:
                return
            sock.setblocking(True)
            sock.settimeout(10.0)  # for answers; reads only follow the selector
            self._selector.register(sock, selectors.EVENT_READ, _Peer(sock))

    def _drop(self, peer: _Peer) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(peer.sock)
        peer.sock.close()

    def _store(self, batch: list[tuple[_Peer, Any]]) -> None:
        _keep_connection_healthy()
        Checkpointer.hand_over(connection)
        results: list[tuple[bool, Any]]
        try:
            cases = self.store_many([prepared for _peer, prepared in batch])
            results = [(True, case) for case in cases]
        except Exception:
            results = [self._store_alone(prepared) for _peer, prepared in batch]
        self.batches += 1
        self.reports += len(batch)
        for (peer, _prepared), result in zip(batch, results, strict=True):
            try:
                frame = _frame(result)
            except Exception as exc:  # an answer that cannot be sent must not stop the writer
                logger.exception("intake writer: an answer could not be encoded")
                frame = _frame((False, RuntimeError(f"the intake writer could not answer: {exc!r}")))
            try:
                peer.sock.sendall(frame)
            except OSError:
                self._drop(peer)

    def _store_alone(self, prepared: Any) -> tuple[bool, Any]:
        try:
            return True, self.store_one(prepared)
        except ChengguanError as exc:
            return False, exc
        except Exception as exc:  # the worker answers 500 for it, as if it had stored it itself
            logger.exception("intake writer: a report could not be stored")
            return False, exc


def _keep_connection_healthy() -> None:
    """Close the writer's database connection only when it broke (it is kept for good otherwise,
    whatever ``CONN_MAX_AGE`` says: the writer is one long request)."""
    if connection.connection is not None and connection.errors_occurred:
        if connection.is_usable():
            connection.errors_occurred = False
        else:
            connection.close()


class Checkpointer:
    """Copies SQLite's write-ahead log into the database in a thread of its own.

    SQLite does it in the connection that commits, once the log holds 1,000 pages: that commit
    then also writes those pages again and waits for the disk, a quarter of the cost of storing a
    small batch, while every worker waits for the writer. The writer's connection hands that work
    (``wal_autocheckpoint=0``) to this thread, which runs a passive checkpoint (it never blocks a
    writer or a reader) every ``interval`` seconds on its own connection. Other connections keep
    SQLite's default.
    """

    interval = 0.2

    def __init__(self, path: str) -> None:
        self.path = path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpointer", daemon=True)

    @classmethod
    def start_for(cls, conn: Any) -> Checkpointer | None:
        """A running checkpointer for ``conn``'s database when it is SQLite on disk, else None."""
        path = _sqlite_file(conn)
        if path is None:
            return None
        checkpointer = cls(path)
        checkpointer._thread.start()
        cls.hand_over(conn)
        return checkpointer

    @staticmethod
    def hand_over(conn: Any) -> None:
        """Switch off SQLite's own checkpoints on ``conn`` (once per database connection)."""
        if _sqlite_file(conn) is None:
            return
        conn.ensure_connection()
        raw = conn.connection
        if getattr(conn, "_checkpoint_handed_over", None) is not raw:
            raw.execute("PRAGMA wal_autocheckpoint=0")
            conn._checkpoint_handed_over = raw

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        import sqlite3

        db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        try:
            while not self._stop.wait(self.interval):
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:
                    logger.warning("intake writer: checkpoint failed (%s)", exc)
            db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            db.close()


def _sqlite_file(conn: Any) -> str | None:
    if conn.vendor != "sqlite" or conn.is_in_memory_db():
        return None
    name = str(conn.settings_dict.get("NAME") or "")
    return name or None


def run(path: str) -> IntakeWriter:
    """Serve ``path`` in this thread until SIGTERM or SIGINT; the writer, for its counters."""
    from chengguan.cases import intake

    writer = IntakeWriter(path, intake.store_reports, intake.store_report)
    writer.bind()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: writer.stop())
    writer.serve()
    return writer
