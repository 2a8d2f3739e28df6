"""Settings of the site as ``bench_serving`` and ``make load`` run it under gunicorn.

The production settings as shipped (page cache, compression, WhiteNoise,
django-tasks worker backend), plus ``serving_bench_urls``: a hello-world view,
the baseline every served page is compared with.
"""

from kexie_site.settings.production import *  # noqa: F403

ROOT_URLCONF = "serving_bench_urls"
