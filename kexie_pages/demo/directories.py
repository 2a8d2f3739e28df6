"""Demo think-tank directories: 320 experts and the other four directories.

The entries are generated, not copied from anyone: a seeded random picks
surnames, given names, units and titles, so every run (and every machine)
produces the same directories. They go through the real importer, as JSON
in the import format, so a re-run changes nothing. Every phone number is
1380000xxxx and every e-mail address is at example.cn: plainly made up.
"""

import json
import random
from pathlib import Path

from wagtail.models import Page

from ..base.spreadsheets import workbook_bytes
from ..directories.models import ThinkTankPage
from ..directories.resources import RESOURCES
from ..directories.services import directory_import
from .base import child_page

SEED = 20161028
COUNTIES = [
    "川汇区",
    "淮阳区",
    "扶沟县",
    "西华县",
    "商水县",
    "沈丘县",
    "郸城县",
    "太康县",
    "鹿邑县",
    "项城市",
]
TOWNSHIPS = [
    "城关镇",
    "练集镇",
    "韭园镇",
    "白潭镇",
    "大新镇",
    "老城镇",
    "双楼乡",
    "张庄乡",
    "李寨乡",
    "王营镇",
    "付井镇",
    "胡集乡",
]
VILLAGE_PREFIXES = ["前", "后", "东", "西", "南", "北", "大", "小", "新", "老"]
VILLAGE_NAMES = [
    "王庄",
    "李楼",
    "张营",
    "刘湾",
    "陈寨",
    "杨集",
    "赵岗",
    "黄桥",
    "周口",
    "吴屯",
    "孙庄",
    "马店",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国志强海燕秀英桂兰春梅红霞玉兰文华明亮国庆振华新民卫东丽娟晓燕永刚金凤德胜宏伟子涵俊杰雪梅宝山学军爱民东升瑞芳淑珍秋菊立新长青"
UNITS = [
    "周口市农业科学院",
    "周口师范学院",
    "河南农业大学",
    "周口职业技术学院",
    "周口市农业技术推广站",
    "周口市畜牧技术推广站",
    "周口市林业科学研究所",
    "周口市植保植检站",
    "周口市土壤肥料站",
    "周口市水产技术推广站",
    "河南省农业科学院",
    "周口市蔬菜研究所",
]
FIELDS = {
    "种植": (
        [
            "小麦育种与栽培",
            "玉米高产栽培",
            "大豆病虫害防治",
            "棉花栽培",
            "土壤改良与测土配方施肥",
            "小麦赤霉病防治",
            "芝麻高产技术",
        ],
        ["研究员", "副研究员", "高级农艺师", "农艺师", "推广研究员"],
    ),
    "养殖": (
        [
            "肉牛养殖",
            "生猪健康养殖",
            "蛋鸡饲养管理",
            "水产养殖",
            "山羊养殖与疫病防控",
            "奶牛繁育",
        ],
        ["高级畜牧师", "畜牧师", "高级兽医师", "教授", "副教授"],
    ),
    "林下经济": (
        ["林下种植中药材", "林下养鸡", "林菌间作", "杨树速生丰产林"],
        ["高级工程师", "林业工程师", "副研究员"],
    ),
    "花卉苗木": (
        ["花卉栽培", "苗木繁育", "绿化苗木嫁接"],
        ["高级农艺师", "园艺师", "副教授"],
    ),
    "设施休闲农业": (
        ["日光温室蔬菜", "大棚草莓种植", "设施蔬菜病虫害绿色防控", "休闲农业规划"],
        ["研究员", "高级农艺师", "农艺师"],
    ),
    "农产品加工": (
        ["农产品加工与贮藏", "食品安全检测", "面制品加工"],
        ["教授", "副教授", "高级工程师"],
    ),
    "农村电商": (["农村电子商务", "农产品品牌营销"], ["讲师", "副教授", "经济师"]),
    "农机与农技服务": (
        ["农业机械化", "植保无人机应用", "节水灌溉"],
        ["高级工程师", "工程师", "推广研究员"],
    ),
}
ACHIEVEMENTS = [
    ("周麦{n}号小麦新品种及配套栽培技术", "种植"),
    ("小麦赤霉病绿色防控技术规程（第{n}版）", "种植"),
    ("夏玉米机械化籽粒直收技术集成{n}", "种植"),
    ("肉牛秸秆青贮饲喂技术{n}", "养殖"),
    ("生猪非洲猪瘟综合防控模式{n}", "养殖"),
    ("林下散养土鸡标准化技术{n}", "林下经济"),
    ("设施蔬菜水肥一体化技术{n}", "设施休闲农业"),
    ("大棚草莓立体栽培技术{n}", "设施休闲农业"),
    ("红薯粉条清洁化加工工艺{n}", "农产品加工"),
    ("植保无人机统防统治作业规范{n}", "农机与农技服务"),
]
MATURITY = ["成熟应用", "中试", "小试", "已推广应用"]
LEVELS = ["国家级", "省级", "市级", "县级"]


def _person(rng: random.Random) -> str:
    given = "".join(rng.sample(GIVEN, rng.choice([1, 2])))
    return rng.choice(SURNAMES) + given


def _phone(rng: random.Random) -> str:
    return f"1380000{rng.randrange(10000):04d}"


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def generate_rows(
    directory: str, count: int, *, seed: int = SEED
) -> list[dict[str, str]]:
    """``count`` rows of ``directory`` in the import format, the same on every run."""
    rng = random.Random(f"{seed}-{directory}")  # noqa: S311 - repeatable demo data, not secrets
    rows: list[dict[str, str]] = []
    keys: set[tuple] = set()
    categories = list(FIELDS)
    while len(rows) < count:
        category = rng.choice(categories)
        specialities, titles = FIELDS[category]
        county = rng.choice(COUNTIES)
        township = rng.choice(TOWNSHIPS)
        if directory == "experts":
            unit = rng.choice(UNITS + [f"{county}农业农村局", f"{county}科学技术协会"])
            row = {
                "姓名": _person(rng),
                "性别": rng.choice("男男女"),
                "工作单位": unit,
                "职称": rng.choice(titles),
                "专业领域": rng.choice(specialities),
                "产业类别": category,
                "服务区县": "、".join(rng.sample(COUNTIES, rng.choice([1, 1, 2, 3]))),
                "联系电话": _phone(rng),
                "电子邮箱": f"expert{len(rows) + 1:03d}@example.cn",
                "个人简介": f"长期从事{rng.choice(specialities)}研究与推广，深入{county}{township}开展技术指导和培训。",
                "是否公开": _yes(rng.random() < 0.85),
            }
            key: tuple[str, ...] = (row["姓名"], row["工作单位"])
        elif directory == "achievements":
            pattern, category = rng.choice(ACHIEVEMENTS)
            row = {
                "成果名称": pattern.format(n=rng.randrange(1, 40)),
                "完成单位": rng.choice(UNITS),
                "产业类别": category,
                "成熟度": rng.choice(MATURITY),
                "适用区县": "、".join(rng.sample(COUNTIES, rng.choice([2, 3, 4]))),
                "成果简介": f"该成果在{county}等地示范推广，亩均增收显著，适合贫困村{category}产业发展。",
                "联系专家": "",
                "年份": str(rng.randrange(2008, 2020)),
                "是否公开": _yes(rng.random() < 0.9),
            }
            key = (row["成果名称"], row["完成单位"])
        elif directory == "associations":
            speciality = rng.choice(specialities)[:4]
            row = {
                "名称": f"{county}{township}{speciality}专业技术协会",
                "所在区县": county,
                "所在乡镇": township,
                "负责人": _person(rng),
                "会员人数": str(rng.randrange(20, 400)),
                "产业类别": category,
                "成立年份": str(rng.randrange(1995, 2019)),
                "联系电话": _phone(rng),
                "是否先进": _yes(rng.random() < 0.3),
                "是否公开": _yes(rng.random() < 0.9),
            }
            key = (row["名称"],)
        elif directory == "demo-bases":
            village = rng.choice(VILLAGE_PREFIXES) + rng.choice(VILLAGE_NAMES) + "村"
            kind = rng.choice(specialities)[:4]
            row = {
                "基地名称": f"{county}{village}{kind}科普示范基地",
                "所在区县": county,
                "地址": f"{county}{township}{village}",
                "级别": rng.choice(LEVELS),
                "产业类别": category,
                "负责人": _person(rng),
                "联系电话": _phone(rng),
                "简介": f"基地示范{kind}技术，年接待培训农民{rng.randrange(2, 30) * 100}人次。",
                "是否公开": _yes(rng.random() < 0.9),
            }
            key = (row["基地名称"],)
        else:
            village = rng.choice(VILLAGE_PREFIXES) + rng.choice(VILLAGE_NAMES) + "村"
            row = {
                "姓名": _person(rng),
                "所在区县": county,
                "所在乡镇": township,
                "所在村": village,
                "产业类别": category,
                "带动贫困户数": str(rng.randrange(3, 80)),
                "联系电话": _phone(rng),
                "事迹简介": f"带头发展{rng.choice(specialities)}，吸纳本村贫困户务工，带动脱贫致富。",
                "是否公开": _yes(rng.random() < 0.85),
            }
            key = (row["姓名"], row["所在村"])
        if key not in keys:
            keys.add(key)
            rows.append(row)
    return rows


COUNTS = {
    "experts": 320,
    "achievements": 60,
    "associations": 30,
    "demo-bases": 24,
    "leaders": 50,
}
PAGES = [
    ("experts", "experts", "专家库"),
    ("achievements", "achievements", "技术成果库"),
    ("associations", "associations", "农技协"),
    ("demo-bases", "demo-bases", "科普示范基地"),
    ("leaders", "leaders", "科技致富带头人"),
]


def load(home: Page, fixtures: Path) -> str:
    """Import every directory (through the importer) and publish the think-tank pages."""
    loaded = []
    for directory, count in COUNTS.items():
        rows = generate_rows(directory, count)
        if directory == "achievements":
            experts = generate_rows("experts", COUNTS["experts"])
            rng = random.Random(SEED)  # noqa: S311 - repeatable demo data
            for row in rows:
                expert = rng.choice(experts)
                row["联系专家"] = f"{expert['姓名']}（{expert['工作单位']}）"
        content = json.dumps(rows, ensure_ascii=False).encode("utf-8")
        result = directory_import(directory=directory, content=content, dry_run=False)
        if result.has_errors:
            raise RuntimeError("\n".join(result.error_lines()))
        loaded.append(f"{directory} {count}")
    think_tank = child_page(
        home,
        ThinkTankPage,
        "think-tank",
        title="智库",
        directory="experts",
        intro="为贫困村、贫困户寻找技术帮扶的切合点：专家、成果、农技协、示范基地和致富带头人。",
        search_description="专家、技术成果、农技协、示范基地和致富带头人",
        show_in_menus=True,
    )
    for directory, slug, title in PAGES:
        child_page(think_tank, ThinkTankPage, slug, title=title, directory=directory)
    return "think tank: " + ", ".join(loaded)


def write_sample_files(folder: Path, *, count: int = 30) -> list[Path]:
    """Write the sample import files of ``fixtures/imports/`` (run by hand, committed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for directory in RESOURCES:
        rows = generate_rows(directory, count, seed=SEED + 1)
        headers = list(rows[0])
        lines = [",".join(headers)] + [
            ",".join(_csv_cell(row[h]) for h in headers) for row in rows
        ]
        text = "\r\n".join(lines) + "\r\n"
        outputs = {
            f"{directory}-utf8.csv": text.encode("utf-8"),
            f"{directory}-utf8-bom.csv": text.encode("utf-8-sig"),
            f"{directory}-gb18030.csv": text.encode("gb18030"),
            f"{directory}.json": json.dumps(
                rows, ensure_ascii=False, indent=1
            ).encode(),
        }
        for name, content in outputs.items():
            (folder / name).write_bytes(content)
            written.append(folder / name)
        path = folder / f"{directory}.xlsx"
        path.write_bytes(
            workbook_bytes(headers, {"Sheet1": [list(r.values()) for r in rows]})
        )
        written.append(path)
    # One row with a bad phone number, as a county clerk's GBK CSV would have it.
    rows = generate_rows("experts", 5, seed=SEED + 2)
    rows[2]["联系电话"] = "1380000123"
    headers = ["序号", *rows[0]]
    lines = [",".join(headers)] + [
        ",".join([str(n), *(_csv_cell(v) for v in row.values())])
        for n, row in enumerate(rows, start=1)
    ]
    path = folder / "experts-one-error-gb18030.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    written.append(path)
    return written


def _csv_cell(value: str) -> str:
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value
