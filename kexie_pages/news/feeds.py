"""RSS 2.0 and Atom feeds of the news (Django's syndication framework).

One feed class serves all news, one category's and one county's. Every link
is absolute on the site's real host (the Wagtail ``Site``'s root URL, not the
``Host`` header the feed was fetched with), every time is Asia/Shanghai, and
an item carries the article's title and summary only: never its body, where a
phone number typed by staff could hide; any phone-like number in the summary
is masked.
"""

import datetime
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from ..base.validators import mask_phone
from .models import NewsCategory, NewsIndexPage, NewsPage
from .selectors import NewsFilters, news_public_list

#: How many articles a feed carries.
FEED_ITEMS = 30

#: A mainland mobile or a landline, as it may appear inside running text.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


def text_phones_masked(text: str) -> str:
    """``text`` with every phone-like number replaced by its masked hint."""
    return _PHONE_IN_TEXT.sub(lambda found: mask_phone(found.group()), text)


class NewsFeed(Feed):
    """The news of one index page, optionally one category's or one county's.

    Instantiated per request by ``views.news_feed`` with what it shows.
    """

    def __init__(
        self,
        *,
        index: NewsIndexPage,
        kind: str,
        filters: NewsFilters,
        title: str,
        self_url: str,
    ) -> None:
        super().__init__()
        self.index = index
        self.feed_type = Atom1Feed if kind == "atom" else Rss201rev2Feed
        self.filters = filters
        self.feed_title = title
        self.self_url = self_url
        self.site = index.get_site()
        self.tz = ZoneInfo(settings.TIME_ZONE)

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=900"
        return response

    def _absolute(self, path: str) -> str:
        root = self.site.root_url if self.site else ""
        return path if path.startswith(("http://", "https://")) else root + path

    def title(self) -> str:
        return self.feed_title

    def link(self) -> str:
        return self.index.get_full_url() or self._absolute("/")

    def feed_url(self) -> str:
        return self._absolute(self.self_url)

    def description(self) -> str:
        return self.index.intro or self.feed_title

    def subtitle(self) -> str:  # Atom's name for the description
        return self.description()

    def items(self) -> list[NewsPage]:
        return list(
            news_public_list(filters=self.filters, index=self.index)[:FEED_ITEMS]
        )

    def item_title(self, item: NewsPage) -> str:
        return item.title

    def item_description(self, item: NewsPage) -> str:
        return text_phones_masked(item.intro)

    def item_link(self, item: NewsPage) -> str:
        return item.get_full_url() or self._absolute(item.url or "/")

    def item_guid(self, item: NewsPage) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: NewsPage) -> datetime.datetime:
        # The article's date at the hour it was first published (Beijing
        # time), or midnight for an article back-dated to another day.
        first = item.first_published_at
        if first is not None:
            local = first.astimezone(self.tz)
            if local.date() == item.date:
                return local
        return datetime.datetime.combine(item.date, datetime.time(), self.tz)

    def item_updateddate(self, item: NewsPage) -> datetime.datetime:
        changed = item.last_published_at
        published = self.item_pubdate(item)
        if changed is None:
            return published
        return max(changed.astimezone(self.tz), published)

    def item_categories(self, item: NewsPage) -> list[str]:
        return [
            name
            for name in (item.news_category_name, item.county_name, item.category_name)
            if name
        ]


def feed_title(
    *,
    index: NewsIndexPage,
    category: NewsCategory | None = None,
    county_name: str = "",
) -> str:
    """The title of a feed: the section's, narrowed by category or county."""
    if category is not None:
        return _("%(section)s · %(category)s") % {
            "section": index.title,
            "category": category.name,
        }
    if county_name:
        return _("%(section)s · %(county)s") % {
            "section": index.title,
            "county": county_name,
        }
    return index.title
