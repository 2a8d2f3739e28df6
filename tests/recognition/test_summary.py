"""The year-end summary: its figures equal counts made here, its files say them,
county staff generate only their county's, and nothing private is in them."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from kexie_pages.models import NewsIndexPage, NewsPage, YearSummary
from kexie_pages.recognition.report import summary_pdf, summary_xlsx
from kexie_pages.recognition.selectors import summary_figures, summary_report

from .conftest import FUGOU, PHONES, XIHUA

pytestmark = pytest.mark.django_db


def _pdf_text(pdf: bytes) -> str:
    # See test_certificates: pypdf reads a NUL before each CJK-font character.
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    # Lines wrap where the layout needs: read the text as one line.
    return text.replace("\x00", "").replace("\n", "")


def _xlsx_text(data: bytes) -> str:
    workbook = load_workbook(io.BytesIO(data))
    return "\n".join(
        "\t".join("" if v is None else str(v) for v in row)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


@pytest.fixture
def summaries(programme_year, entries, home):
    news = home.add_child(instance=NewsIndexPage(title="动态", slug="news"))
    article = news.add_child(
        instance=NewsPage(
            title="扶沟县科技助农见成效", slug="a1", date="2026-08-01", intro="x"
        )
    )
    city = YearSummary.objects.create(year=2026, title="2026年度全市工作总结")
    city.paragraphs.create(
        heading="总体情况", text="全市科技助力精准扶贫成效显著。", sort_order=0
    )
    city.highlights.create(article=article, sort_order=0)
    county = YearSummary.objects.create(
        year=2026, county=entries["fugou"], title="2026年度扶沟县工作总结"
    )
    return {"city": city, "county": county}


def test_city_figures_equal_independent_counts(programme_year):
    figures = summary_figures(year=2026)
    # Made in the fixture: 4 needs of 2026 (one matched), 1 match, 3 agreements
    # signed in 2026 (one signed, one in progress, one completed), 3 courses
    # (170 attended), 3 farmers checked in (5 check-ins), 120 downloads,
    # 2 nominations and 1 award of 30000 yuan for 56 households.
    assert figures["needs"] == 4
    assert dict(figures["needs_by_status"]) == {
        "待对接": 3,
        "对接中": 0,
        "已对接": 1,
        "已解决": 0,
    }
    assert figures["matches"] == 1
    assert figures["agreements"] == 3
    by_status = dict(figures["agreements_by_status"])
    assert sum(by_status.values()) == 3
    assert by_status["已签订"] == by_status["已完成"] == 1
    assert (figures["courses"], figures["attendance"]) == (3, 170)
    assert (figures["trainees"], figures["checkins"]) == (3, 5)
    assert figures["downloads"] == 120
    awards = figures["awards"]
    assert (awards["nominations"], awards["awards"], awards["amount"]) == (2, 1, 30000)
    assert awards["households"] == 56


def test_county_figures_count_the_county_only(programme_year, entries):
    fugou = summary_figures(year=2026, county=entries["fugou"])
    assert (fugou["needs"], fugou["matches"], fugou["agreements"]) == (3, 1, 2)
    assert (fugou["courses"], fugou["attendance"], fugou["trainees"]) == (2, 130, 2)
    assert fugou["awards"]["awards"] == 1
    xihua = summary_figures(year=2026, county=entries["xihua"])
    assert (xihua["needs"], xihua["agreements"], xihua["courses"]) == (1, 1, 1)
    assert xihua["trainees"] == 1
    assert xihua["awards"] == {
        "nominations": 1,
        "awards": 0,
        "amount": 0,
        "households": 0,
        "income": 0,
    }


def test_pdf_and_workbook_say_the_figures(summaries):
    report = summary_report(summary=summaries["city"])
    text = _pdf_text(summary_pdf(report))
    assert "2026年度全市工作总结" in text
    assert "全市科技助力精准扶贫成效显著。" in text
    assert "扶沟县科技助农见成效" in text and "http://localhost/news/a1/" in text
    assert "扶沟县协作2026-09-10" in text  # the appendix of agreements
    assert "扶沟县协作2025-09-01" not in text
    assert "30,000" in text and "170" in text
    assert "各县区上报需求" in text  # a chart of the results page, as bars
    workbook = _xlsx_text(summary_xlsx(report))
    assert "需求\t上报需求\t4" in workbook
    assert "扶沟县协作2026-09-20" in workbook
    for content in (text, workbook):
        for phone in PHONES:
            assert phone not in content
        assert not re.search(r"1[3-9]\d{9}", content)
        assert "支书" not in content and "农户" not in content


def test_county_staff_generate_their_countys_summary_only(county_staff, summaries):
    permissions = ("kexie_pages.view_yearsummary", "kexie_pages.change_yearsummary")
    fugou = county_staff(FUGOU, *permissions)
    own = reverse("kexie_year_summaries:report", args=[summaries["county"].pk, "pdf"])
    city = reverse("kexie_year_summaries:report", args=[summaries["city"].pk, "pdf"])
    response = fugou.get(own)
    assert response.status_code == 200
    assert "2026年度扶沟县工作总结" in _pdf_text(response.content)
    assert fugou.get(city).status_code == 404
    assert county_staff(XIHUA, *permissions).get(own).status_code == 404
    xlsx = county_staff(None, *permissions).get(
        reverse("kexie_year_summaries:report", args=[summaries["city"].pk, "xlsx"])
    )
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    index = fugou.get(reverse("kexie_year_summaries:index")).content.decode()
    assert "扶沟县工作总结" in index and "全市工作总结" not in index
