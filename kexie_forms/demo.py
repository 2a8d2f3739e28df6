"""Demo forms (需求征集, 培训报告, 科普惠农兴村计划推荐) with submissions from counties.

Registered in ``kexie_pages.demo.LOADERS``; re-runnable: pages are updated and
submissions are added only to forms that have none.
"""

import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils import timezone
from wagtail.contrib.forms.utils import get_field_clean_name

from kexie_pages.demo.base import child_page
from kexie_pages.models import County, HomePage, IndustryCategory

from .models import (
    FormField,
    FormIndexPage,
    FormPage,
    FormSubmission,
    SubmissionStatus,
    UserCounty,
)
from .services import receipt_allocate

DEMO_REVIEWER = ("fugou", "fugou-demo-2026")  # county reviewer bound to 扶沟县

FORMS: list[dict[str, Any]] = [
    {
        "slug": "needs-survey",
        "title": "贫困村科技需求征集",
        "prefix": "XQ",
        "needs_survey": {
            "county": "县（市、区）",
            "township": "乡镇",
            "village": "行政村",
            "category": "产业类别",
            "description": "需求描述",
            "households": "涉及贫困户数",
            "contact_name": "联系人",
            "contact_phone": "联系电话",
        },
        "intro": "<p>请各县（市、区）科协摸清贫困村、贫困户的技术需求，按产业分类如实填报。"
        "市科协汇总后建立科技需求库，并组织专家对接。</p>",
        "thanks": "<p>感谢填报！市科协将在 10 个工作日内完成审核，请保存好回执编号。</p>",
        "fields": [
            ("县（市、区）", "county", True, {}),
            ("乡镇", "singleline", True, {"max_length": 50}),
            ("行政村", "singleline", True, {"max_length": 50}),
            ("产业类别", "industry", True, {}),
            ("需求描述", "multiline", True, {"max_length": 2000}),
            ("涉及贫困户数", "number", True, {}),
            ("联系人", "singleline", True, {"max_length": 20}),
            ("联系电话", "mobile", True, {}),
            ("相关材料", "file", False, {"allowed_file_types": "pdf,jpg,png,docx"}),
        ],
        "samples": [
            (
                "411621",
                "大李庄乡",
                "前进村",
                "种植",
                "小麦赤霉病防治技术，需专家现场指导。",
                "35",
                "王建国",
                "13803940001",
            ),
            (
                "411622",
                "奉母镇",
                "东夏亭村",
                "养殖",
                "肉牛养殖青贮饲料配方与疫病防控。",
                "22",
                "李秀兰",
                "13903940002",
            ),
            (
                "411625",
                "汲冢镇",
                "孙楼村",
                "林下经济",
                "林下散养鸡的品种选择与销售渠道。",
                "18",
                "张红旗",
                "15803940003",
            ),
            (
                "411627",
                "马头镇",
                "高庄村",
                "设施休闲农业",
                "大棚蔬菜水肥一体化设备使用培训。",
                "12",
                "赵国强",
                "18803940004",
            ),
            (
                "411621",
                "柴岗乡",
                "岗东村",
                "花卉苗木",
                "苗木嫁接技术与病虫害防治。",
                "9",
                "刘玉梅",
                "13603940005",
            ),
        ],
    },
    {
        "slug": "training-report",
        "title": "农村科普大讲堂培训报告",
        "prefix": "PX",
        "intro": "<p>各县每期培训结束后一周内报送培训情况，附签到表或现场照片。</p>",
        "thanks": "<p>培训报告已收到，谢谢！</p>",
        "fields": [
            ("县（市、区）", "county", True, {}),
            ("培训日期", "date", True, {}),
            ("培训主题", "singleline", True, {"max_length": 100}),
            ("参训人数", "number", True, {}),
            ("授课专家", "singleline", True, {"max_length": 50}),
            ("培训总结", "multiline", True, {"max_length": 3000}),
            ("签到表或照片", "file", False, {"allowed_file_types": "pdf,jpg,png"}),
        ],
        "samples": [
            (
                "411623",
                "小麦春季田间管理",
                "86",
                "周永红",
                "讲解了春季追肥和病虫害防治，现场答疑。",
            ),
            (
                "411628",
                "肉羊科学养殖",
                "54",
                "孙立新",
                "围绕羊舍建设、饲料配比开展培训。",
            ),
            (
                "411681",
                "食用菌栽培技术",
                "72",
                "陈晓燕",
                "示范香菇菌棒制作，发放技术手册。",
            ),
        ],
    },
    {
        "slug": "award-nomination",
        "title": "科普惠农兴村计划推荐",
        "prefix": "TJ",
        "intro": "<p>各县区科协推荐本年度带动贫困户脱贫成效突出的农技协、科普示范基地和"
        "科技致富带头人（从智库中选择），并提供帮扶户数、增收情况和现场照片。</p>",
        "thanks": "<p>推荐材料已提交，市科协将组织专家评审打分，结果在网站公布。</p>",
        "review_scores": True,
        "fields": [
            ("县（市、区）", "county", True, {}),
            ("推荐对象", "nominee", True, {}),
            ("帮扶贫困户数", "number", True, {}),
            ("带动增收（万元）", "number", True, {}),
            ("主要事迹", "multiline", True, {"max_length": 3000}),
            ("推荐单位联系电话", "mobile", True, {}),
            ("现场照片", "file", False, {"allowed_file_types": "jpg,png"}),
        ],
        # The nominations name the think tank's public entries: the recognition
        # demo (kexie_pages.demo.recognition) adds them with reviewers' scores.
        "samples": [],
    },
]


def _fields(spec: dict) -> list[FormField]:
    return [
        FormField(
            label=label, field_type=kind, required=required, sort_order=n, **extra
        )
        for n, (label, kind, required, extra) in enumerate(spec["fields"])
    ]


def _sample_data(page: FormPage, values: tuple) -> tuple[dict, County | None]:
    counties = {c.code: c for c in County.objects.all()}
    industries = {c.name: c for c in IndustryCategory.objects.all()}
    data, county, rest = {}, None, list(values)
    for field in page.form_fields.all():
        if field.field_type == "file":
            data[field.clean_name] = ""
            continue
        if field.field_type == "date":
            data[field.clean_name] = (
                timezone.localdate() - datetime.timedelta(days=7)
            ).isoformat()
            continue
        value = rest.pop(0)
        if field.field_type == "county":
            county = counties.get(value)
            value = county.name if county else value
        elif field.field_type == "industry":
            value = industries[value].name if value in industries else value
        data[field.clean_name] = value
    return data, county


def _demo_reviewer(county: County) -> None:
    group, _created = Group.objects.get_or_create(name="县科协审核员")
    group.permissions.set(
        Permission.objects.filter(
            models.Q(content_type__app_label="wagtailadmin", codename="access_admin")
            | models.Q(
                content_type__app_label="kexie_forms",
                codename__in=[
                    "view_formsubmission",
                    "change_formsubmission",
                    "delete_formsubmission",
                ],
            )
        )
    )
    username, password = DEMO_REVIEWER
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = get_user_model().objects.create_user(
            username, password=password, first_name="扶沟县科协"
        )
    user.groups.add(group)
    UserCounty.objects.update_or_create(user=user, defaults={"county": county})


def load(home: HomePage, fixtures: Path) -> str:
    statuses = [
        SubmissionStatus.PENDING,
        SubmissionStatus.ACCEPTED,
        SubmissionStatus.NEEDS_MORE,
        SubmissionStatus.RETURNED,
    ]
    added = 0
    index = child_page(
        home,
        FormIndexPage,
        "tianbao",
        title="县区填报",
        intro="<p>各县区科协在此填报需求征集等表格；提交后凭回执编号和回执码查询办理进度。</p>",
        show_in_menus=True,
        search_description="需求征集表格与回执查询",
    )
    for spec in FORMS:
        # Demo databases made before the index had their forms under home.
        for old in FormPage.objects.child_of(home).filter(slug=spec["slug"]):
            old.move(index, pos="last-child")
        page = child_page(
            index,
            FormPage,
            spec["slug"],
            title=spec["title"],
            intro=spec["intro"],
            thank_you_text=spec["thanks"],
            receipt_prefix=spec["prefix"],
            review_scores=spec.get("review_scores", False),
            form_fields=_fields(spec),
            is_needs_survey="needs_survey" in spec,
            needs_mapping="\n".join(
                f"{need_field} = {get_field_clean_name(label)}"
                for need_field, label in spec.get("needs_survey", {}).items()
            ),
        )
        if FormSubmission.objects.filter(page=page).exists():
            continue
        year = timezone.localdate().year
        for n, values in enumerate(spec["samples"]):
            data, county = _sample_data(page, values)
            FormSubmission.objects.create(
                page=page,
                form_data=data,
                county=county,
                status=statuses[n % len(statuses)],
                receipt_number=receipt_allocate(prefix=page.receipt_prefix, year=year),
            )
            added += 1
    fugou = County.objects.filter(code="411621").first()
    if fugou:
        _demo_reviewer(fugou)
    return (
        f"{len(FORMS)} forms, {added} new submissions, county reviewer "
        f"{DEMO_REVIEWER[0]} / {DEMO_REVIEWER[1]} (扶沟县)"
    )
