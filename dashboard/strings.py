"""Every word the dashboard shows, in Chinese and English, in one table.

``STRINGS`` maps a key to ``(zh, en)``; templates are ``str.format``ed with
named parameters.  Keys are grouped by a dotted prefix (``page.``, ``sidebar.``,
``kpi.``, ``chart.`` …) only to keep the table readable: it is one flat dict,
so another page adds its keys by adding lines here, and a missing key fails
loudly (``KeyError``) rather than showing a blank.

Domain values stored in Chinese in the warehouse (schemes, contract types …)
are translated with ``value_label``; table columns with ``column_label``, which
falls back to the column specs in ``etl/specs.py`` so a dataset column's words
live in one place.  Number formats used by cards and tables are here too.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
import pandas as pd

from etl import specs

LANGS = ("zh", "en")

STRINGS: dict[str, tuple[str, str]] = {
    # The app and its pages ------------------------------------------------
    "app.title": ("工会活动数据看板", "Trade union activity dashboard"),
    "page.overview": ("总览", "Overview"),
    "page.mutual_aid": ("职工医疗互助", "Mutual medical aid"),
    "page.summer_camps": ("职工子女暑托班", "Summer day camps"),
    "page.contracts": ("集体合同", "Collective contracts"),
    "page.stations": ("工会驿站", "Rest stations"),
    "page.upload": ("数据上传", "Upload data"),
    "page.admin": ("数据管理", "Data management"),
    "page.present": ("汇报模式", "Presentation"),
    "nav.dashboards": ("数据看板", "Dashboards"),
    "nav.data": ("数据报送", "Data"),
    "bootstrap.building": ("首次启动：正在生成演示数据库", "First start: building the demo warehouse"),
    "bootstrap.ready": ("演示数据库已就绪", "Demo warehouse ready"),
    "page.view_caption": ("{region} · {period} · {comparison}", "{region} · {period} · {comparison}"),

    # Programmes: one name each, used for headings, legends, subplot titles
    "programme.mutual_aid": ("职工医疗互助", "Mutual medical aid"),
    "programme.summer_camps": ("职工子女暑托班", "Summer day camps"),
    "programme.collective_contracts": ("集体合同", "Collective contracts"),
    "programme.stations": ("工会驿站", "Rest stations"),
    "dataset.mutual_aid": ("医疗互助月报", "Mutual aid monthly report"),
    "dataset.station_visits": ("驿站服务人次月报", "Station visits monthly report"),

    # Sidebar -------------------------------------------------------------
    "sidebar.region": ("地区", "Region"),
    "sidebar.province": ("省（区、市）", "Province"),
    "sidebar.city": ("市（州）", "City / prefecture"),
    "sidebar.county": ("县（市、区）", "County / district"),
    "sidebar.town": ("镇（街道）", "Town / subdistrict"),
    "sidebar.all_towns": ("全部镇街", "All towns"),
    "sidebar.period": ("时段", "Period"),
    "sidebar.quick_pick": ("快速选择", "Quick pick"),
    "sidebar.from": ("起始月份", "From"),
    "sidebar.to": ("截止月份", "To"),
    "sidebar.comparison": ("对比", "Compare with"),
    "sidebar.language": ("语言 Language", "语言 Language"),
    "sidebar.latest": ("已导入数据截至 {latest}", "Data loaded up to {latest}"),
    "pick.this_month": ("本月", "This month"),
    "pick.this_quarter": ("本季度", "This quarter"),
    "pick.this_year": ("今年", "This year"),
    "pick.last_year": ("去年", "Last year"),
    "pick.last_12": ("近12个月", "Last 12 months"),
    "pick.custom": ("自定义", "Custom"),
    "cmp.yoy": ("同比", "Year on year"),
    "cmp.mom": ("环比", "Previous period"),
    "cmp.caption": ("{cmp}：{period}", "{cmp}: {period}"),
    "lang.zh": ("中文", "中文"),
    "lang.en": ("English", "English"),
    "period.range": ("{first} 至 {last}", "{first} to {last}"),

    # Notices about a link that could not be read as given ----------------
    "notice.bad_region": ("链接中的地区代码「{value}」无法识别，已改为显示泉州市。",
                          "The region code '{value}' in the link is unknown; showing 泉州市 (Quanzhou) instead."),
    "notice.bad_from": ("链接中的起始月份「{value}」无效（应为 YYYY-MM），已改用默认时段。",
                        "The start month '{value}' in the link is not valid (YYYY-MM); using the default period."),
    "notice.bad_to": ("链接中的截止月份「{value}」无效（应为 YYYY-MM），已改用默认时段。",
                      "The end month '{value}' in the link is not valid (YYYY-MM); using the default period."),
    "notice.bad_range": ("链接中的起始月份 {value} 晚于截止月份，已改用默认时段。",
                         "The start month in the link comes after the end month ({value}); using the default period."),
    "notice.bad_cmp": ("链接中的对比方式「{value}」无法识别，已改为同比。",
                       "The comparison '{value}' in the link is unknown; comparing year on year."),
    "notice.bad_lang": ("链接中的语言「{value}」不受支持，已显示中文。",
                        "The language '{value}' in the link is not supported; showing Chinese."),

    # Warehouse problems ---------------------------------------------------
    "warehouse.missing": ("还没有数据库：请先导入数据（python -m etl demo 或“数据上传”页面）。",
                          "There is no warehouse yet: load data first (python -m etl demo or the Upload page)."),
    "warehouse.busy": ("数据库正忙（正在导入数据），请稍后刷新。",
                       "The warehouse is busy (a load is running); refresh in a moment."),

    # Empty states ---------------------------------------------------------
    "empty.future": ("所选时段（{period}）还没有数据：已导入的数据截至 {latest}。",
                     "There is no data for the chosen period ({period}) yet: data is loaded up to {latest}."),
    "empty.programme": ("{region}在所选时段没有{programme}数据。",
                        "{region} has no {programme} data in the chosen period."),
    "empty.camps": ("{region}在 {years} 年没有举办暑托班的记录。",
                    "{region} has no summer camp classes on record for {years}."),
    "empty.expiring": ("{as_of} 之后 {days} 天内没有到期的集体合同。",
                       "No collective contract expires in the {days} days after {as_of}."),
    "empty.missing_reports": ("{month} 各镇街均已报送。", "Every town has reported for {month}."),
    "empty.signed": ("所选时段没有新签集体合同。", "No collective contract was signed in the chosen period."),
    "empty.in_force": ("期末没有有效的集体合同。", "No collective contract is in force at the period end."),

    # KPI cards --------------------------------------------------------------
    "kpi.members": ("{scheme} 参保人数", "{scheme}: members"),
    "kpi.claims_paid_yuan": ("互助金支付", "Aid paid"),
    "kpi.claims": ("补助人次", "Claims paid"),
    "kpi.average_payout": ("人均补助", "Average payout per claim"),
    "kpi.children": ("参加儿童", "Children enrolled"),
    "kpi.classes": ("开班数", "Classes"),
    "kpi.new_form_share": ("新就业形态子女占比", "Children of new-form workers"),
    "kpi.active_contracts": ("有效合同（企业 + 区域/行业）", "In force (enterprise + area)"),
    "kpi.workers_covered": ("覆盖职工（企业合同）", "Workers covered (enterprise)"),
    "kpi.area_workers": ("区域/行业合同覆盖职工", "Workers under area/industry contracts"),
    "kpi.area_enterprises": ("覆盖 {enterprises} 家企业", "{enterprises} enterprises covered"),
    "kpi.signed": ("期间签订合同", "Contracts signed in period"),
    "kpi.stations": ("驿站数", "Stations"),
    "kpi.visits": ("服务人次", "Visits"),
    "kpi.stock_help": ("存量：取 {month} 月末数，不跨月相加", "A stock: the figure at the end of {month}, never summed over months"),
    "kpi.as_of_help": ("存量：截至 {date}", "A stock: as of {date}"),
    "kpi.flow_help": ("流量：{period} 合计", "A flow: total over {period}"),
    "kpi.years_help": ("按年度：{years} 年（对比 {compared} 年）", "By year: {years} (compared with {compared})"),
    "kpi.exact": ("精确值：{value}", "Exact figure: {value}"),
    "kpi.no_comparison": ("无对比数据", "no comparison data"),

    # Overview -------------------------------------------------------------
    "overview.trends": ("月度走势", "Monthly trends"),
    "overview.ranking": ("镇街排名", "Town ranking"),
    "overview.ranking_metric": ("排名指标", "Rank by"),
    "overview.ranking_hint": ("点击柱子可切换到该镇街。", "Click a bar to narrow the view to that town."),
    # A city, a province or the nation ranks (and tracks reporting by) the
    # units one level below it.
    "overview.unit_ranking.province": ("省份排名", "Province ranking"),
    "overview.unit_ranking.city": ("地市排名", "City ranking"),
    "overview.unit_ranking.county": ("县区排名", "County ranking"),
    "overview.unit_ranking_hint.province": ("点击柱子可切换到该省（区、市）。",
                                            "Click a bar to narrow the view to that province."),
    "overview.unit_ranking_hint.city": ("点击柱子可切换到该市（州）。",
                                        "Click a bar to narrow the view to that city."),
    "overview.unit_ranking_hint.county": ("点击柱子可切换到该县（市、区）。",
                                          "Click a bar to narrow the view to that county."),
    "overview.ranking_unit": ("排名单位", "Rank"),
    "ranking_unit.province": ("省（区、市）", "Provinces"),
    "ranking_unit.city": ("市（州）", "Cities"),
    "ranking_unit.county": ("县（市、区）", "Counties"),
    "ranking_unit.town": ("镇（街道）", "Towns"),
    "overview.reporting": ("报送进度", "Reporting progress"),
    "overview.reporting_by.province": ("报送进度（按省（区、市））", "Reporting progress by province"),
    "overview.reporting_by.city": ("报送进度（按市（州））", "Reporting progress by city"),
    "overview.reporting_by.county": ("报送进度（按县（市、区））", "Reporting progress by county"),
    "overview.reporting_by_hint.province": ("红格中的数字为未报送的镇街数；在左侧选择省（区、市）可查看其下各市。",
                                            "A red cell gives the number of towns that have not reported. "
                                            "Choose a province in the sidebar to see its cities."),
    "overview.reporting_by_hint.city": ("红格中的数字为未报送的镇街数；在左侧选择市（州）可查看其下各县区。",
                                        "A red cell gives the number of towns that have not reported. "
                                        "Choose a city in the sidebar to see its counties."),
    "overview.reporting_by_hint.county": ("红格中的数字为未报送的镇街数；在左侧选择县（市、区）可查看其各镇街。",
                                          "A red cell gives the number of towns that have not reported. "
                                          "Choose a county in the sidebar to see its towns."),
    "overview.towns_reported": ("已报送 {reported}/{expected} 个镇街", "{reported} of {expected} towns reported"),
    "status.county.reported": ("全部已报送", "All reported"),
    "status.county.missing": ("有镇街未报送", "Some missing"),
    "overview.missing_now": ("{month} 未报送", "Not reported for {month}"),
    "overview.missing_line": ("{dataset}：{towns}", "{dataset}: {towns}"),
    "overview.missing_more": ("{towns} 等 {count} 个镇街", "{towns} and {more} more ({count} towns)"),
    "status.reported": ("已报送", "Reported"),
    "status.missing": ("未报送", "Missing"),
    "status.not_expected": ("无需报送", "Not expected"),
    "metric.claims_paid_yuan": ("互助金支付（元）", "Aid paid (yuan)"),
    "metric.children_enrolled": ("暑托班儿童（人）", "Summer camp children"),
    "metric.workers_covered": ("集体合同覆盖职工（人）", "Workers covered by contracts"),
    "metric.visits": ("驿站服务人次", "Station visits"),
    "trend.mutual_aid": ("医疗互助 · 支付金额", "Mutual aid · amount paid"),
    "trend.unit_yuan": ("（元）", " (yuan)"),
    "trend.unit_yuan_wan": ("（万元）", " (10,000 yuan)"),
    "trend.summer_camps": ("暑托班 · 开班儿童（按开班月）", "Summer camps · children (by start month)"),
    "trend.collective_contracts": ("集体合同 · 新签份数", "Contracts · newly signed"),
    "trend.stations": ("工会驿站 · 服务人次", "Rest stations · visits"),

    # Mutual aid page --------------------------------------------------------
    "mutual_aid.enrolment": ("参保人数（按互助项目）", "Members enrolled by scheme"),
    "mutual_aid.claims": ("补助人次与金额", "Claims and amount paid"),
    "mutual_aid.average": ("人均补助金额", "Average payout per claim"),
    "mutual_aid.table": ("明细（可导出）", "Detail (exportable)"),

    # Summer camps page ------------------------------------------------------
    "camps.by_year": ("历年参加儿童与开班数", "Children and classes by year"),
    "camps.record": ("创历史新高", "Record high"),
    "camps.by_town": ("各镇街参加儿童", "Children by town"),
    "camps.by_unit.province": ("各省（区、市）参加儿童", "Children by province"),
    "camps.by_unit.city": ("各市（州）参加儿童", "Children by city"),
    "camps.new_form": ("新就业形态劳动者子女", "Children of new-form workers"),
    "camps.capacity": ("报名人数与计划招收", "Enrolment vs capacity"),
    "camps.classes": ("班级名单", "Classes"),
    "camps.other_children": ("其他职工子女", "Other workers' children"),

    # Contracts page -------------------------------------------------------
    "contracts.signed": ("每月签订合同（按类型）", "Contracts signed per month by type"),
    "contracts.active": ("期末有效合同（按类型）", "Contracts in force at period end by type"),
    "contracts.coverage": ("各镇街覆盖职工", "Workers covered by town"),
    "contracts.coverage_by_unit.province": ("各省（区、市）覆盖职工", "Workers covered by province"),
    "contracts.coverage_by_unit.city": ("各市（州）覆盖职工", "Workers covered by city"),
    "contracts.expiring": ("{as_of} 后 {days} 天内到期（续签待办）",
                           "Expiring within {days} days after {as_of} (renewals to do)"),

    # Chart axes and legends -------------------------------------------------
    "axis.month": ("月份", "Month"),
    "axis.year": ("年度", "Year"),
    "axis.town": ("镇（街道）", "Town"),
    "axis.members": ("参保人数（人）", "Members"),
    "axis.claims": ("补助人次", "Claims"),
    "axis.yuan": ("金额（元）", "Amount (yuan)"),
    "axis.yuan_wan": ("金额（万元）", "Amount (yuan)"),
    "axis.people": ("人数", "People"),
    "axis.people_wan": ("人数（万人）", "People"),
    "axis.contracts": ("合同份数", "Contracts"),
    "axis.visits": ("服务人次", "Visits"),
    "axis.classes": ("开班数", "Classes"),
    "axis.share": ("占比", "Share"),
    "legend.claims": ("补助人次", "Claims"),
    "legend.claims_paid_yuan": ("支付金额", "Amount paid"),
    "legend.average_payout": ("人均补助", "Average payout"),
    "legend.children": ("参加儿童", "Children"),
    "legend.classes": ("开班数", "Classes"),
    "legend.capacity": ("计划招收", "Capacity"),
    "legend.enterprise_workers": ("企业合同覆盖职工", "Workers (enterprise contracts)"),
    "chart.no_data": ("本时段无数据", "No data in this period"),

    # Tables and exports -------------------------------------------------------
    "col.month": ("月份", "Month"),
    "col.year": ("年度", "Year"),
    "col.county": ("县（市、区）", "County"),
    "col.town": ("镇（街道）", "Town"),
    "col.average_payout_yuan": ("人均补助（元）", "Average payout (yuan)"),
    "col.classes": ("开班数", "Classes"),
    "col.fill_rate": ("满员率", "Fill rate"),
    "col.days_left": ("剩余天数", "Days left"),
    "col.contracts": ("合同份数", "Contracts"),
    "export.csv": ("下载 CSV", "Download CSV"),
    "export.xlsx": ("下载 Excel", "Download Excel"),
    # A detail table cut to settings.table_row_limit() rows (widgets.table);
    # the same words go on the Excel export's first sheet.
    "table.cut": ("仅列出前 {rows} 行（{order}）；请缩小地区或时间段查看全部。",
                  "Showing the first {rows} rows ({order}); narrow the region or the period to see the rest."),
    "table.cut_unordered": ("仅列出前 {rows} 行；请缩小地区或时间段查看全部。",
                            "Showing the first {rows} rows; narrow the region or the period to see the rest."),
    "table.order.recent_month": ("最近月份在前", "most recent month first"),
    "table.order.recent_year": ("最近年度在前", "most recent year first"),
    "table.order.soonest_expiry": ("最早到期在前", "soonest to expire first"),
    "export.note": ("说明", "Note"),
    "export.rows_cut": ("仅前 {rows} 行", "first {rows} rows only"),

    # Stations page (工会驿站) ---------------------------------------------------
    "stations.map": ("驿站分布", "Where the stations are"),
    "stations.map_help": ("圆点大小表示服务人次，颜色表示日均服务人次（每站每天）。点击驿站查看该站及所在镇街。",
                          "Circle size shows visits; colour shows visits per station-day. Click a station to narrow the view to it and its town."),
    "stations.map_help_areas.province": ("全国视图按省（区、市）汇总显示：圆点大小表示服务人次，颜色表示日均服务人次（每站每天）。点击圆点查看该省。",
                                         "The nation is drawn one bubble per province: size shows visits, colour "
                                         "visits per station-day. Click a bubble to open that province."),
    "stations.map_help_areas.city": ("全省视图按市（州）汇总显示：圆点大小表示服务人次，颜色表示日均服务人次（每站每天）。点击圆点查看该市。",
                                     "A province is drawn one bubble per city: size shows visits, colour "
                                     "visits per station-day. Click a bubble to open that city."),
    "stations.map_help_towns": ("本视图驿站超过 {limit} 个，按镇街汇总显示：圆点大小表示服务人次，颜色表示日均服务人次（每站每天）。点击镇街查看其驿站。",
                                "This view has more than {limit} stations, so they are drawn as one bubble per town: size shows visits, colour visits per station-day. Click a town to see its stations."),
    "stations.map_alt": ("{region}工会驿站分布图", "Map of rest stations in {region}"),
    "stations.heatmap": ("热力图", "Heat map"),
    "stations.legend_title": ("日均服务人次（每站每天）", "Visits per station-day"),
    "stations.legend.range": ("{low}–{high}", "{low}–{high}"),
    "stations.legend.above": ("≥ {low}", "≥ {low}"),
    "stations.legend.low": ("{range}（使用偏少）", "{range} (little used)"),
    "stations.legend.other": ("有服务人次", "visited"),
    "stations.tip.visits": ("服务人次", "Visits"),
    "stations.tip.per_day": ("日均服务人次", "Visits per day"),
    "stations.tip.top_group": ("主要服务对象", "Main visitor group"),
    "stations.tip.stations": ("驿站数", "Stations"),
    "stations.tip.low_use": ("使用偏少的驿站", "Little-used stations"),
    "stations.selected": ("已选驿站：{name}（{town}）", "Selected station: {name} ({town})"),
    "stations.clear_station": ("显示全部驿站", "Show all stations"),
    "stations.unknown_station": ("链接中的驿站「{value}」不在当前地区，已显示全部驿站。",
                                 "The station '{value}' in the link is not in this region; showing all stations."),
    "stations.truncated": ("本视图驿站较多，地图只显示服务人次最多的 {limit} 个（共 {total} 个）。",
                           "This view has many stations; the map shows the {limit} most visited of {total}."),
    "stations.by_group": ("服务人次（按服务对象）", "Visits by visitor group"),
    "stations.by_service": ("服务人次（按服务项目）", "Visits by service"),
    "stations.table": ("驿站一览", "Stations"),
    "stations.low_use": ("使用偏少的驿站", "Little-used stations"),
    "stations.low_use_rule": ("日均服务人次低于本视图各驿站中位数（{median}）的 {share}，即低于 {threshold} 人次的驿站。",
                              "Stations with fewer visits per station-day than {share} of the median station in this view ({median}), i.e. below {threshold}."),
    "stations.low_use_reason": ("日均 {rate} 人次，低于 {threshold}（中位数 {median} 的 {share}）",
                                "{rate} visits a day, below {threshold} ({share} of the median {median})"),
    "stations.low_use_none": ("没有使用偏少的驿站。", "No station is little used."),
    "stations.no_visits_reason": ("本时段没有服务人次记录（开放 {days} 天）",
                                  "no visits recorded in the period (open {days} days)"),
    "stations.kpi_help": ("{period} 服务人次 ÷ 各驿站在该时段的开放天数之和",
                          "Visits in {period} ÷ the days each station was open in it, added up"),
    "stations.empty": ("{region}在所选时段（{period}）没有可统计的工会驿站：没有驿站开放，或服务人次尚未报送（已报送至 {visits_until}）。",
                       "{region} has no rest station to count in the chosen period ({period}): none was open, or visits have not been reported yet (reported up to {visits_until})."),
    "stations.basemap_unreachable": ("底图服务器 {host} 无法访问，地图不显示底图。",
                                     "The basemap server {host} cannot be reached; the map is drawn without it."),
    "kpi.station_days": ("日均服务人次（每站每天）", "Visits per station-day"),
    "kpi.low_use": ("使用偏少的驿站", "Little-used stations"),
    "col.station_name": ("驿站名称", "Station"),
    "col.open_days": ("开放天数", "Days open"),
    "col.visits_per_day": ("日均服务人次", "Visits per day"),
    "col.top_group": ("主要服务对象", "Main visitor group"),
    "col.low_use": ("使用偏少", "Little used"),
    "col.low_use_reason": ("原因", "Why"),
    "col.service": ("服务项目", "Service"),
    "col.visitor_group": ("服务对象", "Visitor group"),

    # 数据上传 (pages/upload.py, dashboard/upload_report.py) --------------------------
    "upload.intro": ("上传各镇街报送的 Excel / CSV 表格：先检查、预览，确认后才写入数据库。",
                     "Upload the towns' Excel / CSV sheets: they are checked and previewed, and written only when you confirm."),
    "upload.dataset": ("数据集", "Dataset"),
    "upload.dataset_auto": ("自动识别（按表头）", "Detect from the headers"),
    "upload.unit": ("所属镇（街道）（仅当表内没有镇街列时选择）", "Town (only for sheets without a town column)"),
    "upload.unit_none": ("（表内已有镇街列）", "(the sheet has a town column)"),
    "upload.template": ("下载「{title}」导入模板", "Download the '{title}' template"),
    "upload.template_hint": ("选择数据集后可下载对应的导入模板（含下拉选项和填表说明）。",
                             "Choose a dataset to download its template (with drop-downs and a 填表说明 guide)."),
    "upload.files": ("选择或拖入文件（可多选）", "Choose or drop files (several at once)"),
    "upload.files_help": ("支持 .xlsx、.xls、.csv；单个文件不超过 {mb} MB、{rows} 行。",
                          "Accepts .xlsx, .xls, .csv; at most {mb} MB and {rows} rows per file."),
    "upload.limit_size": ("「{file}」有 {size}，超过上限 {limit}：请拆分后分批上传。",
                          "'{file}' is {size}, over the {limit} limit: split it and upload the parts."),
    "upload.limit_rows": ("「{file}」有 {rows} 行，超过上限 {limit} 行：请拆分后分批上传。",
                          "'{file}' has {rows} rows, over the {limit}-row limit: split it and upload the parts."),
    "upload.limit_stop": ("以上文件未读取，也未写入任何数据。", "Those files were not read, and nothing was written."),
    "upload.checking": ("正在读取并检查 {count} 个文件……", "Reading and checking {count} file(s)..."),
    "upload.checked": ("检查完成", "Checked"),
    "upload.busy": ("数据库正忙（正在导入数据），请稍后重试。", "The warehouse is busy (a load is running); please retry."),
    "upload.duplicate": ("「{file}」已导入过（批次 {batch_id}），不会重复导入。",
                         "'{file}' was already loaded (batch {batch_id}); it will not be loaded again."),
    "upload.all_duplicates": ("所选文件均已导入过，无需再次导入。", "Every file chosen is already loaded; there is nothing to do."),
    "upload.report": ("检查结果", "Check results"),
    "upload.check_ok": ("检查通过：可导入 {rows} 行。", "Check passed: {rows} rows can be loaded."),
    "upload.report_download": ("下载检查报告（Excel）", "Download the check report (Excel)"),
    "upload.report_truncated": ("共 {total} 条，此处列出前 {limit} 条；完整清单请下载检查报告。",
                                "{total} problems; the first {limit} are listed here. Download the report for all of them."),
    "upload.notes": ("说明", "Notes"),
    "upload.preview": ("导入预览", "Preview"),
    "upload.preview_hint": ("新增：数据库中还没有的行；替换：同一镇街同一期间已有、数值有变化的行；删除：该镇街该期间原有、本次文件中没有的行。",
                            "Added: rows not yet in the warehouse; replaced: rows of the same town and period whose values change; removed: rows of that town and period the file no longer has."),
    "upload.changes": ("替换的数值（原值 → 新值）", "Values replaced (old → new)"),
    "upload.changes_truncated": ("共 {total} 处变化，此处列出前 {limit} 处。", "{total} changed values; the first {limit} are listed."),
    "upload.no_changes": ("没有被替换的数值。", "No value is replaced."),
    "upload.map_preview": ("驿站位置预览", "Where the stations are"),
    "upload.register": ("名册", "register"),
    "upload.accept_warnings": ("我已核对以上 {count} 个警告，确认导入", "I have checked the {count} warning(s) above; load anyway"),
    "upload.commit": ("确认导入（{rows} 行）", "Load ({rows} rows)"),
    "upload.blocked_errors": ("有错误，不能导入：请改正文件后重新上传。", "There are errors, so nothing can be loaded: correct the file and upload it again."),
    "upload.blocked_warnings": ("请先核对警告并勾选确认。", "Check the warnings and tick the box first."),
    "upload.blocked_nothing": ("没有可导入的数据行。", "There are no rows to load."),
    "upload.not_written": ("以上为预览：确认导入之前，数据库不会有任何改变。", "This is a preview: nothing is written until you confirm."),
    "upload.writing": ("正在写入数据库……", "Writing to the warehouse..."),
    "upload.loaded": ("导入成功：批次 {batch_ids}，共 {rows} 行。", "Loaded: batch {batch_ids}, {rows} rows."),
    "upload.rejected": ("未导入：{reason}", "Not loaded: {reason}"),
    "upload.view_link": ("在「{page}」中查看导入的数据", "See the loaded data on '{page}'"),
    "upload.another": ("继续上传其他文件", "Upload more files"),
    "upload.col.dataset": ("数据集", "Dataset"),
    "upload.col.period": ("期间", "Period"),
    "upload.col.rows": ("文件行数", "Rows in file"),
    "upload.col.added": ("新增", "Added"),
    "upload.col.changed": ("替换", "Replaced"),
    "upload.col.unchanged": ("不变", "Unchanged"),
    "upload.col.removed": ("删除", "Removed"),
    "upload.change.town": ("镇（街道）", "Town"),
    "upload.change.period": ("期间", "Period"),
    "upload.change.item": ("项目", "Item"),
    "upload.change.column": ("字段", "Field"),
    "upload.change.old": ("原值", "Old"),
    "upload.change.new": ("新值", "New"),
    "upload.change.change": ("变化", "Change"),
    "check.sheet": ("检查报告", "Check report"),
    "check.title": ("数据上传检查报告", "Upload check report"),
    "check.files": ("文件：{files}", "Files: {files}"),
    "check.checked_at": ("检查时间：{when}", "Checked at: {when}"),
    "check.file_name": ("检查报告", "check_report"),
    "check.severity.error": ("错误", "Error"),
    "check.severity.warning": ("警告", "Warning"),
    "check.col.severity": ("类别", "Severity"),
    "check.col.file": ("文件", "File"),
    "check.col.sheet": ("工作表", "Sheet"),
    "check.col.row": ("行号", "Row"),
    "check.col.column": ("列（表头）", "Column (header)"),
    "check.col.cell": ("单元格", "Cell"),
    "check.col.message": ("问题", "Problem"),

    # 数据管理 (pages/admin.py, dashboard/queries/admin.py) -------------------------------
    "admin.tab.batches": ("导入批次", "Load batches"),
    "admin.tab.reporting": ("报送进度", "Reporting progress"),
    "admin.tab.dictionary": ("数据字典", "Data dictionary"),
    "admin.tab.stations": ("驿站名册", "Station register"),
    "admin.no_batches": ("还没有导入过数据。", "Nothing has been loaded yet."),
    "admin.batch_pick": ("选择批次", "Batch"),
    "admin.batch_option": ("批次 {batch_id} · {dataset} · {file} · {status}", "Batch {batch_id} · {dataset} · {file} · {status}"),
    "admin.download_original": ("下载原始文件", "Download the original file"),
    "admin.original_missing": ("原始文件不在归档中。", "The original file is not in the archive."),
    "admin.rollback": ("撤销此批次", "Roll this batch back"),
    "admin.rollback_done_already": ("此批次已于 {when} 撤销。", "This batch was rolled back at {when}."),
    "admin.rollback_title": ("撤销导入批次", "Roll back a load batch"),
    "admin.rollback_what": ("撤销批次 {batch_id}（{dataset}，「{file}」）：将移除它的 {removed} 行当前数据，恢复 {restored} 行被它替换的数据。",
                            "Rolling back batch {batch_id} ({dataset}, '{file}') removes its {removed} current rows and restores {restored} rows it had replaced."),
    "admin.rollback_reactivates": ("批次 {batches} 将重新生效。", "Batch {batches} become(s) active again."),
    "admin.rollback_none_reactivated": ("没有批次会重新生效。", "No other batch becomes active again."),
    "admin.rollback_kept": ("撤销后该批次仍保留在列表中（状态“已撤销”），原始文件也保留。",
                            "The batch stays listed (as rolled back) and its original file is kept."),
    "admin.rollback_confirm": ("确认撤销", "Roll back"),
    "admin.rollback_cancel": ("取消", "Cancel"),
    "admin.rolled_back": ("已撤销批次 {batch_id}：移除 {removed} 行，恢复 {restored} 行。",
                          "Batch {batch_id} rolled back: {removed} rows removed, {restored} rows restored."),
    "admin.col.batch_id": ("批次", "Batch"),
    "admin.col.dataset": ("数据集", "Dataset"),
    "admin.col.file_name": ("文件", "File"),
    "admin.col.row_count": ("行数", "Rows"),
    "admin.col.units": ("镇街", "Towns"),
    "admin.col.periods": ("期间", "Periods"),
    "admin.col.loaded_at": ("导入时间", "Loaded at"),
    "admin.col.loaded_by": ("导入人", "Loaded by"),
    "admin.col.status": ("状态", "Status"),
    "admin.col.rolled_back_at": ("撤销时间", "Rolled back at"),
    "admin.col.note": ("备注", "Note"),
    "batch.status.active": ("有效", "Active"),
    "batch.status.superseded": ("已被替换", "Superseded"),
    "batch.status.rolled_back": ("已撤销", "Rolled back"),
    "admin.year": ("年度", "Year"),
    "admin.report_dataset": ("报表", "Report"),
    "admin.late_rule": ("逾期：次月 {day} 日之后才首次导入。统计到 {last}（已结束的月份）。",
                        "Late: first loaded after the {day}th of the following month. Months up to {last} (months that have ended)."),
    "admin.no_months": ("{year} 年还没有已结束的月份。", "No month of {year} has ended yet."),
    "admin.to_call": ("需要催报的镇街", "Towns to call"),
    "admin.none_to_call": ("所有镇街均按时报送。", "Every town reported on time."),
    "admin.status_export": ("下载报送进度（Excel）", "Download reporting progress (Excel)"),
    "admin.status_sheet": ("报送进度", "Reporting progress"),
    "admin.counts_sheet": ("催报名单", "Towns to call"),
    "status.late": ("逾期报送", "Late"),
    "status.pending": ("未到期", "Not yet due"),
    "admin.col.reported": ("已报送", "Reported"),
    "admin.col.late": ("逾期报送", "Late"),
    "admin.col.missing": ("未报送", "Missing"),
    "admin.col.pending": ("未到期", "Not yet due"),
    "admin.col.not_expected": ("无需报送", "Not expected"),
    "admin.col.first_loaded_at": ("首次导入时间", "First loaded at"),
    "admin.dictionary_download": ("下载数据字典（CSV）", "Download the data dictionary (CSV)"),
    "admin.register_hint": ("驿站名册通过“数据上传”导入；坐标超出泉州范围或经纬度颠倒的行在检查时即报错，不会写入。",
                            "The register is loaded on the Upload page; rows with coordinates outside Quanzhou or with latitude and longitude swapped are errors there and never loaded."),
    "admin.register_count": ("共 {count} 个驿站。", "{count} stations."),
    "admin.col.coord_check": ("坐标检查", "Coordinates"),
    "coord.ok": ("泉州范围内", "In Quanzhou"),
    "coord.outside": ("不在泉州范围内", "Outside Quanzhou"),
    "coord.swapped": ("经纬度可能颠倒", "Latitude and longitude look swapped"),

    # The source stamp at the end of every page --------------------------------
    "stamp": ("数据截至 {as_of} · 来源：{batches} 个上传批次 · 最近导入 {loaded_at}",
              "Data as of {as_of} · Source: {batches} upload batches · Last import {loaded_at}"),
    "stamp.none": ("当前视图没有已导入的数据。", "No loaded data behind this view."),

    # The 汇报 report: deck and presentation mode (dashboard/report.py) ---------
    "report.title": ("{region}工会工作数据汇报", "{region}: trade union work in figures"),
    "report.file_stem": ("工会工作汇报", "Union work report"),
    "report.footer": ("{region} · {period}", "{region} · {period}"),
    "report.compare_line": ("对比方式：{cmp}", "Comparison: {cmp}"),
    "report.made_on": ("汇报日期：{date}", "Prepared on {date}"),
    "report.kpi_title": ("主要指标", "Key figures"),
    "report.kpi_change": ("{cmp} {relative}（对比期 {previous}）", "{cmp} {relative} (vs {previous})"),
    "report.kpi_change_flat": ("{cmp}：对比期为 {previous}", "{cmp}: {previous} in the comparison period"),
    "report.change_cmp.yoy": ("同比", "year on year"),
    "report.change_cmp.mom": ("环比", "on the previous period"),
    "report.stock_note": ("{month} 月末数", "at the end of {month}"),
    "report.flow_note": ("{period}合计", "total, {period}"),
    "report.years_note": ("{years} 年度", "year {years}"),
    "report.unit_people": ("人", ""),
    "report.unit_claims": ("人次", ""),
    "report.unit_visits": ("人次", ""),
    "report.unit_classes": ("个", ""),
    "report.unit_stations": ("个", ""),
    "report.map_title": ("工会驿站分布", "Where the rest stations are"),
    "report.map_caption": ("圆点大小：服务人次；颜色：日均服务人次（每站每天）",
                           "Circle size: visits; colour: visits per station-day"),
    "report.map_sentence": ("{period}，共有{stations}个工会驿站开放，分布在{towns}个镇（街道）。",
                            "In {period}, {stations} rest stations were open in {towns} towns."),
    "report.map_sentence_one_town": ("{period}，共有{stations}个工会驿站开放。",
                                     "In {period}, {stations} rest stations were open."),
    "report.map_low_use": ("其中使用偏少的驿站{low}个（日均服务人次低于中位数的{share}），需关注。",
                           "{low} of them are little used (fewer visits a day than {share} of the median station)."),
    "report.closing_title": ("数据说明", "About the data"),
    "report.rules": ("参保人数、有效合同、驿站数为存量，取期末数；补助金额、服务人次等为流量，按时段合计；暑托班按年度统计。",
                     "Members enrolled, contracts in force and stations are stocks, read at the period's end; "
                     "amounts paid and visits are flows, summed over the period; summer camps count by year."),
    "report.generated_at": ("生成时间：{at}", "Generated {at}"),
    "report.no_data_title": ("暂无数据", "No data yet"),
    "present.enter": ("汇报模式", "Presentation mode"),
    "present.exit": ("退出汇报模式", "Leave presentation mode"),
    "present.prev": ("上一页", "Previous"),
    "present.next": ("下一页", "Next"),
    "present.page": ("{page} / {pages}", "{page} / {pages}"),
    "deck.button": ("生成汇报PPT", "Generate deck"),
    "deck.building": ("正在生成汇报PPT…", "Building the deck…"),
    "deck.drawing": ("正在绘制：{title}", "Drawing: {title}"),
    "deck.download": ("下载汇报PPT", "Download deck"),
    "deck.not_written": ("未生成汇报PPT：请改正上面的参数。", "No deck written: correct the option above."),
    "deck.ready": ("汇报PPT已生成（{slides} 页，用时 {seconds} 秒）。", "The deck is ready ({slides} slides, {seconds} s)."),
    "export.png": ("下载图片（PNG）", "Download image (PNG)"),
    "export.sheet": ("筛选条件", "Filters"),
    "export.item": ("项目", "Item"),
    "export.value": ("内容", "Value"),
    "export.as_of": ("数据截至", "Data as of"),
    "export.exported_at": ("导出时间", "Exported at"),
    "export.tables": ("包含表格", "Tables"),

    # Signing in, roles and scope (dashboard/ui/auth.py) --------------------
    "auth.login_title": ("登录", "Sign in"),
    "auth.login_needed": ("此页面需要登录：数据上传、数据管理和账户管理只对有账户的工作人员开放。",
                          "This page needs a sign-in: uploads, data management and accounts are "
                          "for staff with an account."),
    "auth.login_required_everywhere": ("本系统需要登录后才能查看数据。",
                                       "This dashboard shows data only after you sign in."),
    "auth.username": ("用户名", "User name"),
    "auth.password": ("密码", "Password"),
    "auth.submit": ("登录", "Sign in"),
    "auth.failed": ("用户名或密码不正确。", "The user name or password is wrong."),
    "auth.disabled": ("该账户已停用，请联系管理员。", "This account is disabled; ask an administrator."),
    "auth.throttled": ("登录失败次数过多，请 {seconds} 秒后再试。",
                       "Too many failed sign-ins; try again in {seconds} s."),
    "auth.expired": ("登录已过期，请重新登录。", "Your sign-in has expired; please sign in again."),
    "auth.sso": ("使用统一身份认证登录", "Sign in with single sign-on"),
    "auth.sso_unavailable": ("统一身份认证已配置，但服务器缺少 Authlib（pip install streamlit[auth]）。",
                             "Single sign-on is configured but the server lacks Authlib "
                             "(pip install streamlit[auth])."),
    "auth.sso_unknown": ("{email} 没有对应的账户（或账户已停用），无权查看数据。请联系管理员开通。",
                         "{email} has no account (or it is disabled), so no data is shown. Ask an "
                         "administrator for one."),
    "auth.signed_in": ("已登录：{name}（{role} · {scope}）", "Signed in: {name} ({role} · {scope})"),
    "auth.logout": ("退出登录", "Sign out"),
    "auth.role_needed": ("您的角色（{role}）不能使用此页面：需要{needed}。",
                         "Your role ({role}) cannot use this page: it needs {needed}."),
    "auth.no_data": ("没有可显示的数据：请先登录。", "No data to show: sign in first."),
    "auth.outside_scope": ("所请求的数据不在您的权限范围（{scope}）内。",
                           "The data asked for is outside your scope ({scope})."),
    "auth.setup_title": ("创建第一个管理员", "Create the first administrator"),
    "auth.setup_hint": ("系统还没有管理员。请输入服务器启动时在控制台打印的一次性初始化口令，"
                        "或在服务器上运行 python -m etl users add。",
                        "There is no administrator yet. Enter the one-time setup token the server "
                        "printed to its console at start, or run python -m etl users add on the server."),
    "auth.setup_token": ("初始化口令", "Setup token"),
    "auth.display_name": ("显示名", "Display name"),
    "auth.password_again": ("再次输入密码", "Password again"),
    "auth.setup_submit": ("创建管理员", "Create administrator"),
    "auth.setup_done": ("管理员 {username} 已创建，请登录。", "Administrator {username} created; please sign in."),
    "role.viewer": ("查看员", "viewer"),
    "role.uploader": ("上传员", "uploader"),
    "role.admin": ("管理员", "administrator"),
    "notice.outside_scope": ("链接中的地区「{value}」不在您的权限范围内，已改为显示{scope}。",
                             "The region '{value}' in the link is outside your scope; showing {scope} instead."),
    "notice.bad_region_scoped": ("链接中的地区代码「{value}」无法识别，已改为显示{scope}。",
                                 "The region code '{value}' in the link is unknown; showing {scope} instead."),
    "upload.forbidden_rollback": ("您的角色（{role}）不能撤销批次：需要上传员或管理员。",
                                  "Your role ({role}) cannot roll batches back: it needs an uploader "
                                  "or administrator."),

    # Accounts and the audit log (pages/accounts.py) -----------------------
    "page.accounts": ("账户管理", "Accounts"),
    "accounts.tab.accounts": ("账户", "Accounts"),
    "accounts.tab.add": ("新建账户", "New account"),
    "accounts.tab.audit": ("审计日志", "Audit log"),
    "accounts.scope_note": ("您可以管理 {scope} 范围内、角色不高于您的账户。",
                            "You manage the accounts within {scope} whose role is not above yours."),
    "accounts.none": ("您的范围内还没有其他账户。", "There are no other accounts within your scope yet."),
    "accounts.pick": ("选择账户", "Account"),
    "accounts.role": ("角色", "Role"),
    "accounts.scope": ("权限范围", "Scope"),
    "accounts.email": ("统一身份认证邮箱（可不填）", "Single sign-on e-mail (optional)"),
    "accounts.save": ("保存角色和范围", "Save role and scope"),
    "accounts.new_password": ("新密码", "New password"),
    "accounts.set_password": ("重设密码", "Reset password"),
    "accounts.disable": ("停用账户", "Disable account"),
    "accounts.enable": ("启用账户", "Enable account"),
    "accounts.create": ("创建账户", "Create account"),
    "accounts.done": ("已保存：{what}", "Saved: {what}"),
    "accounts.audit_filter": ("操作类型", "Action"),
    "accounts.audit_all": ("全部", "All"),
    "accounts.audit_days": ("最近天数", "Last days"),
    "accounts.audit_count": ("共 {count} 条记录（本范围内，最新在前）。", "{count} entries (within your scope, newest first)."),
    "accounts.audit_export": ("导出审计日志（CSV）", "Export the audit log (CSV)"),
    "col.username": ("用户名", "User"),
    "col.display_name": ("显示名", "Name"),
    "col.role": ("角色", "Role"),
    "col.scope_code": ("范围代码", "Scope code"),
    "col.scope_name": ("权限范围", "Scope"),
    "col.email": ("邮箱", "E-mail"),
    "col.disabled": ("已停用", "Disabled"),
    "col.created_at": ("创建时间", "Created"),
    "col.created_by": ("创建人", "Created by"),
    "col.event_id": ("编号", "No."),
    "col.logged_at": ("时间", "Time"),
    "col.actor": ("操作人", "Who"),
    "col.action": ("操作", "Action"),
    "col.outcome": ("结果", "Outcome"),
    "col.target": ("对象", "What"),
    "col.detail": ("详情", "Detail"),
    "col.source": ("来源", "Source"),
    "col.client": ("登录地址", "Client address"),
}

# Values the warehouse stores in Chinese, and their English.  Keyed by the
# spec's column name so the same value in two columns can differ if needed.
VALUE_LABELS_EN: dict[str, dict[str, str]] = {
    "scheme": {
        "职工住院医疗互助": "Hospitalisation aid",
        "女职工特殊疾病互助": "Women workers' critical illness aid",
        "职工意外伤害互助": "Accident aid",
    },
    "contract_type": {
        "工资集体合同": "Wage collective contract",
        "综合性集体合同": "Comprehensive collective contract",
        "区域性工资集体合同": "Regional wage contract",
        "行业性工资集体合同": "Industry wage contract",
        "女职工权益保护专项合同": "Women workers' rights contract",
    },
    "class_type": {"普通班": "Regular class", "新就业形态专班": "New-form workers' class"},
    "visitor_group": {
        "环卫工人": "Sanitation workers", "快递员": "Couriers", "外卖送餐员": "Food delivery riders",
        "网约车司机": "Ride-hailing drivers", "其他户外劳动者": "Other outdoor workers",
    },
    "host_type": {
        "党建+邻里中心": "Party-building & neighbourhood centre", "网格党群服务站": "Grid service point",
        "企业": "Enterprise", "商圈楼宇": "Business district building", "环卫站点": "Sanitation depot",
        "银行网点": "Bank branch", "加油站": "Petrol station", "其他": "Other",
    },
}


# Short scheme names for places with little room (KPI card labels).
SCHEME_SHORT: dict[str, tuple[str, str]] = {
    "职工住院医疗互助": ("住院互助", "Hospital aid"),
    "女职工特殊疾病互助": ("女职工特疾互助", "Women's illness aid"),
    "职工意外伤害互助": ("意外伤害互助", "Accident aid"),
}


# Markdown ------------------------------------------------------------------------
_MD_ACTIVE = re.compile(r"([\\\[\]<>$])")


def md_safe(text: object) -> str:
    """Text from a spreadsheet, a file name or a URL made inert for Streamlit
    markdown (st.markdown, st.caption, st.info…, st.table cells): no link,
    image, HTML tag, math or colour directive can be formed, and bare URLs
    are not turned into links.  Everything else reads as typed."""
    escaped = _MD_ACTIVE.sub(r"\\\1", str(text))
    escaped = escaped.replace("://", r":\/\/")
    return re.sub(r"(?i)\bwww\.", r"www\\.", escaped)


def t(key: str, lang: str, **params) -> str:
    """The words for ``key`` in ``lang`` ('zh' or 'en'), with ``params`` filled in."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**params) if params else text


def value_label(column: str, value, lang: str) -> str:
    """A stored domain value (e.g. a scheme) as the reader of ``lang`` should see it."""
    if _missing(value):
        return ""
    if lang != "en":
        return str(value)
    return VALUE_LABELS_EN.get(column, {}).get(str(value), str(value))


def value_labels(column: str, values: pd.Series, lang: str) -> list[str]:
    """``value_label`` of every value, worked out once per distinct value: a
    nation's 150,000 stations have five visitor groups."""
    # Iterating an Arrow-backed string column costs ~2 µs a value; factorize
    # does it in C and leaves a few labels to look up.
    codes, distinct = pd.factorize(pd.Series(values), use_na_sentinel=False)
    labels = np.array([value_label(column, value, lang) for value in distinct], dtype=object)
    return list(labels[codes]) if len(codes) else []


def scheme_short(scheme: str, lang: str) -> str:
    """'职工住院医疗互助' -> '住院互助' / 'Hospital aid' (the full name if unknown)."""
    pair = SCHEME_SHORT.get(scheme)
    if pair is None:
        return value_label("scheme", scheme, lang)
    return pair[1] if lang == "en" else pair[0]


def column_label(name: str, lang: str) -> str:
    """A table column's header: this table's ``col.<name>`` or the dataset spec's words."""
    key = f"col.{name}"
    if key in STRINGS:
        return t(key, lang)
    for dataset in specs.DATASETS.values():
        for column in dataset.columns:
            if column.name == name:
                return column.header_zh if lang != "en" else column.label_en
    return name


def unit_name(row, lang: str) -> str:
    """An org unit's name from a row/mapping with name_zh and name_en."""
    return row["name_en"] if lang == "en" else row["name_zh"]


# Number formats ---------------------------------------------------------------
# Cards and tables show exact values with thousands separators; only chart
# axes round to 万 (see charts.py).

def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def fmt_count(value) -> str:
    """10995 -> '10,995'; missing -> '—'."""
    if _missing(value):
        return "—"
    return f"{int(round(float(value))):,}"


def fmt_yuan(value) -> str:
    """385435 -> '¥385,435'; cents are shown only when there are any."""
    if _missing(value):
        return "—"
    amount = float(value)
    if abs(amount - round(amount)) < 0.005:
        return f"¥{int(round(amount)):,}"
    return f"¥{amount:,.2f}"


# From a million yuan on, a KPI card drops the fen: they would not fit the
# card ("¥35,469,530.…") and no one reads them at that size.
CARD_WHOLE_YUAN_FROM = 1_000_000
# How wide a number a KPI card shows whole at 1,400 px, in character widths
# (a CJK character is two): "294,967,824" and "¥35,514,251" fit, a nation's
# "¥17,676,102,345" is cut to "¥17,676,102,…".  Wider numbers are shortened
# to 万/亿 (zh) or K/M/B (en); the card's help gives the exact figure.
CARD_WIDTH = 12
_SHORT_UNITS = {"zh": ((1e8, "亿"), (1e4, "万")), "en": ((1e9, "B"), (1e6, "M"), (1e3, "K"))}


def text_width(text: str) -> int:
    """Character widths of ``text`` (a CJK character or full-width sign is two)."""
    return sum(2 if ord(char) >= 0x2E80 else 1 for char in text)


def fmt_short(value, lang: str) -> str:
    """About three significant digits in the language's large units:
    2037295 -> '204万' / '2.04M'; 17676102345.6 -> '177亿' / '17.7B'."""
    if _missing(value):
        return "—"
    number = float(value)
    for size, unit in _SHORT_UNITS["en" if lang == "en" else "zh"]:
        if abs(number) >= size:
            scaled = number / size
            digits = max(0, 3 - len(str(int(abs(round(scaled, 2))))))
            return f"{scaled:,.{digits}f}".rstrip("0").rstrip(".") + unit if digits else f"{scaled:,.0f}{unit}"
    return fmt_count(number)


def fmt_short_all(values, lang: str) -> list[str]:
    """``values`` in one large unit of the language, with as many decimals on
    each (bar labels side by side): one while the largest is under ten of the
    unit, else none.  35985 -> '3.6万' / '36K', beside 29658 -> '3.0万' / '30K'.
    Below the smallest unit, fmt_count."""
    numbers = [float(v) for v in values]
    top = max((abs(v) for v in numbers), default=0.0)
    for size, unit in _SHORT_UNITS["en" if lang == "en" else "zh"]:
        if top >= size:
            decimals = 1 if top / size < 10 else 0
            return [f"{v / size:,.{decimals}f}{unit}" for v in numbers]
    return [fmt_count(v) for v in numbers]


def fit_card(full: str, short: str) -> str:
    """``full`` when a card shows it whole, else ``short``."""
    return full if text_width(full) <= CARD_WIDTH else short


def fmt_count_card(value, lang: str = "zh") -> str:
    """fmt_count for a KPI card: 595358 -> '595,358'; 29496782412 -> '295亿'."""
    return fit_card(fmt_count(value), fmt_short(value, lang))


def fmt_yuan_card(value, lang: str = "zh") -> str:
    """fmt_yuan for a KPI card: 35469530.12 -> '¥35,469,530'; 847316.89 ->
    '¥847,316.89'; a nation's 17676102345.6 -> '¥177亿' / '¥17.7B'."""
    if not _missing(value) and abs(float(value)) >= CARD_WHOLE_YUAN_FROM:
        return fit_card(fmt_yuan(round(float(value))), "¥" + fmt_short(value, lang))
    return fmt_yuan(value)


def fmt_yuan_card_delta(amount, card_value, lang: str = "zh") -> str:
    """The amount of a yuan card's change (fmt_signed adds its sign), to the
    fen only while the card's own figure shows fen: '¥6,461,251' over
    '+¥127,888', not '+¥127,887.70'."""
    whole = not _missing(card_value) and abs(float(card_value)) >= CARD_WHOLE_YUAN_FROM
    return fmt_yuan_card(round(float(amount)) if whole else amount, lang)


def fmt_pct(share, digits: int = 1) -> str:
    """0.2176 -> '21.8%'."""
    if _missing(share):
        return "—"
    return f"{float(share) * 100:.{digits}f}%"


def fmt_month(month: date | datetime | str) -> str:
    """A month as 'YYYY-MM' in both languages (the URL's form, unambiguous)."""
    if isinstance(month, str):
        return month[:7]
    return f"{month.year:04d}-{month.month:02d}"


def period_text(first, last, lang: str) -> str:
    """'2024-01 至 2024-06'; a single month is just '2024-06'.  Takes months or years."""
    first_text = fmt_month(first) if not isinstance(first, int) else str(first)
    last_text = fmt_month(last) if not isinstance(last, int) else str(last)
    if first_text == last_text:
        return first_text
    return t("period.range", lang, first=first_text, last=last_text)


def fmt_timestamp(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M")


def fmt_signed(value, formatter=fmt_count) -> str:
    """A change with its sign: +695, -12, ¥+1,200 is written +¥1,200."""
    number = float(value)
    sign = "-" if number < 0 else "+"
    return sign + formatter(abs(number))


# A province's or the nation's late towns run to thousands; the overview's
# heat map counts them per unit, and lists name the first few.
MISSING_TOWNS_NAMED = 30


def town_list(names: Sequence[str], lang: str, named: int = MISSING_TOWNS_NAMED) -> str:
    """'安海镇、磁灶镇' — or, past ``named`` towns, '… 等 N 个镇街'."""
    separator = "、" if lang == "zh" else ", "
    if len(names) <= named:
        return separator.join(names)
    return t("overview.missing_more", lang, towns=separator.join(names[:named]),
             count=fmt_count(len(names)), more=fmt_count(len(names) - named))
