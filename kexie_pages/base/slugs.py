"""Short ASCII page slugs from Chinese titles: pinyin, at most 50 characters.

Wagtail fills a page's slug from its title twice over: in the editor, its
JavaScript (``SlugInput``, the ``w-slug`` controller) urlifies the title as the
editor types, keeping Chinese characters because ``WAGTAIL_ALLOW_UNICODE_SLUGS``
is on by default; on the server, ``Page.full_clean()`` slugifies the title when
the slug is empty (no JavaScript, ``add_child`` in code, the v3 API). Either way
a Chinese title stays Chinese, and a Chinese character is nine characters in a
URL: a 20-character title made a 180-character address.

``PinyinSlugMixin`` puts itself in front of both: before Wagtail cleans a page
whose slug is empty or new and not ASCII, it replaces the slug with the pinyin
of its text (the title when empty), cut into words with jieba
(小麦赤霉病防治 → ``xiaomai-chimeibing-fangzhi``), at most ``SLUG_MAX_LENGTH``
characters, unique among the page's siblings. It runs in ``full_clean()`` and
``minimal_clean()``, which ``Page.save()`` calls before it computes the URL
path, so the page, its URL path and its revisions all carry the same slug. An
ASCII slug the editor typed is kept as it is, and so is a Chinese slug a page
already has (changing it would break links already handed out).

Every page type of the plugin puts the mixin first among its bases
(``tests/base/test_slugs.py`` checks that none is missing).
"""

import unicodedata
from typing import TYPE_CHECKING

import jieba
from django.utils.text import slugify
from pypinyin import lazy_pinyin
from wagtail.models import Page

SLUG_MAX_LENGTH = 50
#: The slug of a page whose title has no letter, digit or Chinese word.
FALLBACK_SLUG = "page"

if TYPE_CHECKING:
    from wagtail.models import Page as _PageBase
else:
    _PageBase = object


def pinyin_slug(text: str, *, max_length: int = SLUG_MAX_LENGTH) -> str:
    """Lowercase ASCII slug of ``text``: Chinese words in pinyin, one hyphen
    between words, cut at a word boundary to at most ``max_length`` characters
    ("" when nothing in ``text`` can be spelled)."""
    # NFKC first: full-width digits and letters (２０２４) are one word, not four.
    text = unicodedata.normalize("NFKC", text)
    words = ["".join(lazy_pinyin(word)) for word in jieba.cut(text)]
    slug = slugify(" ".join(words))
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    return slug.strip("-")


def unique_child_slug(
    parent: Page | None,
    base: str,
    *,
    page: Page | None = None,
    max_length: int = SLUG_MAX_LENGTH,
) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first no child of ``parent``
    (other than ``page``) uses, never longer than ``max_length``."""
    candidate, number = base, 1
    while not Page._slug_is_available(candidate, parent, page):
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate


class PinyinSlugMixin(_PageBase):
    """Gives a page a short pinyin slug when its slug is empty or Chinese.

    Put it first among a page type's bases: ``class NewsPage(PinyinSlugMixin,
    Page)``. It acts only once the page knows its parent (siblings decide
    uniqueness), that is when the page is saved; validating the editor's form
    before that leaves the slug alone.
    """

    slug: str  # Page's fields, named for the type checker
    title: str

    def full_clean(self, *args, **kwargs) -> None:
        self.set_pinyin_slug()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self) -> None:
        self.set_pinyin_slug()
        super().minimal_clean()

    def set_pinyin_slug(self) -> None:
        """Replace an empty or newly non-ASCII slug with a pinyin one."""
        parent_is_known = bool(self.path or getattr(self, "_cached_parent_obj", None))
        slug = self.slug or ""
        if not parent_is_known or (slug and slug.isascii()):
            return
        if slug and self.pk:
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values_list("slug", flat=True)
                .first()
            )
            if stored == slug:
                return  # an existing page's address: links to it are out there
        base = pinyin_slug(slug or self.title or "") or FALLBACK_SLUG
        self.slug = unique_child_slug(self.get_parent(), base, page=self)
