"""The zh_Hans catalogues are complete: every string translated, none fuzzy;
and the plugin's catalogues do not rename Wagtail's own strings.

Django merges every app's catalogue into one, the first app in
INSTALLED_APPS winning: a msgid the plugin translates without a context
replaces Wagtail's translation of the same msgid on every admin screen (it
once turned every page's Promote tab into 转为需求草稿). Generic words the
plugin uses therefore carry a context (``pgettext``)."""

import functools
import re
from pathlib import Path

import django
import polib
import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.utils import translation
from django.utils.text import capfirst

from kexie_pages.models import CoursePage, HomePage

REPO = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(REPO.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")) + sorted(
    REPO.glob("site/*/locale/zh_Hans/LC_MESSAGES/django.po")
)
OUR_APPS = {"kexie_pages", "kexie_forms"}
ZH = Path("locale/zh_Hans/LC_MESSAGES")
# Where the installed packages live: Django's and Wagtail's folder.
SITE_PACKAGES = {Path(django.__file__).resolve().parents[1]}
SITE_PACKAGES.add(Path(apps.get_app_config("wagtailcore").path).resolve().parent)

Key = tuple[str | None, str]


def key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return entry.msgctxt or None, entry.msgid


def dependency_catalogues() -> dict[str, list[polib.POEntry | polib.MOEntry]]:
    """Every zh_Hans django catalogue the installed packages ship, ours excepted,
    by package path (the .po where shipped, else the compiled .mo)."""
    found = {}
    for folder in SITE_PACKAGES:
        for depth in ("*", "*/*", "*/*/*"):
            for locale in folder.glob(f"{depth}/{ZH}"):
                # Ours: an editable install puts them beside the packages, and
                # the virtualenv may itself live inside the repository.
                if locale.relative_to(folder).parts[0] in OUR_APPS:
                    continue
                po, mo = locale / "django.po", locale / "django.mo"
                entries = polib.pofile(str(po)) if po.exists() else None
                if entries is None and mo.exists():
                    entries = polib.mofile(str(mo))
                if entries is not None:
                    name = str(locale.relative_to(folder).parents[2])
                    found[name] = [e for e in entries if not e.obsolete]
    return found


@functools.cache
def runtime_catalogue(app_path: str) -> dict[Key, str]:
    """The compiled zh_Hans translations under ``app_path``, as Django loads them."""
    mo = Path(app_path) / ZH / "django.mo"
    if not mo.exists():
        return {}
    return {key(e): e.msgstr for e in polib.mofile(str(mo)) if e.msgstr}


def upstream_gettext(msgid: str) -> str:
    """What zh-hans Django shows for ``msgid`` from the dependencies' catalogues
    alone, with their precedence: installed apps in order, then Django's own."""
    paths = [c.path for c in apps.get_app_configs() if c.name not in OUR_APPS]
    paths.append(str(Path(django.__file__).parent / "conf"))
    for path in paths:
        translated = runtime_catalogue(path).get((None, msgid))
        if translated:
            return translated
    raise AssertionError(f"no installed package translates {msgid!r}")


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


def test_no_message_of_ours_shadows_a_dependencys():
    """A msgid (with its context) that an installed package's zh_Hans catalogue
    also has would replace that package's translation everywhere."""
    theirs: dict[Key, list[str]] = {}
    for package, entries in dependency_catalogues().items():
        for entry in entries:
            theirs.setdefault(key(entry), []).append(package)
    assert {"wagtail/admin", "wagtail", "django/conf"} <= {
        package for packages in theirs.values() for package in packages
    }, "the dependencies' catalogues were not found"
    clashes = [
        f"{po.parts[-5]}: {entry.msgid!r} -> {entry.msgstr!r} shadows "
        + ", ".join(theirs[key(entry)])
        for po in CATALOGUES
        for entry in polib.pofile(str(po))
        if not entry.obsolete and key(entry) in theirs
    ]
    assert not clashes, "give these a context (pgettext):\n" + "\n".join(clashes)


def test_our_catalogues_agree_on_the_messages_they_share():
    """Only one of two catalogues translating the same msgid is ever shown."""
    first: dict[Key, tuple[str, str]] = {}
    disagreements = []
    for po in CATALOGUES:
        for entry in polib.pofile(str(po)):
            app = po.parts[-5]
            seen = first.setdefault(key(entry), (app, entry.msgstr))
            if seen[1] != entry.msgstr:
                disagreements.append(
                    f"{entry.msgid!r}: {seen[0]} {seen[1]!r}, {app} {entry.msgstr!r}"
                )
    assert not disagreements


def editor_labels(html: str) -> tuple[list[str], dict[str, str]]:
    """The editor's tab labels and its field labels by field name."""
    soup = BeautifulSoup(html, "html.parser")
    tabs = [
        "".join(tab.find_all(string=True, recursive=False)).strip()
        for tab in soup.select("[role=tab]")
    ]
    labels = {
        label["for"].removeprefix("id_"): label.get_text("", strip=True).rstrip("*")
        for label in soup.select("label[for^=id_]")
    }
    return tabs, labels


@pytest.mark.parametrize("kind", ["course", "news"])
def test_page_editor_shows_wagtails_own_labels(
    kind, admin_client, lecture_hall, news_index, add_news, news_corpus
):
    page = (
        lecture_hall.get_children().first()
        if kind == "course"
        else add_news(news_index, 1, news_corpus[0])
    )
    response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    tabs, labels = editor_labels(response.content.decode())
    with translation.override("zh-hans"):
        ours = translation.pgettext("submission", "Promote")
    assert upstream_gettext("Promote") in tabs
    assert upstream_gettext("Content") in tabs
    assert ours not in tabs
    assert labels["title"] == capfirst(upstream_gettext("title"))
    assert labels["slug"] == capfirst(upstream_gettext("slug"))


def test_create_view_header_and_title_are_wagtails(admin_client, lecture_hall):
    url = f"/admin/pages/add/kexie_pages/coursepage/{lecture_hall.pk}/"
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    header = BeautifulSoup(html, "html.parser").find("h1").get_text(" ", strip=True)
    with translation.override("zh-hans"):
        course_type = capfirst(CoursePage._meta.verbose_name)
        ours = translation.pgettext("enquiry status", "New")
    assert header == f"{upstream_gettext('New')}: {course_type}"
    assert ours not in header
    assert editor_labels(html)[1]["title"] == capfirst(upstream_gettext("title"))


def test_page_listing_types_each_course_as_a_course(admin_client, lecture_hall):
    response = admin_client.get(f"/admin/pages/{lecture_hall.pk}/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    cells = [cell.get_text(" ", strip=True) for cell in soup.select("table td")]
    with translation.override("zh-hans"):
        course_type = capfirst(CoursePage._meta.verbose_name)
        home_type = capfirst(HomePage._meta.verbose_name)
    assert cells.count(course_type) == 2
    assert home_type not in cells
    headings = [th.get_text(" ", strip=True) for th in soup.select("table th")]
    assert upstream_gettext("Status") in headings
