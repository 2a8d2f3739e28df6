"""django-import-export resources: one per think-tank directory.

Each ``<Model>Resource`` declares the directory's columns exactly as the
counties' spreadsheets have them (the column contract in issue 3), in order,
with the widget that converts each cell. The headers are Chinese in every
language: they are a file format, not interface text.

The resources work with django-import-export's own ``import_data``; the
importer (``directories.reading`` and ``directories.services``) uses their fields and
widgets with a faster, all-or-nothing bulk path (see its docstring).
"""

from import_export import fields, resources

from .models import Achievement, Association, DemonstrationBase, Expert, TechLeader
from .widgets import (
    CategoriesWidget,
    CountiesWidget,
    CountyWidget,
    ExpertWidget,
    GenderWidget,
    PhoneWidget,
    TextWidget,
    WholeNumberWidget,
    YesNoWidget,
)

#: A leading column of row numbers that counties add; ignored on import.
SERIAL_COLUMN = "序号"


def _text(attribute: str, column: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=TextWidget())


def _phone(column: str = "联系电话") -> fields.Field:
    return fields.Field(attribute="phone", column_name=column, widget=PhoneWidget())


def _public() -> fields.Field:
    return fields.Field(
        attribute="is_public", column_name="是否公开", widget=YesNoWidget()
    )


def _categories() -> fields.Field:
    return fields.Field(
        attribute="categories",
        column_name="产业类别",
        widget=CategoriesWidget(),
        m2m_add=False,
    )


class DirectoryResource(resources.ModelResource):
    """What the directory resources share.

    ``import_id_fields`` is the model's natural key, so re-importing an export
    updates the same entries; unchanged rows are skipped.
    """

    def before_import(self, dataset, **kwargs):
        self.reset_lookups()
        super().before_import(dataset, **kwargs)

    def reset_lookups(self) -> None:
        """Forget cached counties, categories and experts (they may have changed)."""
        for field in self.fields.values():
            if hasattr(field.widget, "reset"):
                field.widget.reset()

    @classmethod
    def headers(cls) -> list[str]:
        """The column headers, in contract order."""
        return [field.column_name for field in cls().get_export_fields()]

    @classmethod
    def key_headers(cls) -> list[str]:
        """The headers of the natural-key columns."""
        resource = cls()
        return [
            resource.fields[name].column_name for name in cls._meta.import_id_fields
        ]


class ExpertResource(DirectoryResource):
    name = _text("name", "姓名")
    gender = fields.Field(attribute="gender", column_name="性别", widget=GenderWidget())
    employer = _text("employer", "工作单位")
    title = _text("title", "职称")
    speciality = _text("speciality", "专业领域")
    categories = _categories()
    counties = fields.Field(
        attribute="counties",
        column_name="服务区县",
        widget=CountiesWidget(),
        m2m_add=False,
    )
    phone = _phone()
    email = _text("email", "电子邮箱")
    bio = _text("bio", "个人简介")
    is_public = _public()

    class Meta:
        model = Expert
        fields = (
            "name",
            "gender",
            "employer",
            "title",
            "speciality",
            "categories",
            "counties",
            "phone",
            "email",
            "bio",
            "is_public",
        )
        export_order = fields
        import_id_fields = ("name", "employer")
        skip_unchanged = True
        report_skipped = True


class AchievementResource(DirectoryResource):
    title = _text("title", "成果名称")
    organisation = _text("organisation", "完成单位")
    categories = _categories()
    maturity = _text("maturity", "成熟度")
    counties = fields.Field(
        attribute="counties",
        column_name="适用区县",
        widget=CountiesWidget(),
        m2m_add=False,
    )
    summary = _text("summary", "成果简介")
    expert = fields.Field(
        attribute="expert", column_name="联系专家", widget=ExpertWidget()
    )
    year = fields.Field(
        attribute="year", column_name="年份", widget=WholeNumberWidget(maximum=2100)
    )
    is_public = _public()

    class Meta:
        model = Achievement
        fields = (
            "title",
            "organisation",
            "categories",
            "maturity",
            "counties",
            "summary",
            "expert",
            "year",
            "is_public",
        )
        export_order = fields
        import_id_fields = ("title", "organisation")
        skip_unchanged = True
        report_skipped = True


class AssociationResource(DirectoryResource):
    name = _text("name", "名称")
    county = fields.Field(
        attribute="county", column_name="所在区县", widget=CountyWidget()
    )
    township = _text("township", "所在乡镇")
    leader = _text("leader", "负责人")
    member_count = fields.Field(
        attribute="member_count", column_name="会员人数", widget=WholeNumberWidget()
    )
    categories = _categories()
    founded_year = fields.Field(
        attribute="founded_year",
        column_name="成立年份",
        widget=WholeNumberWidget(maximum=2100),
    )
    phone = _phone()
    is_advanced = fields.Field(
        attribute="is_advanced", column_name="是否先进", widget=YesNoWidget()
    )
    is_public = _public()

    class Meta:
        model = Association
        fields = (
            "name",
            "county",
            "township",
            "leader",
            "member_count",
            "categories",
            "founded_year",
            "phone",
            "is_advanced",
            "is_public",
        )
        export_order = fields
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True


class DemonstrationBaseResource(DirectoryResource):
    name = _text("name", "基地名称")
    county = fields.Field(
        attribute="county", column_name="所在区县", widget=CountyWidget()
    )
    address = _text("address", "地址")
    level = _text("level", "级别")
    categories = _categories()
    manager = _text("manager", "负责人")
    phone = _phone()
    summary = _text("summary", "简介")
    is_public = _public()

    class Meta:
        model = DemonstrationBase
        fields = (
            "name",
            "county",
            "address",
            "level",
            "categories",
            "manager",
            "phone",
            "summary",
            "is_public",
        )
        export_order = fields
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True


class TechLeaderResource(DirectoryResource):
    name = _text("name", "姓名")
    county = fields.Field(
        attribute="county", column_name="所在区县", widget=CountyWidget()
    )
    township = _text("township", "所在乡镇")
    village = _text("village", "所在村")
    categories = _categories()
    households_helped = fields.Field(
        attribute="households_helped",
        column_name="带动贫困户数",
        widget=WholeNumberWidget(),
    )
    phone = _phone()
    story = _text("story", "事迹简介")
    is_public = _public()

    class Meta:
        model = TechLeader
        fields = (
            "name",
            "county",
            "township",
            "village",
            "categories",
            "households_helped",
            "phone",
            "story",
            "is_public",
        )
        export_order = fields
        import_id_fields = ("name", "village")
        skip_unchanged = True
        report_skipped = True


#: The resource of each directory, by its DESIGN.md §5 name.
RESOURCES: dict[str, type[DirectoryResource]] = {
    "experts": ExpertResource,
    "achievements": AchievementResource,
    "associations": AssociationResource,
    "demo-bases": DemonstrationBaseResource,
    "leaders": TechLeaderResource,
}
