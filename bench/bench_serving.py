"""Serving under a crowd: gunicorn with the production settings, the demo content.

``python bench/bench_serving.py`` (or ``bench/run.py serving``). One gunicorn,
2 sync workers (site/gunicorn.conf.py), the production settings as shipped
(page cache, compression, WhiteNoise, worker backend) on SQLite with the
local-memory cache, the demo content; a hello-world view on the same server
is the baseline. Measured, each repeated and alternated with its baseline:

* requests per second of public pages served from the page cache, and rendered
  (the same URL with a bogus ``sessionid`` cookie, which bypasses the cache:
  the render plus one session lookup), as ratios to the hello-world view;
* a burst of 1,000 visitors arriving at once, each fetching the page and the
  site's stylesheet: time until the last is served, as a ratio to 1,000 visitors
  fetching the hello-world view and the same stylesheet; errors counted;
* the first search after a worker starts, as a ratio to a warm search, with the
  segmenter loaded at worker start and (before) on first use;
* compressed sizes (rjieba against jieba: ``bench_segment.py``).

Environment: ``BENCH_REPEAT`` (3), ``BENCH_VAR`` (a folder kept between runs so
the demo database and collected static files are built once).
"""

import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from httpclient import percentile, request  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
VAR = Path(os.environ.get("BENCH_VAR") or REPO_DIR / "var" / "bench-serving")
PORT = int(os.environ.get("BENCH_PORT", "8150"))
BASE = f"http://127.0.0.1:{PORT}"
ACCEPT = {"Accept-Encoding": "gzip, br"}


def site_env(**extra: str) -> dict[str, str]:
    """The environment gunicorn and manage.py run with."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="serving_bench_site",
        PYTHONPATH=os.pathsep.join(
            [str(REPO_DIR), str(REPO_DIR / "site"), str(BENCH_DIR)]
        ),
        KEXIE_VAR_DIR=str(VAR),
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        KEXIE_SSL_REDIRECT="0",
        KEXIE_SECURE_COOKIES="0",
        KEXIE_HSTS_SECONDS="0",
        KEXIE_SITE_URL=BASE,
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str] | None = None) -> str:
    """Run ``manage.py`` with the bench site's settings; return its output."""
    return subprocess.run(
        [PYTHON, str(REPO_DIR / "site" / "manage.py"), *args],
        env=env or site_env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def prepare() -> None:
    """The demo database and the collected static files, built once per BENCH_VAR."""
    VAR.mkdir(parents=True, exist_ok=True)
    if not (VAR / "demo-loaded").exists():
        manage("migrate", "--noinput")
        manage("load_demo_data")
        (VAR / "demo-loaded").write_text("ok")
    if not (VAR / "static" / "staticfiles.json").exists():
        manage("collectstatic", "--noinput", "-v0")


def demo_urls() -> dict[str, str]:
    """One URL of each public section of the demo, found in its database."""
    code = (
        "import json, django; django.setup()\n"
        "from wagtail.models import Site\n"
        "from kexie_pages.models import NewsPage, BookletPage, CoursePage, NeedsLibraryPage\n"
        "site = Site.objects.get(is_default_site=True)\n"
        "urls = {'home': '/'}\n"
        "for child in site.root_page.get_children().live().specific():\n"
        "    urls[type(child).__name__] = child.get_url_parts()[2]\n"
        "for model in (NewsPage, BookletPage, CoursePage):\n"
        "    page = model.objects.live().order_by('pk').first()\n"
        "    if page: urls[model.__name__] = page.get_url_parts()[2]\n"
        "print(json.dumps(urls))\n"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], env=site_env(), check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


class Gunicorn:
    """gunicorn with site/gunicorn.conf.py on BENCH_PORT; waits until workers are warm."""

    def __init__(self, *, workers: int = 2, warm_up: bool = True) -> None:
        self.log = VAR / f"gunicorn-{uuid.uuid4().hex[:8]}.log"
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "-c",
                str(REPO_DIR / "site" / "gunicorn.conf.py"),
                "--log-level",
                "info",
                "--error-logfile",
                str(self.log),
            ],
            env=site_env(
                KEXIE_BIND=f"127.0.0.1:{PORT}",
                WEB_CONCURRENCY=str(workers),
                KEXIE_WARM_UP="1" if warm_up else "0",
            ),
            stdout=subprocess.DEVNULL,
        )
        booted = "warm in" if warm_up else "Booting worker"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            text = self.log.read_text() if self.log.exists() else ""
            if text.count(booted) >= workers:
                break
            time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError("gunicorn did not start: " + text[-2000:])
        # A worker logs "Booting" before it loads the application: wait for it
        # to answer (hello-world touches no segmenter).
        while asyncio.run(request(BASE, "/bench/hello/")).status != 200:
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.unlink(missing_ok=True)


async def _throughput(
    path: str, *, total: int, concurrency: int, headers: dict
) -> dict:
    """``total`` GETs of ``path`` by ``concurrency`` clients: req/s, p95, errors."""
    queue = iter(range(total))
    times: list[float] = []
    errors = 0

    async def client() -> None:
        nonlocal errors
        for _ in queue:
            reply = await request(BASE, path, headers=headers)
            times.append(reply.seconds)
            errors += reply.status != 200

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"rps": total / elapsed, "p95": percentile(times, 0.95), "errors": errors}


async def _burst(path: str, stylesheet: str, *, visitors: int) -> dict:
    """``visitors`` arrive at once; each fetches ``path`` then the stylesheet."""
    errors = 0

    async def visitor() -> float:
        nonlocal errors
        page = await request(BASE, path, headers=ACCEPT, timeout=300)
        style = await request(BASE, stylesheet, headers=ACCEPT, timeout=300)
        errors += (page.status != 200) + (style.status != 200)
        return time.perf_counter()

    started = time.perf_counter()
    finished = await asyncio.gather(*(visitor() for _ in range(visitors)))
    return {"drain": max(finished) - started, "errors": errors}


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    """min / median / max."""
    return " / ".join(
        fmt.format(v) for v in (min(values), statistics.median(values), max(values))
    )


def measure_throughput(urls: dict[str, str]) -> list[str]:
    """Cached and rendered pages as ratios to hello-world req/s, same server."""
    pages = {
        name: url
        for name, url in urls.items()
        if name
        in (
            "home",
            "NeedsLibraryPage",
            "LectureHallPage",
            "BookletIndexPage",
            "NewsIndexPage",
            "ThinkTankPage",
            "NewsPage",
            "BookletPage",
        )
    }
    total, concurrency = 300, 8
    cookie = {**ACCEPT, "Cookie": "sessionid=bench-bypass"}
    ratios: dict[str, dict[str, list[float]]] = {
        n: {"cached": [], "rendered": [], "rps_c": [], "rps_r": []} for n in pages
    }
    hello_rps: list[float] = []
    errors = 0
    server = Gunicorn()
    try:
        for url in pages.values():  # fill the cache
            asyncio.run(request(BASE, url, headers=ACCEPT))
        for _ in range(REPEAT):
            for name, url in pages.items():
                hello = asyncio.run(
                    _throughput(
                        "/bench/hello/",
                        total=total,
                        concurrency=concurrency,
                        headers=ACCEPT,
                    )
                )
                cached = asyncio.run(
                    _throughput(
                        url, total=total, concurrency=concurrency, headers=ACCEPT
                    )
                )
                rendered = asyncio.run(
                    _throughput(
                        url, total=total // 3, concurrency=concurrency, headers=cookie
                    )
                )
                errors += hello["errors"] + cached["errors"] + rendered["errors"]
                hello_rps.append(hello["rps"])
                ratios[name]["cached"].append(cached["rps"] / hello["rps"])
                ratios[name]["rendered"].append(rendered["rps"] / hello["rps"])
                ratios[name]["rps_c"].append(cached["rps"])
                ratios[name]["rps_r"].append(rendered["rps"])
    finally:
        server.stop()
    lines = [
        f"Hello-world: {spread(hello_rps, '{:.0f}')} req/s (min / median / max over "
        f"{len(hello_rps)} runs of {total} requests, {concurrency} clients). Errors: {errors}.",
        "",
        "| page | cached req/s | cached ÷ hello | rendered req/s | rendered ÷ hello |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, url in pages.items():
        r = ratios[name]
        lines.append(
            f"| {name} `{url}` | {statistics.median(r['rps_c']):.0f} | "
            f"{spread(r['cached'])}× | {statistics.median(r['rps_r']):.0f} | "
            f"{spread(r['rendered'])}× |"
        )
    return lines


def measure_burst(urls: dict[str, str], stylesheet: str) -> list[str]:
    """1,000 visitors at once on home and the needs library against hello-world."""
    visitors = 1000
    targets = {"home": urls["home"], "needs library": urls["NeedsLibraryPage"]}
    drains: dict[str, list[float]] = {n: [] for n in targets}
    ratios: dict[str, list[float]] = {n: [] for n in targets}
    hello_drains: list[float] = []
    errors = dict.fromkeys([*targets, "hello"], 0)
    server = Gunicorn()
    try:
        for url in targets.values():
            asyncio.run(request(BASE, url, headers=ACCEPT))
        for _ in range(REPEAT):
            for name, url in targets.items():
                hello = asyncio.run(
                    _burst("/bench/hello/", stylesheet, visitors=visitors)
                )
                page = asyncio.run(_burst(url, stylesheet, visitors=visitors))
                hello_drains.append(hello["drain"])
                drains[name].append(page["drain"])
                ratios[name].append(page["drain"] / hello["drain"])
                errors["hello"] += hello["errors"]
                errors[name] += page["errors"]
    finally:
        server.stop()
    lines = [
        f"Hello-world + stylesheet, {visitors} visitors: drained in "
        f"{spread(hello_drains)} s; errors {errors['hello']}.",
        "",
        "| page + stylesheet, 1,000 visitors at once | drained in (s) | ÷ hello-world | errors |",
        "| --- | --- | --- | --- |",
    ]
    for name in targets:
        lines.append(
            f"| {name} (cached) | {spread(drains[name])} | {spread(ratios[name])}× | {errors[name]} |"
        )
    return lines


def measure_first_search() -> list[str]:
    """First search after a worker starts ÷ a warm search, with and without warm-up."""
    rows = []
    for warm in (True, False):
        ratios, firsts = [], []
        for _ in range(REPEAT):
            server = Gunicorn(workers=1, warm_up=warm)
            try:
                first = asyncio.run(  # 小麦, a query no one made before
                    request(
                        BASE, f"/search/?q=%E5%B0%8F%E9%BA%A6&r={secrets.token_hex(4)}"
                    )
                )
                warm_times = []
                for query in (
                    "%E5%85%BB%E6%AE%96",
                    "%E9%98%B2%E6%B2%BB",
                    "%E5%A4%A7%E6%A3%9A",
                    "%E7%BA%A2%E8%96%AF",
                    "%E5%90%88%E4%BD%9C%E7%A4%BE",
                ):
                    reply = asyncio.run(
                        request(BASE, f"/search/?q={query}&r={secrets.token_hex(4)}")
                    )
                    assert reply.status == 200, reply
                    warm_times.append(reply.seconds)
            finally:
                server.stop()
            assert first.status == 200, first
            firsts.append(first.seconds)
            ratios.append(first.seconds / statistics.median(warm_times))
        label = (
            "loaded at worker start (post_worker_init)"
            if warm
            else "loaded on first use (before)"
        )
        rows.append(f"| {label} | {spread(firsts)} s | {spread(ratios)}× |")
    return [
        "| segmenter | first search | first ÷ warm search |",
        "| --- | --- | --- |",
        *rows,
    ]


def measure_compression(urls: dict[str, str], stylesheet: str) -> list[str]:
    """Bytes sent with and without Accept-Encoding."""
    targets = {
        "home (HTML)": urls["home"],
        "needs library (HTML)": urls["NeedsLibraryPage"],
        "courses .ics (all)": urls["LectureHallPage"] + "ics/",
        "needs API (JSON)": "/api/v3/kexie/needs/?limit=20",
        "stylesheet (WhiteNoise)": stylesheet,
    }
    lines = ["| what | identity | gzip | br |", "| --- | --- | --- | --- |"]
    server = Gunicorn(workers=1)
    try:
        for name, url in targets.items():
            sizes = []
            for encoding in ("identity", "gzip", "br"):
                reply = asyncio.run(
                    request(BASE, url, headers={"Accept-Encoding": encoding})
                )
                assert reply.status == 200, (url, reply.status)
                sent = reply.headers.get("content-encoding", "identity")
                sizes.append(f"{len(reply.body):,} B ({sent})")
            cache_control = asyncio.run(request(BASE, url)).headers.get(
                "cache-control", ""
            )
            lines.append(
                f"| {name} | {' | '.join(sizes)} |"
                + (f" `{cache_control}`" if "immutable" in cache_control else "")
            )
    finally:
        server.stop()
    return lines


def stylesheet_url() -> str:
    """The hashed URL WhiteNoise serves the site's stylesheet at."""
    manifest = json.loads((VAR / "static" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["kexie_pages/site.css"]


def main() -> list[str]:
    prepare()
    urls = demo_urls()
    stylesheet = stylesheet_url()
    lines = [
        f"Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; REPEAT={REPEAT}.",
        "",
    ]
    for title, func in (
        ("Throughput", lambda: measure_throughput(urls)),
        ("Burst", lambda: measure_burst(urls, stylesheet)),
        ("First search after a worker starts", measure_first_search),
        ("Compression", lambda: measure_compression(urls, stylesheet)),
    ):
        started = time.perf_counter()
        section = func()
        lines += [
            f"### {title} ({time.perf_counter() - started:.0f} s)",
            "",
            *section,
            "",
        ]
        print("\n".join(lines[-len(section) - 3 :]), flush=True)
    return lines


if __name__ == "__main__":
    only = sys.argv[1:]
    if only:
        prepare()
        urls = demo_urls()
        stylesheet = stylesheet_url()
        for name in only:
            print(
                {
                    "throughput": lambda: measure_throughput(urls),
                    "burst": lambda: measure_burst(urls, stylesheet),
                    "search": measure_first_search,
                    "compression": lambda: measure_compression(urls, stylesheet),
                }[name]()
            )
    else:
        main()
