"""A small asyncio HTTP/1.1 client for the serving benchmark and ``make load``.

One connection a request (``Connection: close``, as gunicorn's sync workers
answer anyway), loopback only: the client refuses any host but 127.0.0.1 and
localhost, so ``make load`` cannot be pointed at someone else's site. Light on
purpose: on a shared 2-core machine a heavy client would measure itself.
"""

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Reply:
    """What one request got: status (0 on a connection error), headers, body, time."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    seconds: float = 0.0
    error: str = ""


def target(url: str) -> tuple[str, int]:
    """Host and port of ``url``; refuses anything but loopback."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"refusing {url}: loopback only")
    return parts.hostname or "127.0.0.1", parts.port or 80


async def request(
    base: str,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    timeout: float = 120.0,
) -> Reply:
    """Send one request to ``base`` + ``path`` and read the whole answer."""
    host, port = target(base)
    started = time.perf_counter()
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port), timeout
        )
        try:
            writer.write(raw)
            await writer.drain()
            data = await asyncio.wait_for(reader.read(-1), timeout)
        finally:
            writer.close()
    except (OSError, TimeoutError) as error:
        return Reply(0, seconds=time.perf_counter() - started, error=repr(error))
    head, _sep, content = data.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(head_lines[0].split()[1])
    except (IndexError, ValueError):
        return Reply(0, seconds=time.perf_counter() - started, error="bad answer")
    reply_headers = {}
    for line in head_lines[1:]:
        name, _colon, value = line.partition(":")
        reply_headers[name.strip().lower()] = value.strip()
    if reply_headers.get("transfer-encoding") == "chunked":
        content = _unchunk(content)
    return Reply(status, reply_headers, content, time.perf_counter() - started)


def _unchunk(data: bytes) -> bytes:
    """Decode a chunked body."""
    out = bytearray()
    while data:
        size_line, _sep, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2 :]
    return bytes(out)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0–1) of ``values`` (nearest rank)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
