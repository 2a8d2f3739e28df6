"""The site's security headers: a Content-Security-Policy everywhere (no
``'unsafe-inline'``), nonces only for Wagtail's own inline widget scripts,
and production settings that pass ``check --deploy`` without a warning."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from kexie_pages.base.middleware import (
    AdminScriptNonceMiddleware,
    is_wagtail_init_script,
)

SITE = Path(__file__).resolve().parents[2] / "site"


@pytest.mark.django_db
def test_public_pages_send_a_strict_content_security_policy(public_site, client):
    for page in ("home", "booklet", "library", "form_page"):
        response = client.get(public_site[page].url)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "object-src 'none'" in policy
        assert "frame-ancestors 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_an_inline_style_of_ours_carries_the_nonce_the_header_names(
    public_site, client
):
    response = client.get(public_site["booklet"].url + "poster/")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1]
    nonce = nonce.split("'")[0]
    assert f'<style nonce="{nonce}">' in response.content.decode()


@pytest.mark.parametrize(
    "script",
    [
        'initDateChooser("id_date", {"dayOfWeekStart": 1, "format": "Y-m-d"});',
        'new SnippetChooser("id_county", {"modalUrl": "/admin/snippets/choose/x/"});',
        '\n (function() {\n var panel = new InlinePanel(JSON.parse("{\\u0022a\\u0022: 1}"));\n })();\n',
    ],
)
def test_wagtail_init_scripts_are_recognised(script):
    assert is_wagtail_init_script(script)


@pytest.mark.parametrize(
    "script",
    [
        "alert(1)",
        'initDateChooser("id_date", {}); alert(1);',
        'initDateChooser("id_date", alert(1));',
        'initDateChooser("id_date", {"a": 1}) + fetch("/x");',
        'new SnippetChooser("x", {"modalUrl": "/"});fetch("//evil")',
        "(function() { var panel = new InlinePanel(JSON.parse(x)); })();",
    ],
)
def test_anything_else_inline_gets_no_nonce(script):
    assert not is_wagtail_init_script(script)
    request = RequestFactory().get("/admin/")
    request.csp_nonce = "n0nce"
    html = f"<p>x</p><script>{script}</script>"
    middleware = AdminScriptNonceMiddleware(lambda r: HttpResponse(html))
    assert "n0nce" not in middleware(request).content.decode()


def test_production_settings_pass_check_deploy_without_a_warning(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kexie_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "kx.example.cn",
        "KEXIE_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    # The browser tests set it in this process; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=SITE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_can_be_relaxed_from_the_environment(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kexie_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "KEXIE_VAR_DIR": str(tmp_path),
        "KEXIE_SSL_REDIRECT": "0",
        "KEXIE_HSTS_SECONDS": "3600",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=SITE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["False", "3600", "True"], result.stderr
