"""The leaders' dashboard and the public results page at 1× and 10× the demo data.

The demo content is loaded (every loader, as ``make demo-data``), then every
record the figures count is multiplied to ten times its number: needs,
agreements with progress reports, liaison visits, course sessions, sign-ups
with their check-ins (new farmers), booklet download counts and survey
submissions (bulk copies of the demo's rows; course *pages* are not copied, so
"courses held" stays at 1× while their sessions and check-ins grow 10×).

Each figure is the latency of the real view (whole middleware stack, Django's
test client, a logged-in superuser for the dashboard) as a ratio to the home
page measured in the same run, the three interleaved; and the number of SQL
queries each page makes at 1× and at 10×.
"""

import copy as copying
import statistics
import time
import uuid

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

ROUNDS = 30
FACTOR = 10


def _load_demo() -> None:
    from django.core.management import call_command

    call_command("load_demo_data", verbosity=0)


def _multiply(factor: int) -> dict[str, int]:
    """Copy the counted rows until there are ``factor`` times as many."""
    from kexie_forms.models import FormSubmission
    from kexie_pages.models import (
        Agreement,
        AgreementProgressReport,
        Attendance,
        BookletDownloadCount,
        CourseRegistration,
        CourseSession,
        LiaisonVisit,
        Need,
        Trainee,
    )

    def copies(model, rows, change) -> int:
        made = []
        for number in range(1, factor):
            for original in rows:
                row = copying.copy(original)
                row.pk = None
                row.id = None
                change(row, number)
                made.append(row)
        model.objects.bulk_create(made, batch_size=500)
        return len(made)

    def new_key(row, copy) -> None:
        pass

    counts = {}
    needs = list(Need.objects.all())
    for need in needs:
        need.latest_revision = None
        need.live_revision = None
    counts["needs"] = copies(Need, needs, new_key)
    agreements = list(Agreement.objects.all())

    def agreement_copy(row, copy) -> None:
        row.report_token = uuid.uuid4().hex

    counts["agreements"] = copies(Agreement, agreements, agreement_copy)
    reports = list(AgreementProgressReport.objects.all())
    counts["reports"] = copies(AgreementProgressReport, reports, new_key)
    counts["visits"] = copies(LiaisonVisit, list(LiaisonVisit.objects.all()), new_key)
    counts["sessions"] = copies(
        CourseSession, list(CourseSession.objects.all()), new_key
    )

    # New farmers: each copy of a sign-up is another phone, with its check-ins.
    registrations = list(CourseRegistration.objects.all())
    attendances = list(Attendance.objects.select_related("registration"))
    trainees = {t.phone: t for t in Trainee.objects.all()}
    new_trainees, new_registrations = [], []
    for copy in range(1, factor):
        for r in registrations:
            phone = f"1{(int(r.phone[1:]) + copy * 7_000_000) % 10**10:010d}"
            new_registrations.append(
                CourseRegistration(
                    course_id=r.course_id, name=r.name, phone=phone, village=r.village
                )
            )
            old = trainees.get(r.phone)
            if old is not None:
                new_trainees.append(
                    Trainee(phone=phone, name=old.name, county_id=old.county_id)
                )
    CourseRegistration.objects.bulk_create(new_registrations, batch_size=500)
    Trainee.objects.bulk_create(new_trainees, batch_size=500, ignore_conflicts=True)
    registration_of = {
        (r.course_id, r.phone): r.pk for r in CourseRegistration.objects.all()
    }
    trainee_of = {t.phone: t.pk for t in Trainee.objects.all()}
    made = []
    for copy in range(1, factor):
        for a in attendances:
            r = a.registration
            phone = f"1{(int(r.phone[1:]) + copy * 7_000_000) % 10**10:010d}"
            made.append(
                Attendance(
                    sheet_id=a.sheet_id,
                    registration_id=registration_of[(r.course_id, phone)],
                    trainee_id=trainee_of[phone],
                    method=a.method,
                    checked_in_at=a.checked_in_at,
                )
            )
    Attendance.objects.bulk_create(made, batch_size=500)
    counts["check-ins"] = len(made)

    def download_copy(row, copy) -> None:
        row.source = f"{row.source or 'web'}-{copy}"[:32]

    counts["download rows"] = copies(
        BookletDownloadCount, list(BookletDownloadCount.objects.all()), download_copy
    )

    def submission_copy(row, copy) -> None:
        row.receipt_number = f"{row.receipt_number}-{copy}"
        row.idempotency_key = None

    counts["submissions"] = copies(
        FormSubmission, list(FormSubmission.objects.all()), submission_copy
    )
    return counts


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def _timings(clients: dict[str, tuple[Client, str]]) -> dict[str, list[float]]:
    for client, url in clients.values():
        for _ in range(3):
            client.get(url)
    samples: dict[str, list[float]] = {name: [] for name in clients}
    for _ in range(ROUNDS):
        for name, (client, url) in clients.items():
            started = time.perf_counter()
            client.get(url)
            samples[name].append(time.perf_counter() - started)
    return samples


def _table(samples: dict[str, list[float]]) -> list[str]:
    home = statistics.median(samples["home"])
    lines = [
        "| page | min | median | max | median ÷ home page |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, values in samples.items():
        lines.append(
            f"| {name} | {min(values) * 1000:.1f} ms | "
            f"{statistics.median(values) * 1000:.1f} ms | {max(values) * 1000:.1f} ms | "
            f"{statistics.median(values) / home:.2f}× |"
        )
    return lines


def main() -> list[str]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from kexie_pages.models import Attendance, Need, ResultsPage

    started = time.perf_counter()
    _load_demo()
    loaded = time.perf_counter() - started
    year = timezone.localdate().year
    admin = get_user_model().objects.filter(is_superuser=True).first()
    if admin is None:
        admin = get_user_model().objects.create_superuser("bench", "", "bench")
    staff = Client()
    staff.force_login(admin)
    visitor = Client()
    results_url = ResultsPage.objects.live().get().url + f"?period=year&year={year}"
    dashboard_url = f"/admin/results/dashboard/?period=year&year={year}"
    clients = {
        "home": (visitor, "/"),
        "results page": (visitor, results_url),
        "dashboard": (staff, dashboard_url),
    }
    lines = [
        f"Demo content loaded in {loaded:.0f} s: {Need.objects.count()} needs, "
        f"{Attendance.objects.count()} check-ins. {ROUNDS} interleaved rounds of "
        "the three pages per size.",
        "",
    ]
    queries = {name: [_queries(c, u)] for name, (c, u) in clients.items()}
    lines += ["**1× the demo data**", "", *_table(_timings(clients)), ""]
    counts = _multiply(FACTOR)
    for name, (c, u) in clients.items():
        queries[name].append(_queries(c, u))
    lines += [
        f"**{FACTOR}× the demo data** (rows added: "
        + ", ".join(f"{n} {k}" for k, n in counts.items())
        + ")",
        "",
        *_table(_timings(clients)),
        "",
        "| page | queries at 1× | queries at 10× |",
        "| --- | --- | --- |",
        *(f"| {name} | {q[0]} | {q[1]} |" for name, q in queries.items()),
    ]
    return lines
