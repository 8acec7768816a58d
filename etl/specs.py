"""Column specs: the one place that says what each dataset's columns are.

The reader matches headers against these aliases, the validator checks the
types and bounds, the templates and the data dictionary print them, and error
messages quote them.  Add an alias here and every one of those learns it.

Kinds of column (``Column.kind``):
  town      a 镇/街道 by code, full name (安海镇) or short name (安海)
  station   a 驿站 by id or name
  month     a calendar month (2024-07, 2024年7月, 202407, Excel dates …)
  year      a four-digit year (2024, 2024年)
  date      a day (2024-07-15, 2024/7/15, 2024年7月15日, Excel dates)
  count     a non-negative whole number (people, classes, enterprises)
  amount    a non-negative amount of yuan with at most 2 decimals
  number    any real number (coordinates)
  choice    one of ``choices`` (value aliases in ``value_aliases``)
  text      free text
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str                      # canonical snake_case name, used in DuckDB
    header_zh: str                 # the header a template writes
    label_en: str                  # the English label (UI, messages)
    kind: str
    required: bool = True
    aliases: tuple[str, ...] = ()  # other headers accepted (zh and en)
    unit_zh: str = ""
    unit_en: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    value_aliases: dict[str, str] = field(default_factory=dict)
    example: object = None         # the template's example row value
    note_zh: str = ""              # one line for 填表说明 / the dictionary
    note_en: str = ""

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header that means this column, the template's first."""
        return (self.header_zh, *self.aliases, self.name, self.label_en)


@dataclass(frozen=True)
class Dataset:
    name: str
    title_zh: str
    title_en: str
    grain_zh: str                  # what one row is, in words
    grain_en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]           # unique within a file and in the warehouse
    replace_scope: tuple[str, ...] # a new batch replaces current rows sharing these
    table: str                     # the DuckDB view that holds current rows

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


# Shared columns ------------------------------------------------------------
TOWN = Column(
    "town_code", "镇（街道）", "Town / subdistrict", "town",
    aliases=("镇街", "乡镇", "街道", "单位", "镇(街道)", "乡镇（街道）", "镇街名称",
             "单位名称", "所属镇街", "town", "unit"),
    example="安海镇",
    note_zh="填写镇/街道全称、简称或代码，如 安海镇、安海、350582101",
    note_en="Town or subdistrict: full name, short name or code, e.g. 安海镇, 安海, 350582101",
)
MONTH = Column(
    "month", "月份", "Month", "month",
    aliases=("统计月份", "报送月份", "年月", "时间", "month", "period"),
    example="2024-07",
    note_zh="如 2024-07、2024年7月、202407；不得晚于当前月份",
    note_en="e.g. 2024-07, 2024年7月, 202407; not in the future",
)
VISITOR_GROUPS = ("环卫工人", "快递员", "外卖送餐员", "网约车司机", "其他户外劳动者")
SCHEMES = ("职工住院医疗互助", "女职工特殊疾病互助", "职工意外伤害互助")
CLASS_TYPES = ("普通班", "新就业形态专班")
CONTRACT_TYPES = ("工资集体合同", "综合性集体合同", "区域性工资集体合同",
                  "行业性工资集体合同", "女职工权益保护专项合同")
# Contract types that cover one enterprise each; the others cover a region or
# an industry and are counted apart so that their workers are not added twice.
ENTERPRISE_CONTRACT_TYPES = ("工资集体合同", "综合性集体合同", "女职工权益保护专项合同")
HOST_TYPES = ("党建+邻里中心", "网格党群服务站", "企业", "商圈楼宇", "环卫站点",
              "银行网点", "加油站", "其他")
CRS_CHOICES = ("WGS84", "GCJ02", "BD09")


# No count in one row (a town's month, a class, a contract) comes near ten
# million; a bound also stops 1e308 from overflowing the integer column.
COUNT_MAX = 10_000_000


def _count(name, header_zh, label_en, unit_zh="人", unit_en="people", required=True,
           aliases=(), example=0, max=COUNT_MAX, note_zh="", note_en=""):
    return Column(name, header_zh, label_en, "count", required=required, aliases=aliases,
                  unit_zh=unit_zh, unit_en=unit_en, min=0, max=max, example=example,
                  note_zh=note_zh, note_en=note_en)


MUTUAL_AID = Dataset(
    name="mutual_aid",
    title_zh="职工医疗互助", title_en="Workers' mutual medical aid",
    grain_zh="每镇街每月每个互助项目一行", grain_en="one row per town per month per scheme",
    table="mutual_aid",
    key=("month", "town_code", "scheme"),
    replace_scope=("town_code", "month"),
    columns=(
        MONTH,
        TOWN,
        Column("scheme", "互助项目", "Scheme", "choice",
               aliases=("险种", "项目", "互助险种", "项目名称", "scheme"),
               choices=SCHEMES,
               value_aliases={"住院医疗互助": "职工住院医疗互助", "住院互助": "职工住院医疗互助",
                              "住院": "职工住院医疗互助",
                              "女职工特殊疾病": "女职工特殊疾病互助",
                              "女职工特疾互助": "女职工特殊疾病互助",
                              "特殊疾病互助": "女职工特殊疾病互助",
                              "意外伤害互助": "职工意外伤害互助"},
               example="职工住院医疗互助"),
        _count("members_enrolled", "参保人数", "Members enrolled",
               aliases=("在保人数", "参加人数", "参保职工数", "参保人数（人）", "enrolled",
                        "members"),
               example=10995, note_zh="月末在保人数（存量）", note_en="members at month end (a stock)"),
        _count("new_enrolments", "新增参保人数", "New enrolments", required=False,
               aliases=("新增人数", "本月新增", "新参保人数", "new enrolments"), example=0),
        _count("claims", "补助人次", "Claims paid", unit_zh="人次", unit_en="claims",
               aliases=("受助人次", "理赔人次", "赔付人次", "补助情况/人次", "claims"),
               example=23),
        Column("claims_paid_yuan", "补助金额（元）", "Amount paid", "amount",
               aliases=("补助金额", "金额(元)", "金额（元）", "补助金额(元)", "理赔金额（元）",
                        "赔付金额", "补助情况/金额", "补助情况/金额（元）", "amount paid",
                        "amount"),
               unit_zh="元", unit_en="yuan", min=0, example=61200),
    ),
)

SUMMER_CAMPS = Dataset(
    name="summer_camps",
    title_zh="职工子女暑托班", title_en="Summer day camps for workers' children",
    grain_zh="每年每个班级一行", grain_en="one row per class per year",
    table="summer_camps",
    key=("year", "town_code", "class_name"),
    replace_scope=("town_code", "year"),
    columns=(
        Column("year", "年度", "Year", "year", aliases=("年份", "举办年度", "year"),
               min=2000, max=2100, example=2024),
        TOWN,
        Column("class_name", "班级名称", "Class", "text",
               aliases=("班级", "暑托班名称", "班名", "class"), example="安海镇第1期暑托班"),
        Column("host_org", "承办单位", "Host organisation", "text", required=False,
               aliases=("举办单位", "办班单位", "主办单位", "host"), example="安海镇总工会"),
        Column("class_type", "班级类型", "Class type", "choice",
               aliases=("类型", "班型", "class type"), choices=CLASS_TYPES,
               value_aliases={"普通": "普通班", "新就业形态": "新就业形态专班",
                              "专班": "新就业形态专班"},
               example="普通班"),
        Column("start_date", "开班日期", "Start date", "date",
               aliases=("开始日期", "开班时间", "start"), example="2024-07-08"),
        Column("end_date", "结班日期", "End date", "date",
               aliases=("结束日期", "结班时间", "end"), example="2024-08-16"),
        _count("children_enrolled", "报名人数", "Children enrolled",
               aliases=("参加人数", "学员人数", "招收人数", "在班人数", "children"), example=30),
        _count("new_form_children", "其中新就业形态劳动者子女", "Of whom children of new-form workers",
               required=False,
               aliases=("新就业形态劳动者子女", "其中：新就业形态劳动者子女", "新就业形态子女",
                        "外卖快递网约车子女", "new-form children"),
               example=6, note_zh="外卖、快递、网约车等新就业形态劳动者子女人数",
               note_en="children of delivery riders, couriers, ride-hailing drivers"),
        _count("capacity", "计划招收人数", "Capacity", required=False,
               aliases=("容量", "计划人数", "核定人数", "capacity"), example=40),
        Column("meal_fee_yuan", "每日餐费（元）", "Daily meal fee", "amount", required=False,
               aliases=("餐费（元/天）", "餐费", "每日餐费", "meal fee"),
               unit_zh="元/天", unit_en="yuan/day", min=0, max=200, example=15),
    ),
)

COLLECTIVE_CONTRACTS = Dataset(
    name="collective_contracts",
    title_zh="集体合同", title_en="Collective contracts",
    grain_zh="每份合同一行", grain_en="one row per contract",
    table="collective_contracts",
    key=("contract_id",),
    replace_scope=("contract_id",),
    columns=(
        Column("contract_id", "合同编号", "Contract no.", "text",
               aliases=("编号", "备案编号", "合同号", "contract id"), example="JJAH-2024-001"),
        TOWN,
        Column("contract_type", "合同类型", "Contract type", "choice",
               aliases=("类型", "合同种类", "contract type"), choices=CONTRACT_TYPES,
               value_aliases={"工资专项集体合同": "工资集体合同", "工资集体协议": "工资集体合同",
                              "综合集体合同": "综合性集体合同", "区域性工资合同": "区域性工资集体合同",
                              "行业性工资合同": "行业性工资集体合同",
                              "女职工专项合同": "女职工权益保护专项合同"},
               example="工资集体合同"),
        Column("party_name", "企业名称（区域/行业）", "Enterprise (or region/industry)", "text",
               aliases=("企业名称", "单位名称（企业）", "签约单位", "区域/行业", "enterprise"),
               example="福建某某鞋业有限公司"),
        Column("signed_date", "签订日期", "Signed", "date",
               aliases=("签订时间", "签约日期", "signed"), example="2024-03-15"),
        Column("expiry_date", "到期日期", "Expires", "date",
               aliases=("截止日期", "有效期至", "到期时间", "expiry"), example="2027-03-14"),
        _count("enterprises_covered", "覆盖企业数", "Enterprises covered", unit_zh="家",
               unit_en="enterprises", aliases=("覆盖企业", "企业数", "enterprises"), example=1),
        _count("workers_covered", "覆盖职工人数", "Workers covered",
               aliases=("覆盖职工数", "职工人数", "覆盖人数", "workers"), example=120),
    ),
)

STATIONS = Dataset(
    name="stations",
    title_zh="工会驿站名册", title_en="Union rest station register",
    grain_zh="每个驿站一行", grain_en="one row per station",
    table="stations",
    key=("station_id",),
    replace_scope=("station_id",),
    columns=(
        Column("station_id", "驿站编号", "Station id", "text",
               aliases=("编号", "站点编号", "station id"), example="JJ-AH-01"),
        Column("station_name", "驿站名称", "Station", "text",
               aliases=("站点名称", "名称", "station"), example="安海镇星塔社区工会驿站"),
        TOWN,
        Column("address", "地址", "Address", "text", required=False,
               aliases=("详细地址", "站点地址", "address"), example="晋江市安海镇星塔社区"),
        Column("lon", "经度", "Longitude", "number", aliases=("东经", "lng", "lon", "longitude"),
               min=-180, max=180, example=118.467),
        Column("lat", "纬度", "Latitude", "number", aliases=("北纬", "lat", "latitude"),
               min=-90, max=90, example=24.716),
        Column("crs", "坐标系", "Coordinate system", "choice", required=False,
               aliases=("坐标类型", "坐标来源", "crs"), choices=CRS_CHOICES,
               value_aliases={"WGS-84": "WGS84", "GPS": "WGS84", "GCJ-02": "GCJ02", "高德": "GCJ02",
                              "腾讯": "GCJ02", "BD-09": "BD09", "百度": "BD09"},
               example="GCJ02", note_zh="留空视为 GCJ02（高德/腾讯地图拾取）",
               note_en="blank means GCJ02 (picked on Amap/Tencent maps)"),
        Column("host_type", "依托类型", "Host site type", "choice", required=False,
               aliases=("阵地类型", "依托阵地", "host type"), choices=HOST_TYPES,
               value_aliases={"党建+邻里中心": "党建+邻里中心", "邻里中心": "党建+邻里中心",
                              "网格党群服务站": "网格党群服务站", "党群服务站": "网格党群服务站",
                              "企业驿站": "企业"},
               example="党建+邻里中心"),
        Column("opened_date", "建成日期", "Opened", "date", required=False,
               aliases=("启用日期", "开放日期", "建站时间", "opened"), example="2023-05-01"),
        Column("facilities", "服务设施", "Facilities", "text", required=False,
               aliases=("配套设施", "设施", "facilities"), example="饮水机、微波炉、充电桩、药箱"),
    ),
)

STATION_VISITS = Dataset(
    name="station_visits",
    title_zh="驿站服务人次", title_en="Station visits",
    grain_zh="每月每个驿站每类服务对象一行", grain_en="one row per month per station per visitor group",
    table="station_visits",
    key=("month", "station_id", "visitor_group"),
    replace_scope=("town_code", "month"),
    columns=(
        MONTH,
        Column("station_id", "驿站", "Station", "station",
               aliases=("驿站编号", "驿站名称", "站点", "站点名称", "station"),
               example="JJ-AH-01", note_zh="驿站编号或名称", note_en="station id or name"),
        Column("visitor_group", "服务对象", "Visitor group", "choice",
               aliases=("人员类别", "服务群体", "对象类别", "visitor group"),
               choices=VISITOR_GROUPS,
               value_aliases={"环卫": "环卫工人", "快递": "快递员", "快递小哥": "快递员",
                              "外卖": "外卖送餐员", "外卖骑手": "外卖送餐员", "骑手": "外卖送餐员",
                              "网约车": "网约车司机", "其他": "其他户外劳动者",
                              "其他户外": "其他户外劳动者"},
               example="外卖送餐员"),
        _count("visits", "服务人次", "Visits", unit_zh="人次", unit_en="visits",
               aliases=("接待人次", "到站人次", "visits"), example=320),
        _count("rest", "休息", "Rest", unit_zh="人次", unit_en="visits", required=False,
               aliases=("歇脚", "休息人次"), example=200),
        _count("meal_heating", "热饭", "Meal heating", unit_zh="人次", unit_en="visits",
               required=False, aliases=("热饭人次", "加热饭菜"), example=80),
        _count("drinking_water", "饮水", "Drinking water", unit_zh="人次", unit_en="visits",
               required=False, aliases=("饮水人次", "喝水"), example=260),
        _count("charging", "充电", "Charging", unit_zh="人次", unit_en="visits", required=False,
               aliases=("充电人次",), example=40),
        _count("medical", "医疗/义诊", "Medical / free clinic", unit_zh="人次", unit_en="visits",
               required=False, aliases=("义诊", "医疗", "医疗义诊", "医疗/义诊人次"), example=5),
    ),
)

DATASETS: dict[str, Dataset] = {
    d.name: d for d in (MUTUAL_AID, SUMMER_CAMPS, COLLECTIVE_CONTRACTS, STATIONS, STATION_VISITS)
}

# Service columns of station_visits, in display order.
STATION_SERVICES = ("rest", "meal_heating", "drinking_water", "charging", "medical")

# Columns that mark a per-person list (roster).  They are recognised so that
# the rows can be aggregated to the dataset's grain and then dropped: names,
# ID numbers and phone numbers are never stored.
ROSTER_PII_HEADERS = {
    "person_name": ("姓名", "职工姓名", "受助人", "受助职工", "学生姓名", "幼儿姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "证件号码", "公民身份号码", "ID number"),
    "phone": ("联系电话", "手机号", "手机号码", "电话", "phone"),
}

# Labels of rows that are totals, not data.
TOTAL_ROW_LABELS = ("合计", "总计", "小计", "合 计", "总 计", "total", "sum")
