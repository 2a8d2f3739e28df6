"""``make load``: a bounded mixed workload against a running site on loopback.

Start the site first (``KEXIE_CLIENT_IP_HEADER=HTTP_X_REAL_IP make serve``, with
``DATABASE_URL`` and ``REDIS_URL`` for the real engines; or two servers behind
nginx, README "Serving"), then ``make load`` runs, for ``--seconds`` and at most
``--requests`` requests, ``--clients`` concurrent visitors mixing:

* page views across every section (found by crawling the home page and each
  section's index), 60 %;
* site searches of common two-character words, 15 %;
* booklet downloads (``/b/<id>/download/``), 10 %;
* county form submissions through the API (each with its own Idempotency-Key;
  one in ten sent twice, as a retry would), 15 %;
* and, at the same time, one large directory import (``kexie_import`` of
  ``--import-rows`` new experts) in a process of its own.

Each simulated visitor has its own address (``X-Real-IP``) and user agent, as
distinct visitors behind a proxy would, so rate limits and download counting
see distinct clients; the site must trust that header
(``KEXIE_CLIENT_IP_HEADER=HTTP_X_REAL_IP``, as behind nginx).

Then it reports throughput and p95 per kind and verifies, reading the database
through ``manage.py shell`` with the site's environment: every accepted
submission stored exactly once (replays included), every download counted
(after the counters' flush), the import complete, and no 5xx. Exit status 1
if a check fails. Loopback only: the client refuses any other host.
"""

import argparse
import asyncio
import csv
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from httpclient import Reply, percentile, request  # noqa: E402

WORDS = [
    "小麦",
    "养殖",
    "防治",
    "大棚",
    "红薯",
    "合作社",
    "赤霉病",
    "猪",
    "直播",
    "花卉",
]
SKIP = ("/admin", "/static", "/documents", "/media", "/api", "/forms/receipt", "/b/")


def manage_json(code: str) -> dict:
    """Run ``code`` in ``manage.py shell`` with this environment; parse its last line."""
    out = subprocess.run(
        [sys.executable, str(REPO_DIR / "site" / "manage.py"), "shell", "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


COUNTS = (
    "import json\n"
    "from django.db.models import Sum\n"
    "from kexie_forms.models import FormSubmission\n"
    "from kexie_pages.models import BookletDownloadCount, Expert\n"
    "print(json.dumps({'submissions': FormSubmission.objects.count(),"
    " 'downloads': BookletDownloadCount.objects.aggregate(n=Sum('count'))['n'] or 0,"
    " 'experts': Expert.objects.count()}))\n"
)


def visitor_headers() -> dict[str, str]:
    """A distinct visitor: own address and user agent, accepts compression."""
    address = (
        f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    )
    return {
        "X-Real-IP": address,
        "X-Forwarded-For": address,
        "User-Agent": f"kexie-load/{uuid.uuid4().hex[:12]}",
        "Accept-Encoding": "gzip, br",
    }


async def crawl(base: str) -> tuple[list[str], list[str]]:
    """Page URLs of every section (three levels) and booklet download links."""
    pages, downloads, frontier = {"/"}, set(), ["/"]
    for _depth in range(3):
        found = []
        for url in frontier:
            reply = await request(base, url)
            for link in re.findall(
                r'href="(/[^"#]*)"', reply.body.decode("utf-8", "replace")
            ):
                link = link.replace("&amp;", "&")
                if re.match(r"^/b/\d+/download/", link):
                    downloads.add(link.split("?")[0])
                elif (
                    not link.startswith(SKIP) and link not in pages and len(pages) < 150
                ):
                    pages.add(link)
                    found.append(link)
        frontier = found
    return sorted(pages), sorted(downloads)


async def form_plan(base: str) -> tuple[int, dict[str, str]] | None:
    """An open form and answers that pass its validation."""
    reply = await request(base, "/api/v3/kexie/forms/")
    forms = [f for f in json.loads(reply.body or b"[]") if f.get("is_open")]
    for summary in forms:
        detail = json.loads(
            (await request(base, f"/api/v3/kexie/forms/{summary['id']}")).body
        )
        answers = {}
        usable = True
        for field in detail.get("fields", []):
            kind, name = field["type"], field["name"]
            if field["choices"]:
                answers[name] = field["choices"][0]["value"]
            elif kind == "file":
                usable = usable and not field["required"]
            elif "mobile" in kind or "phone" in name or "mobile" in name:
                answers[name] = "13800001234"
            elif kind == "email":
                answers[name] = "load@example.cn"
            elif kind == "number":
                answers[name] = "3"
            elif kind == "date":
                answers[name] = "2026-06-01"
            elif kind == "checkbox":
                answers[name] = "on"
            elif field["required"] or kind in ("singleline", "multiline"):
                answers[name] = "前进村小麦赤霉病防治"[: field.get("max_length") or 20]
        if usable:
            return summary["id"], answers
    return None


def experts_csv(rows: int) -> Path:
    """``rows`` new experts with unique names and phones, in the import's columns."""
    path = Path(tempfile.mkdtemp(prefix="kexie-load-")) / "experts.csv"
    tag = uuid.uuid4().hex[:6]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "姓名",
                "性别",
                "工作单位",
                "职称",
                "专业领域",
                "产业类别",
                "服务区县",
                "联系电话",
                "电子邮箱",
                "个人简介",
                "是否公开",
            ]
        )
        for n in range(rows):
            writer.writerow(
                [
                    f"负载{tag}{n}",
                    "男",
                    "周口市农业科学院",
                    "研究员",
                    "小麦育种与栽培",
                    "种植",
                    "扶沟县",
                    f"139{n:08d}",
                    f"l{tag}{n}@example.cn",
                    f"长期从事小麦赤霉病防治研究，第{n}号。",
                    "是",
                ]
            )
    return path


async def run(args: argparse.Namespace) -> int:
    base = args.url
    pages, downloads = await crawl(base)
    plan = await form_plan(base)
    print(
        f"{len(pages)} pages, {len(downloads)} download links, form: {plan and plan[0]}"
    )
    before = manage_json(COUNTS)
    import_file = experts_csv(args.import_rows)
    importer = subprocess.Popen(
        [
            sys.executable,
            str(REPO_DIR / "site" / "manage.py"),
            "kexie_import",
            "experts",
            str(import_file),
        ],
        env=os.environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    times: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    accepted_keys: set[str] = set()
    downloads_sent = 0
    deadline = time.monotonic() + args.seconds
    budget = iter(range(args.requests))

    hits: dict[str, int] = defaultdict(int)

    def record(kind: str, reply: Reply) -> None:
        times[kind].append(reply.seconds)
        statuses[kind][reply.status] += 1
        hits[kind] += reply.headers.get("x-kexie-cache") == "hit"

    async def visitor() -> None:
        nonlocal downloads_sent
        for _ in budget:
            if time.monotonic() > deadline:
                return
            headers = visitor_headers()
            roll = random.random()
            if (
                roll < 0.60
                or (roll < 0.85 and not downloads)
                or (roll >= 0.85 and not plan)
            ):
                record(
                    "page", await request(base, random.choice(pages), headers=headers)
                )
            elif roll < 0.75:
                q = quote(random.choice(WORDS))
                record(
                    "search", await request(base, f"/search/?q={q}", headers=headers)
                )
            elif roll < 0.85:
                reply = await request(base, random.choice(downloads), headers=headers)
                record("download", reply)
                downloads_sent += reply.status == 200
            else:
                assert plan is not None
                form_id, answers = plan
                key = uuid.uuid4().hex
                body = json.dumps(answers).encode()
                post = {
                    **headers,
                    "Content-Type": "application/json",
                    "Idempotency-Key": key,
                }
                path = f"/api/v3/kexie/forms/{form_id}/submissions"
                reply = await request(
                    base, path, method="POST", headers=post, body=body
                )
                record("submit", reply)
                if reply.status in (200, 201):
                    accepted_keys.add(key)
                    if random.random() < 0.1:  # a retry of the same submission
                        record(
                            "submit",
                            await request(
                                base, path, method="POST", headers=post, body=body
                            ),
                        )

    started = time.perf_counter()
    await asyncio.gather(*(visitor() for _ in range(args.clients)))
    elapsed = time.perf_counter() - started
    _out, import_errors = importer.communicate(timeout=args.import_timeout)
    time.sleep(args.flush_wait)  # download counters flush every 5 s
    after = manage_json(COUNTS)

    total = sum(len(v) for v in times.values())
    print(
        f"\n{total} requests in {elapsed:.1f} s: {total / elapsed:.1f} req/s, {args.clients} clients\n"
    )
    print("| kind | requests | p50 | p95 | statuses | page-cache hits |")
    print("| --- | --- | --- | --- | --- | --- |")
    for kind in ("page", "search", "download", "submit"):
        values = times.get(kind, [])
        print(
            f"| {kind} | {len(values)} | {percentile(values, 0.5) * 1000:.0f} ms | "
            f"{percentile(values, 0.95) * 1000:.0f} ms | {dict(sorted(statuses[kind].items()))} | "
            f"{hits[kind]} |"
        )
    five_xx = sum(
        n for kind in statuses.values() for s, n in kind.items() if s >= 500 or s == 0
    )
    checks = {
        "zero 5xx or connection errors": five_xx == 0,
        f"submissions stored once ({len(accepted_keys)} accepted, "
        f"{after['submissions'] - before['submissions']} new rows)": after[
            "submissions"
        ]
        - before["submissions"]
        == len(accepted_keys),
        f"downloads counted ({downloads_sent} served, "
        f"{after['downloads'] - before['downloads']} counted)": after["downloads"]
        - before["downloads"]
        == downloads_sent,
        f"import complete ({after['experts'] - before['experts']} of {args.import_rows} experts,"
        f" exit {importer.returncode})": importer.returncode == 0
        and after["experts"] - before["experts"] == args.import_rows,
    }
    print()
    for label, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {label}")
    if importer.returncode:
        print(import_errors.decode("utf-8", "replace")[-2000:])
    return 0 if all(checks.values()) else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--import-timeout", type=float, default=900)
    parser.add_argument("--flush-wait", type=float, default=8)
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
