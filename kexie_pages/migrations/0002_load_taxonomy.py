"""Load the city's county-level divisions and the default industry categories."""

from django.db import migrations

COUNTIES = [
    ("411602", "川汇区"),
    ("411603", "淮阳区"),
    ("411621", "扶沟县"),
    ("411622", "西华县"),
    ("411623", "商水县"),
    ("411624", "沈丘县"),
    ("411625", "郸城县"),
    ("411627", "太康县"),
    ("411628", "鹿邑县"),
    ("411681", "项城市"),
]

CATEGORIES = [
    ("种植", "zhongzhi", "粮食、蔬菜、瓜果、中药材等种植技术"),
    ("养殖", "yangzhi", "畜禽、水产、特种养殖技术"),
    ("林下经济", "linxia-jingji", "林下种植、林下养殖、林产品采集加工"),
    ("花卉苗木", "huahui-miaomu", "花卉、苗木、盆景的繁育与管护"),
    ("设施休闲农业", "sheshi-xiuxian-nongye", "温室大棚、采摘园、农家乐与乡村旅游"),
    ("农产品加工", "nongchanpin-jiagong", "农产品储藏、加工、包装与品牌"),
    ("农村电商", "nongcun-dianshang", "网店、直播带货与农产品上行"),
    ("农机与农技服务", "nongji-nongji-fuwu", "农机作业、植保服务与社会化服务"),
]


def load(apps, schema_editor):
    County = apps.get_model("kexie_pages", "County")
    IndustryCategory = apps.get_model("kexie_pages", "IndustryCategory")
    for order, (code, name) in enumerate(COUNTIES):
        County.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
    for order, (name, slug, description) in enumerate(CATEGORIES):
        IndustryCategory.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("kexie_pages", "0001_taxonomy_and_home")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
