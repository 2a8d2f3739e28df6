"""Run the benchmarks: ``make bench`` (all) or ``python bench/run.py NAME [NAME …]``.

Each ``bench/bench_<name>.py`` has ``main() -> list[str]`` returning the lines
of its Markdown report. Every figure is a ratio against a baseline measured in
the same run, because the machines are shared and noisy. The benchmarks run
on a fresh SQLite database in a temporary folder (or on ``DATABASE_URL``).
"""

import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent


def setup_django() -> None:
    """Point Django at a throwaway database and migrate it."""
    sys.path[:0] = [str(REPO_DIR / "site"), str(REPO_DIR), str(BENCH_DIR)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie_site.settings.dev")
    os.environ.setdefault("KEXIE_VAR_DIR", tempfile.mkdtemp(prefix="kexie-bench-"))
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.DEBUG = False  # no query logging, templates as in production
    # The benchmarks time renders: with the page cache on, every repeated
    # anonymous GET (the page's and the baseline's alike) would be a cache hit.
    # The cache is measured by bench_serving, on gunicorn with its own settings.
    settings.KEXIE_PAGE_CACHE = False
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def main(names: list[str]) -> None:
    setup_django()
    if not names:
        names = sorted(
            p.stem.removeprefix("bench_") for p in BENCH_DIR.glob("bench_*.py")
        )
    for name in names:
        module = importlib.import_module(f"bench_{name}")
        started = time.perf_counter()
        lines = module.main()
        print(f"\n## {name} ({time.perf_counter() - started:.0f} s)\n")
        print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1:])
