"""The demo loader, tested once on its own."""

import re

import pytest
from django.core.management import call_command
from wagtail.models import Site

from kexie_forms.models import FormPage, FormSubmission
from kexie_pages.booklets.downloads import download_counter
from kexie_pages.models import BookletPage, HomePage, NewsPage


@pytest.mark.django_db
def test_demo_data_loads_and_can_be_run_again(client):
    call_command("load_demo_data", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    assert HomePage.objects.count() == 1
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage
    assert NewsPage.objects.live().count() >= 30
    home = client.get("/").content.decode()
    assert "新闻宣传" in home
    # Every section's card on the home page says what it holds.
    cards = re.findall(r'<li class="card">(.*?)</li>', home, re.S)
    assert len(cards) >= 9
    assert all("<span>" in card for card in cards), cards
    assert NewsPage.objects.search("小麦").count() >= 3
    booklets = BookletPage.objects.live()
    assert booklets.count() >= 20
    assert all(b.page_count >= 2 and b.cover_id and b.category_id for b in booklets)
    booklet = booklets.search("赤霉病")[0]
    assert booklet.title in client.get("/booklets/", {"q": "赤霉病"}).content.decode()
    pdf = b"".join(client.get(booklet.download_path).streaming_content)
    assert pdf.startswith(b"%PDF-") and len(pdf) == booklet.file_size
    download_counter.flush()
    assert booklet.download_count == 1
    # county submissions: three forms, submissions from several counties
    # (eight reports and four nominations for the awards round)
    assert FormPage.objects.live().count() == 3
    assert FormSubmission.objects.count() == 12
    assert FormSubmission.objects.values("county").distinct().count() >= 5
    entry = client.get("/tianbao/").content.decode()  # 县区填报, in the menu
    assert 'href="/tianbao/needs-survey/"' in entry
    assert "贫困村科技需求征集" in client.get("/tianbao/needs-survey/").content.decode()
