"""Browser tests: the honour roll and a certificate's verification on a 360 px
phone; a certificate rendered to PNG (poppler's pdftoppm) and looked at."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from kexie_pages.recognition.certificates import certificate_pdf

pytestmark = pytest.mark.e2e


def _shot(tmp_path: Path, name: str) -> str:
    """Where a screenshot goes: ``$KEXIE_SCREENSHOTS`` (to look at later) or tmp."""
    return str(Path(os.environ.get("KEXIE_SCREENSHOTS") or tmp_path) / name)


def _no_overflow(page, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a {width}px screen"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_honour_roll_and_verification_on_a_phone(
    live_server, recognition_page, honour_roll, think_tank_pages, browser, tmp_path
):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(live_server.url + recognition_page.url + "honours/2026/")
    assert page.locator("h1").inner_text() == honour_roll.title
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '表彰')")
    headings = page.locator(".honour-group h2").all_inner_texts()
    assert [h.split()[0] for h in headings] == ["先进单位", "先进个人", "突出贡献专家"]
    _no_overflow(page, 360)
    page.screenshot(path=_shot(tmp_path, "h4-honour-roll-360.png"), full_page=True)

    page.get_by_role("link", name="ZJ2026-001").click()
    page.wait_for_url("**/c/ZJ2026-001/")
    assert "此证书真实有效" in page.locator(".verdict").inner_text()
    assert "李建国" in page.locator("dl").inner_text()
    _no_overflow(page, 360)
    page.screenshot(
        path=_shot(tmp_path, "h4-certificate-check-360.png"), full_page=True
    )

    page.goto(live_server.url + "/c/ZJ2026-404/")
    assert "未找到编号为“ZJ2026-404”的证书" in page.locator(".verdict").inner_text()
    page.screenshot(
        path=_shot(tmp_path, "h4-certificate-unknown-360.png"), full_page=True
    )


@pytest.mark.django_db
@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_certificate_renders_to_a_landscape_image(certificate, tmp_path):
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(certificate_pdf(entry=certificate))
    subprocess.run(  # noqa: S603
        [
            "/usr/bin/pdftoppm",
            "-png",
            "-r",
            "60",
            "-singlefile",
            str(pdf),
            _shot(tmp_path, "h4-certificate"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    image = Image.open(_shot(tmp_path, "h4-certificate.png")).convert("RGB")
    width, height = image.size
    assert width > height  # landscape
    assert abs(width / height - 297 / 210) < 0.02  # A4
    # The red border and red title are drawn: many reddish pixels near the edge.
    edge = [image.getpixel((x, int(height * 0.04))) for x in range(width)]
    reds = sum(1 for r, g, b in edge if r > 140 and g < 90 and b < 90)
    assert reds > width * 0.5
    # The title area is inked (the fonts rendered): not a blank band.
    band = image.crop(
        (width // 4, int(height * 0.14), 3 * width // 4, int(height * 0.25))
    )
    dark = sum(1 for p in band.getdata() if sum(p) < 500)
    assert dark > 200
