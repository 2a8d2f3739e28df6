"""Fail when a committed zh_Hans catalogue is out of date, incomplete or not compiled.

For each app directory given (by default the three that ``make messages``
extracts), Django's ``makemessages`` runs, with the same options as
``make messages``, on a temporary copy of the app, and the msgids it would
write are compared with the committed catalogue. Only the keys count
(msgctxt, msgid, msgid_plural): ``#:`` references and the POT-Creation-Date
header change on every run and are ignored. The committed catalogue must also
have no empty or fuzzy msgstr, and its committed ``.mo`` must hold the same
translations, since the wheel ships the ``.mo`` and not the ``.po``.

The working tree is never written to. Run it from the repository root::

    .venv/bin/python .ci/check_messages.py [APP_DIR ...]

Exit status 1 with the list of problems, 0 when all catalogues are current.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
from contextlib import chdir
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hans"
APP_DIRS = ("kexie_pages", "kexie_forms", "site/kexie_site")
# Kept in step with MESSAGES_IGNORE in the Makefile.
IGNORE_PATTERNS = [".venv", "venv", "build", "dist", "node_modules", "var"]

Key = tuple[str | None, str, str | None]


def entry_key(entry: polib.POEntry | polib.MOEntry) -> Key:
    """Return what identifies a message: its context, msgid and plural msgid."""
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


def describe(key: Key) -> str:
    """Render a message key for the report, context first."""
    msgctxt, msgid, msgid_plural = key
    text = f"msgid {msgid!r}"
    if msgid_plural:
        text += f" / msgid_plural {msgid_plural!r}"
    if msgctxt:
        text = f"msgctxt {msgctxt!r} {text}"
    return text


def catalogue_path(app_root: Path) -> Path:
    """Return the path of the app's zh_Hans django.po under ``app_root``."""
    return app_root / "locale" / LOCALE / "LC_MESSAGES" / "django.po"


def extract(app_dir: Path) -> polib.POFile:
    """Run makemessages on a temporary copy of ``app_dir`` and return the result.

    LOCALE_PATHS is emptied for the run: makemessages would otherwise send
    strings of files outside the settings' locale folder there, and clean up a
    django.pot in the real site catalogue's folder.
    """
    from django.core.management import call_command
    from django.test.utils import override_settings

    with tempfile.TemporaryDirectory(prefix="kexie-messages-") as tmp:
        copy = Path(tmp) / app_dir.name
        shutil.copytree(
            app_dir,
            copy,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", *IGNORE_PATTERNS),
        )
        with chdir(copy), override_settings(LOCALE_PATHS=[]):
            call_command(
                "makemessages",
                locale=[LOCALE],
                no_obsolete=True,
                ignore_patterns=IGNORE_PATTERNS,
                verbosity=0,
                stdout=io.StringIO(),
            )
        return polib.pofile(str(catalogue_path(copy)))


def problems_in(app_dir: Path) -> list[str]:
    """Compare one app's committed catalogue with a fresh extraction."""
    po_path = catalogue_path(app_dir)
    if not po_path.exists():
        return [
            f"no catalogue: run `make messages` to create {po_path.relative_to(REPO)}"
        ]
    committed = polib.pofile(str(po_path))
    current = [e for e in committed if not e.obsolete]
    fresh = {entry_key(e) for e in extract(app_dir) if not e.obsolete}
    have = {entry_key(e) for e in current}

    problems = [
        f"new, not in the catalogue: {describe(k)}"
        for k in sorted(fresh - have, key=str)
    ]
    problems += [
        f"no longer in the code: {describe(k)}" for k in sorted(have - fresh, key=str)
    ]
    problems += [
        f"obsolete entry kept (#~): {describe(entry_key(e))}"
        for e in committed
        if e.obsolete
    ]
    # A key already listed is not listed again as a stale .mo entry.
    reported = fresh ^ have
    for entry in current:
        where = f"line {entry.linenum}: {describe(entry_key(entry))}"
        if entry.fuzzy:
            problems.append(f"fuzzy: {where}")
            reported.add(entry_key(entry))
        msgstrs = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if not all(msgstrs):
            problems.append(f"untranslated: {where}")
            reported.add(entry_key(entry))

    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append(f"not compiled: {mo_path.relative_to(REPO)} is missing")
    else:
        compiled = {
            entry_key(e): e.msgstr_plural or e.msgstr
            for e in polib.mofile(str(mo_path))
        }
        translated = {
            entry_key(e): (e.msgstr_plural or e.msgstr)
            for e in current
            if e.translated()
        }
        stale = {
            key
            for key in (compiled.keys() | translated.keys()) - reported
            if compiled.get(key) != translated.get(key)
        }
        problems += [
            f"not compiled (.mo differs): {describe(k)}" for k in sorted(stale, key=str)
        ]
    return problems


def main(argv: list[str] | None = None) -> int:
    """Check each app's catalogue, print every problem found, return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "apps",
        nargs="*",
        default=APP_DIRS,
        help="app directories, relative to the repository root",
    )
    args = parser.parse_args(argv)

    # As site/manage.py does: the plugin apps at the root, the project under site/.
    sys.path[:0] = [str(REPO), str(REPO / "site")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie_site.settings.dev")
    import django

    django.setup()

    failed = False
    for app in args.apps:
        problems = problems_in(REPO / app)
        po = catalogue_path(REPO / app).relative_to(REPO)
        if problems:
            failed = True
            print(f"{po}: {len(problems)} problem(s)")
            for problem in problems:
                print(f"  {problem}")
        else:
            print(f"{po}: up to date, complete, compiled")
    if failed:
        print(
            "\nRun `make messages`, translate every new or empty msgstr, check and "
            "unflag fuzzy entries, then `make messages` again to compile."
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
