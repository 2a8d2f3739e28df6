"""The rural science lecture hall (农村科普大讲堂): a year of county courses.

One course per county per month, from six months ago to five months ahead
(dates follow today, so the demo always has upcoming and past courses). Past
courses carry attendance, a report and photos (small images drawn with
Pillow); some courses are weekly series, some need sign-up, a few were
cancelled. Re-running updates the same pages.
"""

import datetime
import io
import random
from pathlib import Path

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from ..base.models import County, HomePage, IndustryCategory
from ..courses.models import (
    CourseLecturer,
    CoursePage,
    CoursePhoto,
    CourseSession,
    LectureHallPage,
)
from .base import child_page

TOPICS = {
    "zhongzhi": [
        ("小麦赤霉病绿色防控技术", ["赤霉病识别", "适期喷药", "药剂轮换"]),
        ("大蒜高产栽培与病虫害防治", ["配方施肥", "叶枯病防治"]),
        ("设施辣椒育苗与管理", ["穴盘育苗", "温湿度管理"]),
        ("芝麻机械化种植技术", ["精量播种", "化学除草"]),
    ],
    "yangzhi": [
        ("肉牛规模养殖与疫病防控", ["青贮饲料制作", "口蹄疫免疫"]),
        ("生猪健康养殖技术", ["非洲猪瘟防控", "科学配料"]),
        ("林下养鸡实用技术", ["鸡舍搭建", "禽流感防控"]),
    ],
    "linxia-jingji": [("林下中药材种植", ["金银花栽培", "林下套种"])],
    "huahui-miaomu": [("苗木嫁接与修剪技术", ["芽接", "整形修剪"])],
    "sheshi-xiuxian-nongye": [("温室大棚草莓种植", ["高垄栽培", "蜜蜂授粉"])],
    "nongchanpin-jiagong": [("红薯粉条加工与储藏", ["淀粉提取", "窖藏管理"])],
    "nongcun-dianshang": [("农产品直播带货入门", ["手机拍摄", "网店上架"])],
    "nongji-nongji-fuwu": [("植保无人机操作", ["航线规划", "安全作业"])],
}
LECTURERS = [
    ("李建国", "周口市农业科学院 研究员"),
    ("王秀兰", "河南农业大学 副教授"),
    ("张卫东", "周口市畜牧局 高级兽医师"),
    ("刘志强", "县农技推广中心 农艺师"),
    ("陈静", "周口职业技术学院 讲师"),
    ("赵国庆", "市林业科学研究所 高级工程师"),
]
VILLAGES = [
    "王庄村",
    "李楼村",
    "张集村",
    "刘寨村",
    "陈店村",
    "孙营村",
    "周口村",
    "黄桥村",
]
PHOTO_COLOURS = [
    (27, 94, 32),
    (249, 168, 37),
    (46, 125, 50),
    (121, 85, 72),
    (2, 119, 189),
    (198, 40, 40),
]


def _photos() -> list:
    """Six small demo photos (drawn, not downloaded), created once."""
    image_model = get_image_model()
    images = []
    for number, colour in enumerate(PHOTO_COLOURS, start=1):
        title = f"科普大讲堂现场照片 {number}"
        image = image_model.objects.filter(title=title).first()
        if image is None:
            canvas = PILImage.new("RGB", (480, 320), (236, 239, 230))
            draw = ImageDraw.Draw(canvas)
            draw.rectangle((30, 40, 450, 140), fill=colour)  # the banner
            for seat in range(12):  # rows of listeners
                x, y = 50 + (seat % 6) * 70, 190 + (seat // 6) * 60
                draw.ellipse((x, y, x + 36, y + 36), fill=(90, 90, 90))
            buffer = io.BytesIO()
            canvas.save(buffer, format="JPEG", quality=70)
            image = image_model(title=title)
            image.file = ImageFile(buffer, name=f"lecture-hall-{number}.jpg")
            image.save()
        images.append(image)
    return images


def load(home: HomePage, fixtures: Path) -> str:
    hall = child_page(
        home,
        LectureHallPage,
        "lecture-hall",
        title="农村科普大讲堂",
        intro="各县市区为贫困户免费举办生产技术培训，市里邀请专家授课。让每个有劳动能力的农民掌握一到两门实用技术。",
        show_in_menus=True,
        search_description="各县市区免费生产技术培训的时间、地点和报名",
    )
    rng = random.Random(7)  # noqa: S311 - demo data, not security
    categories = list(IndustryCategory.objects.all())
    photos = _photos()
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    count = 0
    for county_number, county in enumerate(County.objects.all()):
        for offset in range(-6, 6):
            year, month = divmod(today.year * 12 + today.month - 1 + offset, 12)
            month_first = datetime.date(year, month + 1, 1)
            day = 3 + (county_number * 3 + offset * 5) % 24
            start = datetime.datetime.combine(
                month_first.replace(day=day), datetime.time(9 if day % 2 else 14, 0), tz
            )
            end = start + datetime.timedelta(hours=2, minutes=30)
            category = categories[(county_number + offset) % len(categories)]
            title, techniques = rng.choice(TOPICS[category.slug])
            is_series = (county_number + offset) % 4 == 0
            sessions = (
                [
                    CourseSession(
                        start=start + datetime.timedelta(weeks=week),
                        end=end + datetime.timedelta(weeks=week),
                        note=f"第{week + 1}讲",
                        sort_order=week,
                    )
                    for week in range(1, 4)
                ]
                if is_series
                else []
            )
            held = (
                end + datetime.timedelta(weeks=3 if is_series else 0) < timezone.now()
            )
            cancelled = (county_number * 12 + offset) % 17 == 5
            village = VILLAGES[(county_number + offset) % len(VILLAGES)]
            attendance = rng.randint(35, 120) if held and not cancelled else None
            lecturers = rng.sample(LECTURERS, k=1 + (offset % 2))
            child_page(
                hall,
                CoursePage,
                f"{county.code}-{month_first:%Y%m}",
                title=f"{county.name}{title}培训班"
                + ("（系列课）" if is_series else ""),
                county=county,
                category=category,
                venue=f"{county.name}{village}党群服务中心",
                address=f"{county.name}{village}村委会院内",
                start=start,
                end=end,
                summary=f"面向{county.name}贫困户和种养大户，{lecturers[0][0]}现场讲解{techniques[0]}等实用技术，免费发放科普资料。",
                techniques="\n".join(techniques),
                audience="贫困户、种养大户、村级农技员",
                registration_required=offset % 2 == 0,
                capacity=40 + 10 * (county_number % 3) if offset % 2 == 0 else None,
                cancelled=cancelled,
                cancellation_notice="因天气原因取消，改期另行通知。"
                if cancelled
                else "",
                attendance_total=attendance,
                attendance_poor=int(attendance * rng.uniform(0.4, 0.8))
                if attendance
                else None,
                report=(
                    f"本次培训在{village}举行，{lecturers[0][0]}结合本地实际讲解了{'、'.join(techniques)}，"
                    "并到田间地头现场示范。参训群众纷纷表示学到了真本事，发放科普资料两百余册。"
                    if attendance
                    else ""
                ),
                sessions=sessions,
                lecturers=[
                    CourseLecturer(name=name, affiliation=affiliation, sort_order=i)
                    for i, (name, affiliation) in enumerate(lecturers)
                ],
                photos=[
                    CoursePhoto(
                        image=photos[(county_number + offset + i) % len(photos)],
                        caption="培训现场",
                        sort_order=i,
                    )
                    for i in range(2)
                ]
                if attendance and offset % 3 == 0
                else [],
            )
            count += 1
    return f"{count} lecture-hall courses"
