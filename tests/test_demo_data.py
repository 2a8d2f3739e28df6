"""The demo loader, tested once on its own."""

import pytest
from django.core.management import call_command
from wagtail.models import Site

from kexie_forms.models import FormPage, FormSubmission
from kexie_pages.models import HomePage, NewsPage


@pytest.mark.django_db
def test_demo_data_loads_and_can_be_run_again(client):
    call_command("load_demo_data", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    assert HomePage.objects.count() == 1
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage
    assert NewsPage.objects.live().count() >= 30
    home = client.get("/").content.decode()
    assert "工作动态" in home
    assert NewsPage.objects.search("小麦").count() >= 3
    # county submissions: three forms, submissions from several counties
    assert FormPage.objects.live().count() == 3
    assert FormSubmission.objects.count() == 10
    assert FormSubmission.objects.values("county").distinct().count() >= 5
    assert "贫困村科技需求征集" in client.get("/needs-survey/").content.decode()
