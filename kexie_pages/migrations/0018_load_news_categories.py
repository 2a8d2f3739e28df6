"""Load the four news categories; articles written before them are 工作动态
(the news section was called that)."""

from django.db import migrations

CATEGORIES = [
    ("工作动态", "gongzuo-dongtai"),
    ("经验交流", "jingyan-jiaoliu"),
    ("媒体报道", "meiti-baodao"),
    ("品牌活动", "pinpai-huodong"),
]


def load(apps, schema_editor):
    NewsCategory = apps.get_model("kexie_pages", "NewsCategory")
    NewsPage = apps.get_model("kexie_pages", "NewsPage")
    for order, (name, slug) in enumerate(CATEGORIES):
        NewsCategory.objects.update_or_create(
            slug=slug, defaults={"name": name, "sort_order": order}
        )
    NewsPage.objects.filter(news_category=None).update(
        news_category=NewsCategory.objects.get(slug="gongzuo-dongtai")
    )


class Migration(migrations.Migration):
    dependencies = [("kexie_pages", "0017_news_categories_and_links")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
