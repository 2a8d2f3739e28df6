"""StreamField blocks shared by every page type."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    """A section heading inside a page body."""

    text = blocks.CharBlock(label=_("Heading"), max_length=80)

    class Meta:
        icon = "title"
        template = "kexie_pages/blocks/heading_block.html"


class BaseStreamBlock(blocks.StreamBlock):
    """The one body block: headings, rich text and images."""

    heading = HeadingBlock(label=_("Heading"))
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul", "h3"]
    )
    image = ImageBlock(label=pgettext_lazy("block", "Image"))
