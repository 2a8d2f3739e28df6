"""What a page says about itself when it is shared (WeChat, Weibo, QQ, and the
Open Graph and Twitter-card readers of every other app), and its share image.

``share_meta`` gathers title, description, absolute URL, type and image for the
``{% share_meta %}`` tag every public page's ``<head>`` prints (through
``kexie_pages/base.html``). The image is a rendition of the page's cover where
it has one, else a card drawn here: 1200×630 PNG, the title in Chinese (Noto
Sans CJK) on the programme's green, served from ``/og/<kind>/<id>.png`` and
cached per revision (the cache key holds the revision, so a published edit
draws a new card; the URL's ``?v=`` makes crawlers fetch it).
"""

import functools
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont
from wagtail.models import Page, Site

logger = logging.getLogger(__name__)

CARD_SIZE = (1200, 630)
CARD_BACKGROUND = "#1b5e20"
CARD_ACCENT = "#f9a825"
CARD_CACHE_SECONDS = 30 * 24 * 3600
#: Debian's fonts-noto-cjk; ``KEXIE_SHARE_CARD_FONT`` overrides it.
DEFAULT_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#: The rendition of a cover used as the share image (the card's size).
COVER_FILTER = "fill-1200x630|format-jpeg|jpegquality-80"
DESCRIPTION_CHARS = 120


@dataclass(frozen=True)
class CardSource:
    """What a card shows: a title, a line under it, and the version it is cached by."""

    title: str
    subtitle: str
    version: str


@dataclass(frozen=True)
class ShareMeta:
    """The Open Graph and Twitter-card values of one page."""

    title: str
    description: str
    url: str
    type: str
    image: str
    image_width: int
    image_height: int
    site_name: str
    published_time: str = ""


# --- the card ---------------------------------------------------------------


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Noto Sans CJK SC at ``size`` px (loaded once per size: the collection is 20 MB)."""
    path = Path(getattr(settings, "KEXIE_SHARE_CARD_FONT", DEFAULT_FONT))
    if not path.exists():
        logger.warning("share card font %s missing: Chinese shows as boxes", path)
        return ImageFont.load_default(size)
    # The collection holds JP, KR, SC, TC and HK faces; take the Simplified one.
    for face in range(10):
        try:
            font = ImageFont.truetype(str(path), size, index=face)
        except OSError:
            break
        if (font.getname()[0] or "").endswith(" SC"):
            return font
    return ImageFont.truetype(str(path), size)


def _wrap(text: str, font, width: int, max_lines: int) -> list[str]:
    """``text`` cut into lines no wider than ``width`` (Chinese breaks anywhere;
    a Latin word is kept whole), the last line ending in … when cut short."""
    tokens = re.findall(r"[A-Za-z0-9.\-]+|\s+|.", text.strip())
    lines: list[str] = []
    line = ""
    used = 0  # tokens placed on a line
    for token in tokens:
        if font.getlength(line + token) > width and line.strip():
            lines.append(line.strip())
            if len(lines) == max_lines:
                break
            line = token.lstrip()
        else:
            line += token
        used += 1
    else:
        if line.strip():
            lines.append(line.strip())
    if used < len(tokens) and lines:
        last = lines[-1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines[:max_lines]


def card_png(*, title: str, subtitle: str, organisation: str) -> bytes:
    """A 1200×630 PNG share card: the organisation, the title, a line under it."""
    image = Image.new("RGB", CARD_SIZE, CARD_BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 80
    width = CARD_SIZE[0] - 2 * margin
    draw.rectangle((0, 0, 24, CARD_SIZE[1]), fill=CARD_ACCENT)
    draw.text((margin, 60), organisation, font=_font(36), fill="#c8e6c9")
    title_font = _font(68)
    y = 150
    for line in _wrap(title, title_font, width, max_lines=3):
        draw.text((margin, y), line, font=title_font, fill="white")
        y += 92
    if subtitle:
        sub_font = _font(34)
        lines = _wrap(subtitle, sub_font, width, max_lines=1)
        draw.text(
            (margin, 530), lines[0] if lines else "", font=sub_font, fill="#e8f5e9"
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# --- what a card can be drawn for -------------------------------------------


def _page_source(pk: int) -> CardSource | None:
    page = Page.objects.live().public().filter(pk=pk).first()
    if page is None:
        return None
    page = page.specific
    parent = page.get_parent()
    subtitle = parent.title if parent is not None and parent.depth > 2 else ""
    date = getattr(page, "date", None)
    if date is not None:
        stamp = date_format(date, "DATE_FORMAT")
        subtitle = f"{subtitle} · {stamp}" if subtitle else stamp
    return CardSource(page.seo_title or page.title, subtitle, _page_version(page))


def _page_version(page: Page) -> str:
    """What a page's card is cached by: its live revision (read from the page,
    no query)."""
    stamp_at = page.last_published_at
    return str(page.live_revision_id or (int(stamp_at.timestamp()) if stamp_at else 0))


def _need_source(pk: int) -> CardSource | None:
    # By name: base never imports a section.
    need = apps.get_model("kexie_pages", "Need").objects.public().filter(pk=pk).first()
    if need is None:
        return None
    version = str(need.live_revision_id or int(need.updated_at.timestamp()))
    return CardSource(need.title, f"{need.county.name} · {need.category.name}", version)


def _agreement_source(pk: int) -> CardSource | None:
    agreement = (
        apps.get_model("kexie_pages", "Agreement")
        .objects.public()
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        return None
    subtitle = f"{agreement.county.name} · {agreement.get_kind_display()}"
    return CardSource(
        agreement.title, subtitle, str(int(agreement.updated_at.timestamp()))
    )


#: The kinds of things a card is drawn for (``/og/<kind>/<id>.png``): only
#: what the public may see, looked up from the id, so a URL cannot make the
#: site draw text of its choosing.
CARD_SOURCES: dict[str, Callable[[int], CardSource | None]] = {
    "p": _page_source,
    "need": _need_source,
    "agreement": _agreement_source,
}


def card_source(kind: str, pk: int) -> CardSource | None:
    """What the card of ``kind`` ``pk`` shows, or None where there is none to show."""
    source = CARD_SOURCES.get(kind)
    return source(pk) if source is not None else None


def card_bytes(*, kind: str, pk: int, organisation: str) -> bytes | None:
    """The PNG card of ``kind`` ``pk``, drawn once per revision (then cached)."""
    source = card_source(kind, pk)
    if source is None:
        return None
    key = f"kexie:share-card:{kind}:{pk}:{source.version}"
    png = cache.get(key)
    if png is None:
        png = card_png(
            title=source.title, subtitle=source.subtitle, organisation=organisation
        )
        cache.set(key, png, CARD_CACHE_SECONDS)
    return png


# --- the tags' values --------------------------------------------------------


def _root_url(request: HttpRequest) -> str:
    site = Site.find_for_request(request)
    if site is not None:
        return site.root_url
    return request.build_absolute_uri("/").rstrip("/")


def _card_url(root: str, kind: str, pk: int, version: str) -> str:
    try:
        path = reverse("kexie_share_card", args=[kind, pk])
    except NoReverseMatch:  # the site does not include kexie_pages.urls
        return ""
    return f"{root}{path}?v={re.sub(r'[^0-9A-Za-z]', '', version)[:20]}"


def _description_of(page: Page | None) -> str:
    if page is None:
        return ""
    for field in ("search_description", "intro", "summary", "description"):
        value = getattr(page, field, "")
        if isinstance(value, str) and value.strip():
            return value
    return ""


def share_meta(
    request: HttpRequest,
    *,
    page: Page | None = None,
    organisation: str = "",
    title: str = "",
    description: str = "",
    card: tuple[str, int] | None = None,
    og_type: str = "",
) -> ShareMeta:
    """The share values of the page ``request`` shows.

    ``page`` is the Wagtail page being served (None for a plain view such as
    the search page, which shares the home page's card); ``title``,
    ``description`` and ``card`` (a ``CARD_SOURCES`` kind and id) override
    what the page gives, for a view below a page (a need of the library).
    """
    root = _root_url(request)
    site = Site.find_for_request(request)
    specific: Any = page.specific if page is not None else None
    title = title or (
        (specific.seo_title or specific.title) if specific is not None else ""
    )
    title = title or organisation
    description = description or _description_of(specific)
    if not description and site is not None:
        description = _description_of(site.root_page.specific)
    if not description:  # a site with no intro anywhere: say what it is
        description = " · ".join(
            part
            for part in (
                organisation,
                _("Science and technology for poverty alleviation"),
            )
            if part
        )
    description = Truncator(" ".join(strip_tags(description).split())).chars(
        DESCRIPTION_CHARS
    )
    published = ""
    if not og_type:
        og_type = "article" if hasattr(specific, "date") and card is None else "website"
    if og_type == "article" and getattr(specific, "date", None) is not None:
        published = specific.date.isoformat()

    image, width, height = "", *CARD_SIZE
    cover = getattr(specific, "cover", None) if card is None else None
    if cover is not None and hasattr(cover, "get_rendition"):
        rendition = cover.get_rendition(COVER_FILTER)
        image = rendition.url if "://" in rendition.url else root + rendition.url
        width, height = rendition.width, rendition.height
    else:
        if card is None:
            # The page's own card: its version is on the page, no query.
            target = specific if specific is not None else (site and site.root_page)
            if target is not None:
                image = _card_url(root, "p", target.pk, _page_version(target))
        else:
            source = card_source(*card)
            if source is not None:
                image = _card_url(root, card[0], card[1], source.version)
    return ShareMeta(
        title=title,
        description=description,
        url=root + request.path,
        type=og_type,
        image=image,
        image_width=width,
        image_height=height,
        site_name=organisation,
        published_time=published,
    )
