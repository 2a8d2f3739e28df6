"""County submissions under load: 50 concurrent clients post 2,000 valid
submissions to the site running under gunicorn (SQLite, then PostgreSQL).

Checks: every submission stored exactly once (retries with the same
Idempotency-Key included), zero 5xx, unique receipts. Throughput is reported
as a ratio to a bare Django view that inserts one row, on the same server.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CLIENTS = int(os.environ.get("KEXIE_BENCH_CLIENTS", 50))
SUBMISSIONS = int(os.environ.get("KEXIE_BENCH_SUBMISSIONS", 2000))
RETRY_EVERY = 10  # every 10th submission is sent twice with the same key
WORKERS = int(os.environ.get("KEXIE_BENCH_WORKERS", 4))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(database_url: str | None, var_dir: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="forms_bench_site",
        PYTHONPATH=os.pathsep.join(
            [str(BENCH_DIR), str(REPO_DIR / "site"), str(REPO_DIR)]
        ),
        KEXIE_VAR_DIR=var_dir,
        KEXIE_FORMS_RATE_LIMIT="100000000/60",
    )
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, str(REPO_DIR / "site" / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _shell(env: dict, code: str) -> str:
    return _manage(env, "shell", "-c", code)


def _prepare(env: dict) -> None:
    _manage(env, "migrate", "--no-input")
    _manage(env, "load_demo_data")
    _shell(
        env,
        "from django.db import connection\n"
        "from forms_bench_site import BENCH_TABLE_SQL\n"
        "with connection.cursor() as c:\n"
        "    c.execute(BENCH_TABLE_SQL[connection.vendor])\n",
    )


def _counts(env: dict, page_id: int, since: float) -> dict:
    """What the run stored: the form page's submissions since ``since`` (epoch).

    Idempotency keys are stored as SHA-256 digests of the client's key and
    the answers (``kexie_forms.services``), so the run cannot be found by a
    key prefix (which made this bench print FAIL once keys became digests):
    the page and the time select it, and distinct digests must still number
    one per submission.
    """
    out = _shell(
        {**env, "KEXIE_BENCH_PAGE": str(page_id), "KEXIE_BENCH_SINCE": str(since)},
        "import json, os\n"
        "from datetime import UTC, datetime\n"
        "from django.db import connection\n"
        "from kexie_forms.models import FormSubmission\n"
        "since = datetime.fromtimestamp(float(os.environ['KEXIE_BENCH_SINCE']), UTC)\n"
        "qs = FormSubmission.objects.filter(\n"
        "    page_id=int(os.environ['KEXIE_BENCH_PAGE']), submit_time__gte=since)\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SELECT COUNT(*) FROM kexie_bench_row')\n"
        "    rows = c.fetchone()[0]\n"
        "print(json.dumps({'stored': qs.count(),"
        " 'keys': qs.values('idempotency_key').distinct().count(),"
        " 'receipts': qs.values('receipt_number').distinct().count(),"
        " 'bare_rows': rows}))\n",
    )
    return json.loads(out.strip().splitlines()[-1])


class Server:
    """gunicorn serving the reference site on a free port."""

    def __init__(self, env: dict):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "forms_bench_site_wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--backlog",
                "2048",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=str(BENCH_DIR),
            stdout=subprocess.DEVNULL,
        )
        for _ in range(120):
            try:
                requests.get(self.url + "/api/v3/kexie/forms/", timeout=30)
                return
            except requests.RequestException:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _load(url: str, bodies: list, headers_of, *, retry_every: int = 0) -> dict:
    """POST every body with CLIENTS threads; return codes, time and receipts."""
    local = threading.local()
    codes: dict[int, int] = {}
    receipts: dict[str, str] = {}
    mismatched = []
    lock = threading.Lock()

    def session() -> requests.Session:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return local.session

    def send(index: int) -> None:
        body, headers = bodies[index], headers_of(index)
        attempts = 2 if retry_every and index % retry_every == 0 else 1
        for attempt in range(attempts):
            try:
                response = session().post(url, data=body, headers=headers, timeout=120)
                code = response.status_code
            except requests.RequestException:
                code = 0
            with lock:
                codes[code] = codes.get(code, 0) + 1
                if code in (200, 201) and retry_every:
                    receipt = response.json()["receipt_number"]
                    if attempt == 0:
                        receipts[index] = receipt
                    elif receipts.get(index) != receipt:
                        mismatched.append(index)

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(send, range(len(bodies))))
    elapsed = time.perf_counter() - started
    return {"codes": codes, "seconds": elapsed, "mismatched": mismatched}


def _run(label: str, database_url: str | None) -> list[str]:
    var_dir = tempfile.mkdtemp(prefix="kexie-bench-forms-")
    env = _env(database_url, var_dir)
    _prepare(env)
    server = Server(env)
    try:
        forms = requests.get(server.url + "/api/v3/kexie/forms/", timeout=10).json()
        form = next(f for f in forms if f["url"].rstrip("/").endswith("needs-survey"))
        definition = requests.get(
            f"{server.url}/api/v3/kexie/forms/{form['id']}", timeout=10
        ).json()
        run = f"bench{int(time.time())}"
        bodies = []
        for i in range(SUBMISSIONS):
            answers = {}
            for field in definition["fields"]:
                kind = field["type"]
                if kind == "file":
                    continue
                if field["choices"]:
                    answers[field["name"]] = field["choices"][
                        i % len(field["choices"])
                    ]["value"]
                elif kind == "mobile":
                    answers[field["name"]] = f"138{i:08d}"
                elif kind == "number":
                    # 涉及贫困户数: text here made every submission a 400.
                    answers[field["name"]] = str(i % 90 + 1)
                elif kind == "email":
                    answers[field["name"]] = f"bench{i}@example.cn"
                elif kind == "date":
                    answers[field["name"]] = "2026-12-01"
                else:
                    answers[field["name"]] = f"压测第{i}条"
            bodies.append(json.dumps(answers, ensure_ascii=False).encode())
        json_headers = {"Content-Type": "application/json"}

        def form_headers(i: int) -> dict:
            return {**json_headers, "Idempotency-Key": f"{run}-{i}"}

        submit_url = f"{server.url}/api/v3/kexie/forms/{form['id']}/submissions"
        bare_url = server.url + "/bench/insert/"
        warm = bodies[:100]
        _load(bare_url, warm, lambda i: json_headers)
        bare_1 = _load(bare_url, bodies, lambda i: json_headers)
        since = time.time() - 1
        forms_run = _load(submit_url, bodies, form_headers, retry_every=RETRY_EVERY)
        bare_2 = _load(bare_url, bodies, lambda i: json_headers)
        counts = _counts(env, form["id"], since)
    finally:
        server.stop()
        shutil.rmtree(var_dir, ignore_errors=True)

    bare_rate = 2 * SUBMISSIONS / (bare_1["seconds"] + bare_2["seconds"])
    requests_sent = sum(forms_run["codes"].values())
    form_rate = SUBMISSIONS / forms_run["seconds"]
    errors_5xx = sum(
        n for code, n in forms_run["codes"].items() if code >= 500 or code == 0
    )
    bare_5xx = sum(
        n
        for run_ in (bare_1, bare_2)
        for code, n in run_["codes"].items()
        if code >= 500 or code == 0
    )
    ok = (
        counts["stored"] == SUBMISSIONS
        and counts["keys"] == SUBMISSIONS
        and counts["receipts"] == SUBMISSIONS
        and errors_5xx == 0
        and not forms_run["mismatched"]
    )
    return [
        f"### {label}",
        "",
        f"- {CLIENTS} concurrent clients, {SUBMISSIONS} submissions "
        f"({requests_sent} requests: every {RETRY_EVERY}th retried with the same "
        f"Idempotency-Key), gunicorn {WORKERS} sync workers",
        f"- stored: {counts['stored']} (distinct keys {counts['keys']}, distinct "
        f"receipts {counts['receipts']}); retries answered with the first receipt: "
        f"{'yes' if not forms_run['mismatched'] else 'NO ' + str(forms_run['mismatched'][:5])}",
        f"- status codes (submissions): {dict(sorted(forms_run['codes'].items()))}; "
        f"5xx or connection errors: {errors_5xx} (bare view: {bare_5xx})",
        f"- throughput, submission endpoint / bare insert view: "
        f"**{form_rate / bare_rate:.2f}×** (bare view before/after: "
        f"{bare_1['seconds'] / bare_2['seconds']:.2f} ratio of run times)",
        f"- verdict: {'PASS' if ok else 'FAIL'}",
        "",
    ]


def _postgres() -> tuple[str | None, callable]:
    """A PostgreSQL URL: ``KEXIE_BENCH_DATABASE_URL``, or a throwaway cluster."""
    url = os.environ.get("KEXIE_BENCH_DATABASE_URL")
    if url:
        return url, lambda: None
    initdb = shutil.which("initdb")
    pg_ctl = shutil.which("pg_ctl")
    if not (initdb and pg_ctl):
        return None, lambda: None
    data = tempfile.mkdtemp(prefix="kexie-bench-pg-")
    port = _free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(data, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*as_user, initdb, "-D", data, "-U", "bench", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *as_user,
            pg_ctl,
            "-D",
            data,
            "-o",
            f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off",
            "-l",
            f"{data}/log",
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "bench", "kexie"],
        check=True,
        capture_output=True,
    )

    def stop() -> None:
        subprocess.run(
            [*as_user, pg_ctl, "-D", data, "-m", "fast", "stop"], check=False
        )
        shutil.rmtree(data, ignore_errors=True)

    return f"postgres://bench@127.0.0.1:{port}/kexie", stop


def main() -> list[str]:
    lines = [
        "Submissions through the headless endpoint (same form, validation, guards "
        "and service as the HTML page); the baseline is a bare Django view that "
        "inserts one row, on the same gunicorn server and database.",
        "",
    ]
    lines += _run("SQLite (default, WAL)", None)
    if os.environ.get("KEXIE_BENCH_FORMS_POSTGRES", "1") == "0":
        return [*lines, "PostgreSQL: skipped (KEXIE_BENCH_FORMS_POSTGRES=0)."]
    url, stop = _postgres()
    if url:
        try:
            lines += _run("PostgreSQL", url)
        finally:
            stop()
    else:
        lines.append(
            "PostgreSQL: skipped (no initdb/pg_ctl and no KEXIE_BENCH_DATABASE_URL)."
        )
    return lines
