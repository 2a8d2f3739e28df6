"""The zh_Hans catalogues are complete: every string translated, none fuzzy;
and the plugin's catalogue does not rename Wagtail's own strings."""

import re
from pathlib import Path

import pytest
from django.utils import translation

REPO = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(REPO.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")) + sorted(
    REPO.glob("site/*/locale/zh_Hans/LC_MESSAGES/django.po")
)


def entries(po: Path):
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        text = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        yield text, "".join(re.findall(r'"(.*)"', msgstr.group(1))), block


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_complete_and_not_fuzzy(po):
    untranslated = [msgid for msgid, msgstr, _ in entries(po) if msgid and not msgstr]
    fuzzy = [
        msgid
        for msgid, _, block in entries(po)
        if re.search(r"^#,.*\bfuzzy\b", block, re.M)
    ]
    assert not untranslated, f"untranslated in {po}: {untranslated[:5]}"
    assert not fuzzy, f"fuzzy (ignored by msgfmt) in {po}: {fuzzy[:5]}"


def test_every_app_has_a_catalogue():
    assert {po.parts[-5] for po in CATALOGUES} >= {
        "kexie_pages",
        "kexie_forms",
        "kexie_site",
    }


def test_plugin_catalogue_does_not_override_wagtails_own_strings():
    # The plugin's catalogue comes first in INSTALLED_APPS; a msgid it shares
    # with Wagtail ("Pages", say) would silently rename Wagtail's admin menu.
    with translation.override("zh-hans"):
        assert translation.gettext("Pages") == "页面"
        assert translation.gettext("About") != "基本信息"
