"""SQLite settings under concurrent read-then-write requests.

Each "request" reads a counter and writes it back inside one transaction, as a
view that checks then saves does. Measured with WAL alone (deferred
transactions) and with the site's full set (WAL, synchronous=NORMAL,
IMMEDIATE transactions, busy timeout): the share of requests that fail with
"database is locked", and throughput against the WAL-alone run.
"""

import sqlite3
import tempfile
import threading
import time
from pathlib import Path

WORKERS = 16
REQUESTS_PER_WORKER = 50


def _run(begin: str, pragmas: list[str], timeout: float) -> tuple[float, float]:
    path = Path(tempfile.mkdtemp(prefix="kexie-sqlite-")) / "db.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)")
    setup.execute("INSERT INTO counter VALUES (1, 0)")
    setup.commit()
    setup.close()
    failures = 0
    lock = threading.Lock()

    def worker():
        nonlocal failures
        db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        for pragma in pragmas:
            db.execute(pragma)
        for _ in range(REQUESTS_PER_WORKER):
            try:
                db.execute(begin)
                (n,) = db.execute("SELECT n FROM counter WHERE id = 1").fetchone()
                time.sleep(0.001)  # the view's own work between read and write
                db.execute("UPDATE counter SET n = ? WHERE id = 1", (n + 1,))
                db.execute("COMMIT")
            except sqlite3.OperationalError:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                with lock:
                    failures += 1
        db.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    total = WORKERS * REQUESTS_PER_WORKER
    return failures / total, (total - failures) / elapsed


def main() -> list[str]:
    wal_fail, wal_rate = _run("BEGIN", ["PRAGMA journal_mode=WAL"], timeout=5)
    full_fail, full_rate = _run(
        "BEGIN IMMEDIATE",
        ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"],
        timeout=20,
    )
    return [
        f"{WORKERS} threads × {REQUESTS_PER_WORKER} read-then-write transactions on one row.",
        "",
        "| settings | failed with “database is locked” | successful writes/s | ratio to WAL alone |",
        "| --- | --- | --- | --- |",
        f"| WAL alone (deferred transactions) | {wal_fail:.0%} | {wal_rate:.0f} | 1.00× |",
        f"| site default: WAL + NORMAL + IMMEDIATE + 20 s timeout | {full_fail:.0%} | {full_rate:.0f} | {full_rate / wal_rate:.2f}× |",
    ]
