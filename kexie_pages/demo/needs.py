"""Demo needs library: 240 technical needs across every county and industry.

Generated, not copied: a seeded random combines real-sounding townships,
villages and problems of each industry, so every run produces the same needs.
They are created the way counties' reports are (``needs_bulk_create``). Every
contact phone is 1380000xxxx: plainly made up, and never public anyway. Needs
that are matched or solved are matched to an expert of their industry who
serves their county, with the history that led there.
"""

import random
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone
from wagtail.models import Page

from ..base.models import County, IndustryCategory
from ..directories.models import Expert
from ..needs.models import (
    Need,
    NeedMatch,
    NeedsLibraryPage,
    NeedStatus,
    NeedStatusChange,
)
from ..needs.services import needs_bulk_create
from .base import child_page
from .directories import SURNAMES, TOWNSHIPS, VILLAGE_NAMES, VILLAGE_PREFIXES

SEED = 20161028
COUNT = 240

#: Per industry slug: (title, problem) pairs; ``{crop}`` etc. vary the text.
PROBLEMS: dict[str, list[tuple[str, str]]] = {
    "zhongzhi": [
        (
            "小麦赤霉病连年发生，急需绿色防控技术",
            "村里{n}亩小麦连续两年扬花期遇雨，赤霉病发病率超过三成，减产明显。"
            "群众不清楚用药时机，希望专家现场指导赤霉病防治和抗病品种选择。",
        ),
        (
            "玉米倒伏与粗缩病问题需要技术指导",
            "夏玉米后期倒伏严重，部分地块出现粗缩病，亩产不足八百斤。"
            "希望得到高产栽培、合理密植和病虫害防治方面的技术帮扶。",
        ),
        (
            "盐碱地土壤改良与测土配方施肥",
            "村东{n}亩耕地偏盐碱，出苗差，化肥用量大但效果不好。"
            "需要测土配方施肥和土壤改良技术，降低成本、提高产量。",
        ),
        (
            "芝麻茎点枯病防治和高产栽培技术",
            "贫困户种植芝麻{n}亩，茎点枯病和后期早衰造成减产，"
            "希望学习芝麻高产栽培和病害防治技术。",
        ),
        (
            "山药、红薯等特色作物种植技术",
            "村里计划发展山药和红薯特色种植{n}亩，缺乏品种选择、脱毒种苗和储藏技术，"
            "希望专家帮助制定种植方案。",
        ),
    ],
    "yangzhi": [
        (
            "肉牛育肥效率低，需要秸秆青贮饲喂技术",
            "村肉牛养殖合作社存栏{n}头，育肥周期长、饲料成本高。"
            "希望学习秸秆青贮、全混合日粮配制等饲喂技术。",
        ),
        (
            "生猪养殖疫病防控技术需求",
            "贫困户分散养猪，防疫意识薄弱，去年发生疫病损失较大。"
            "需要生猪疫病防控、消毒和科学免疫程序方面的培训。",
        ),
        (
            "山羊养殖繁殖率低、羔羊成活率低",
            "全村山羊存栏{n}只，母羊繁殖率低，冬季羔羊死亡多。"
            "希望专家指导山羊养殖圈舍改造、繁育和疫病防控。",
        ),
        (
            "蛋鸡产蛋率下降原因不明",
            "蛋鸡养殖户反映产蛋率下降、死淘率上升，"
            "需要蛋鸡饲养管理、营养配方和常见病诊治技术。",
        ),
        (
            "坑塘水产养殖技术需求",
            "村里有闲置坑塘{n}亩，想发展鱼虾养殖带动贫困户，"
            "缺少水质调控和苗种选择等水产养殖技术。",
        ),
    ],
    "linxia-jingji": [
        (
            "杨树林下种植中药材技术",
            "村里杨树林{n}亩，林下闲置，计划种植金银花、白术等中药材，"
            "需要林下种植中药材的品种和栽培技术。",
        ),
        (
            "林下散养土鸡防病和销售问题",
            "贫困户林下养鸡{n}只，鸡瘟和鼠害时有发生，"
            "希望学习林下养鸡疫病防控和标准化管理技术。",
        ),
        (
            "林菌间作食用菌栽培技术",
            "计划在林下发展平菇、香菇等食用菌，缺乏菌棒制作和出菇管理技术，"
            "希望得到林菌间作的技术指导。",
        ),
    ],
    "huahui-miaomu": [
        (
            "绿化苗木嫁接成活率低",
            "村苗木基地{n}亩，嫁接成活率不到六成，需要苗木繁育和嫁接技术培训。",
        ),
        (
            "盆栽花卉病害多、品质差",
            "花卉种植户反映盆栽花卉根腐病多，品质上不去，"
            "希望得到花卉栽培和病害防治方面的指导。",
        ),
    ],
    "sheshi-xiuxian-nongye": [
        (
            "日光温室蔬菜连作障碍严重",
            "村里温室大棚{n}座，黄瓜、番茄连作多年，根结线虫和土传病害严重。"
            "需要设施蔬菜病虫害绿色防控和土壤消毒技术。",
        ),
        (
            "大棚草莓种植技术和采摘园规划",
            "准备建设大棚草莓采摘园，缺乏草莓种植、水肥一体化和休闲农业规划经验，"
            "希望专家帮助规划。",
        ),
        (
            "设施蔬菜水肥一体化技术应用",
            "大棚蔬菜浇水施肥靠经验，肥料浪费大，希望学习水肥一体化和节水灌溉技术。",
        ),
    ],
    "nongchanpin-jiagong": [
        (
            "红薯粉条加工工艺落后",
            "村里红薯粉条作坊{n}家，工艺传统、卫生条件差、产品难进超市，"
            "需要清洁化加工工艺和食品安全检测方面的帮助。",
        ),
        (
            "农产品贮藏保鲜技术需求",
            "蔬菜、瓜果集中上市时价格低，缺乏贮藏保鲜设施和技术，"
            "希望得到农产品加工与贮藏技术指导。",
        ),
    ],
    "nongcun-dianshang": [
        (
            "农产品网上销售缺少人才和技术",
            "村里的小磨香油、粉条等特产销路窄，贫困户不会开网店、做直播，"
            "需要农村电子商务和农产品品牌营销培训。",
        ),
        (
            "特色农产品品牌打造",
            "村合作社想注册自己的品牌，需要农产品品牌营销、包装设计和电商运营方面的帮助。",
        ),
    ],
    "nongji-nongji-fuwu": [
        (
            "植保无人机操作人员缺乏",
            "合作社购买了植保无人机，但缺少会操作的人员，"
            "希望开展植保无人机应用和统防统治作业培训。",
        ),
        (
            "小麦玉米全程机械化技术",
            "村里土地流转后{n}亩连片种植，需要农业机械化和节水灌溉技术方案。",
        ),
    ],
}
SEASONS = ["春播前", "麦收前", "夏播期间", "秋收前", "入冬前", "全年", ""]
STATUS_WEIGHTS = [
    (NeedStatus.OPEN, 55),
    (NeedStatus.IN_TALKS, 20),
    (NeedStatus.MATCHED, 15),
    (NeedStatus.SOLVED, 10),
]


def generate_needs(count: int = COUNT, *, seed: int = SEED) -> list[Need]:
    """``count`` unsaved needs, the same on every run; the first 80 cover every
    county × industry pair."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    counties = list(County.objects.all())
    categories = [c for c in IndustryCategory.objects.all() if c.slug in PROBLEMS]
    statuses = [s for s, _w in STATUS_WEIGHTS]
    weights = [w for _s, w in STATUS_WEIGHTS]
    today = date(2026, 11, 28)
    needs = []
    for i in range(count):
        county = counties[i % len(counties)]
        category = categories[(i // len(counties) + i) % len(categories)]
        title, problem = rng.choice(PROBLEMS[category.slug])
        village = rng.choice(VILLAGE_PREFIXES) + rng.choice(VILLAGE_NAMES) + "村"
        n = rng.choice([30, 50, 80, 120, 200, 300, 500])
        needs.append(
            Need(
                title=title,
                county=county,
                township=rng.choice(TOWNSHIPS),
                village=village,
                category=category,
                description=problem.format(n=n),
                households=rng.randrange(3, 80),
                season=rng.choice(SEASONS),
                urgency=rng.choice(["normal", "normal", "seasonal", "urgent"]),
                status=rng.choices(statuses, weights)[0],
                contact_name=rng.choice(SURNAMES)
                + rng.choice(["支书", "主任", "会计"]),
                contact_phone=f"1380000{rng.randrange(10000):04d}",
                reported_on=today - timedelta(days=rng.randrange(0, 400)),
            )
        )
    return needs


def _add_history_and_matches(needs: list[Need]) -> int:
    """For needs past 待对接: their history and, where matched, one expert."""
    changes = []
    matches = []
    now = timezone.now()
    experts: dict[tuple[int, int], int] = {}
    for expert_id, category_id, county_id in Expert.objects.filter(
        is_public=True
    ).values_list("id", "categories", "counties"):
        experts.setdefault((category_id, county_id), expert_id)
    order = [s.value for s in NeedStatus]
    for need in needs:
        steps = order[1 : order.index(need.status) + 1]
        for days, status in enumerate(steps, start=1):
            changes.append(
                NeedStatusChange(
                    need=need,
                    status=status,
                    changed_at=now - timedelta(days=30 - 7 * days),
                    note={
                        "in_talks": "县科协已与有关学会洽谈",
                        "matched": "已落实帮扶专家",
                        "solved": "技术问题已解决，群众满意",
                    }[status],
                )
            )
        match_id = experts.get((need.category_id, need.county_id))
        if need.status in ("matched", "solved") and match_id:
            matches.append(
                NeedMatch(
                    need=need,
                    expert_id=match_id,
                    reason="同一产业，服务该县",
                )
            )
    NeedStatusChange.objects.bulk_create(changes)
    NeedMatch.objects.bulk_create(matches)
    return len(matches)


def load(home: Page, fixtures: Path) -> str:
    """Publish the library page and, on the first run only, the demo needs."""
    child_page(
        home,
        NeedsLibraryPage,
        "needs",
        title="科技需求库",
        intro="各县（市、区）科协调查摸底的贫困村、贫困户技术需求，按产业分类发布。"
        "学会、企业和专家可以在每条需求下提出对接洽谈。",
        search_description="贫困村的技术需求，按县和产业查找，提出对接",
        show_in_menus=True,
    )
    if Need.objects.exists():
        return f"needs: {Need.objects.count()} already there"
    needs = needs_bulk_create(needs=generate_needs(), publish=True)
    matched = _add_history_and_matches(needs)
    return f"needs: {len(needs)} published, {matched} matched"
