"""Reports per second through the real HTTP stack, with a direct-insert baseline in the same run.

    .venv/bin/python benchmarks/intake.py [--requests 3000] [--clients 16] [--workers 2]
        [--threads 8] [--worker-connections 12] [--no-writer]

A throw-away SQLite database gets the demo city. As a deployment runs it, the intake writer
(``chengguan intake_writer``, cases/writer.py) stores the reports and gunicorn serves chengguan on a
free loopback port, its workers handing the reports they checked to the writer. Several client
threads POST inspector reports to /api/v1/cases/ over keep-alive connections, a bounded number of
requests in all, after a warm-up round. The clients send ``Prefer: return=minimal`` as a field app
would (the answer is the new case's id, number and URL; the full detail is one GET away). Then the
same number of case rows is inserted straight into SQLite with single-row transactions (the
cheapest way a report could be stored) as the baseline. The last line reads:

    intake: N reports/s, p50 X ms, p99 Y ms, baseline ratio R

where R = HTTP reports/s ÷ direct inserts/s (both measured here, now).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(var_dir: Path) -> tuple[str, list[tuple[float, float]], str]:
    """Migrate, load the demo city, make an inspector's API token; return token, points, category."""
    os.environ["CHENGGUAN_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chengguan.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from chengguan.geo.models import Grid
    from chengguan.org.models import User
    from chengguan.simulate.democity import load_demo_city

    call_command("migrate", verbosity=0)
    load_demo_city(seed=2026)
    inspector = User.objects.get(username="wang")
    token = Token.objects.get_or_create(user=inspector)[0].key
    # a point in every grid of the city: reports spread as in a real day, a few near each other
    points = []
    for grid in Grid.objects.only("geometry"):
        p = grid.geometry.representative_point()
        points.append((p.x, p.y))
    return token, points, "component:0102"


def _server_env(var_dir: Path, writer_socket: str) -> dict[str, str]:
    return {
        **os.environ,
        "CHENGGUAN_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "chengguan.settings",
        # as a deployment should run: each worker thread keeps its database connection
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "600"),
        "INTAKE_WRITER_SOCKET": writer_socket,
    }


def _start_writer(var_dir: Path, socket_path: str) -> subprocess.Popen:
    """``chengguan intake_writer``, as a deployment runs it beside gunicorn (a systemd service)."""
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("chengguan")), "intake_writer", "--socket", socket_path],
        cwd=ROOT,
        env=_server_env(var_dir, socket_path),
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if os.path.exists(socket_path):
            return proc
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("the intake writer did not start")


def _serve(
    var_dir: Path, port: int, workers: int, threads: int, connections: int, writer_socket: str
) -> subprocess.Popen:
    env = _server_env(var_dir, writer_socket)
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "chengguan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            os.environ.get("XWC", "gthread"),
            "--threads",
            str(threads),
            "--worker-connections",
            str(connections),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


class _Connection:
    """A minimal HTTP/1.1 keep-alive client: the load generator shares the machine's two cores with
    the server, so it does no more than send a request and read the status line, the headers and
    ``Content-Length`` bytes of body (``http.client`` costs about three times as much CPU)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        self.closing = False

    def request(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        self.sock.sendall(head + str(len(body)).encode() + b"\r\n\r\n" + body)
        while b"\r\n\r\n" not in self.buffer:
            self._read()
        header, _sep, rest = self.buffer.partition(b"\r\n\r\n")
        lines = header.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = 0
        self.closing = False
        for line in lines[1:]:
            name, _colon, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                self.closing = True
        while len(rest) < length:
            self.buffer = rest
            self._read()
            rest = self.buffer
        self.buffer = rest[length:]
        return status, rest[:length]

    def _read(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def close(self) -> None:
        self.sock.close()


def _client(port: int, token: str, bodies: list[bytes], latencies: list[float], errors: list[str]) -> None:
    head = (
        "POST /api/v1/cases/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Token {token}\r\nContent-Type: application/json\r\n"
        "Prefer: return=minimal\r\nContent-Length: "
    ).encode()
    conn = _Connection(port)
    for body in bodies:
        started = time.perf_counter()
        try:
            status, payload = conn.request(head, body)
        except (OSError, ValueError, IndexError) as exc:
            errors.append(repr(exc))
            conn.close()
            conn = _Connection(port)
            continue
        if conn.closing:  # the server answers one request per connection (gunicorn's sync workers)
            conn.close()
            conn = _Connection(port)
        latencies.append(time.perf_counter() - started)
        if status not in (200, 201):
            errors.append(f"{status} {payload[:200]!r}")
    conn.close()


def _run_http(
    port: int, token: str, points: list, category: str, total: int, clients: int
) -> tuple[float, list[float], list[str]]:
    rng = random.Random(2026)

    def body(i: int) -> bytes:
        lon, lat = rng.choice(points)
        return json.dumps(
            {
                "source": "inspector",
                "category": category,
                "lon": lon,
                "lat": lat,
                "description": f"井盖缺失 benchmark {i}",
            }
        ).encode()

    bodies = [body(i) for i in range(total)]
    shares = [bodies[i::clients] for i in range(clients)]
    latencies: list[float] = []
    errors: list[str] = []
    threads = [threading.Thread(target=_client, args=(port, token, s, latencies, errors)) for s in shares]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, latencies, errors


def _baseline(db_path: Path, total: int) -> float:
    """Insert ``total`` case rows straight into SQLite, one transaction each, as cheaply as possible."""
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    row = con.execute("SELECT * FROM cases_case LIMIT 1").fetchone()
    columns = [d[0] for d in con.execute("SELECT * FROM cases_case LIMIT 1").description]
    if row is None:
        raise SystemExit("no case was stored over HTTP; the baseline has nothing to copy")
    template = dict(zip(columns, row, strict=True))
    template.pop("id")
    names = list(template)
    sql = f"INSERT INTO cases_case ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    started = time.perf_counter()
    for i in range(total):
        values = dict(template, number=f"B{i:012d}")
        con.execute("BEGIN IMMEDIATE")
        con.execute(sql, [values[n] for n in names])
        con.execute("COMMIT")
    elapsed = time.perf_counter() - started
    con.close()
    return total / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--worker-connections",
        type=int,
        default=12,
        help="gunicorn's cap on one worker's connections: keeps a burst of keep-alive clients "
        "from all landing on one worker",
    )
    parser.add_argument(
        "--no-writer",
        action="store_true",
        help="no intake writer: each gunicorn worker stores its own reports",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chengguan-bench-") as tmp:
        var_dir = Path(tmp)
        t0 = time.perf_counter()
        token, points, category = _prepare(var_dir)
        print(f"setup: demo city and token in {time.perf_counter() - t0:.1f} s; {len(points)} report points")
        port = _free_port()
        writer_socket = "" if args.no_writer else str(var_dir / "intake.sock")
        writer = _start_writer(var_dir, writer_socket) if writer_socket else None
        try:
            server = _serve(var_dir, port, args.workers, args.threads, args.worker_connections, writer_socket)
            try:
                _run_http(port, token, points, category, args.warmup, args.clients)
                elapsed, latencies, errors = _run_http(
                    port, token, points, category, args.requests, args.clients
                )
            finally:
                server.terminate()
                server.wait(timeout=30)
        finally:
            if writer is not None:
                writer.terminate()
                out, _err = writer.communicate(timeout=30)
                print(f"writer: {out.strip().splitlines()[-1] if out.strip() else 'no report'}")
        if errors:
            print(f"errors: {len(errors)} (first: {errors[0]})")
        ok = len(latencies) - len(errors)
        rate = ok / elapsed
        ms = sorted(x * 1000 for x in latencies)
        p50 = statistics.median(ms)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        print(
            f"http: {ok} reports in {elapsed:.2f} s with {args.clients} clients, gunicorn "
            f"{args.workers} workers × {args.threads} threads"
            + ("" if writer is None else " and an intake writer")
        )
        base = _baseline(var_dir / "chengguan.sqlite3", args.requests)
        print(f"baseline: {base:,.0f} direct single-row SQLite inserts/s")
        print(
            f"intake: {rate:.0f} reports/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, baseline ratio {rate / base:.2f}"
        )


if __name__ == "__main__":
    main()
