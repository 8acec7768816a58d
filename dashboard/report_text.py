"""Sentences for a work report (工作汇报), templated from numbers.

The deck and presentation mode put two or three sentences under each chart,
in the register of a Chinese work report ("2024年，安海镇共开设职工子女暑托班
21个班级，579名职工子女报名参加，人数及班次均创历史新高。") and in plain
English.  Every claim is computed from the numbers passed in, never assumed:

* "创历史新高" (a record) is said only when the value is strictly higher than
  the value of every earlier year loaded, and at least one earlier year is
  loaded to compare with.  This is the same rule as camps.by_year's flags
  (the chart's stars): a 2024 that beat every year before it set a record,
  even if 2025 later beat it, so a deck about 2024 says so whenever it is made;
* otherwise the sentence says what is true: the change from the previous year,
  or nothing beyond the figures when there is no previous year.

Pure functions of numbers and names: no queries, no streamlit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


# Numbers ---------------------------------------------------------------------

def fmt_int(value) -> str:
    """10995 -> "10,995" (thousands separators, as the published reports print them)."""
    return f"{int(round(float(value))):,}"


def fmt_yuan(value) -> str:
    """385435.00 -> "385,435"; 1234.5 -> "1,234.50" (cents only when there are any)."""
    amount = round(float(value), 2)
    if math.isclose(amount, round(amount), abs_tol=0.005):
        return f"{int(round(amount)):,}"
    return f"{amount:,.2f}"


def fmt_pct(fraction: float) -> str:
    """0.1234 -> "12.3%" (magnitude only; the words say up or down)."""
    return f"{abs(fraction) * 100:.1f}%"


def change_phrase(current, previous, label_zh: str, label_en: str, lang: str) -> str:
    """One clause comparing ``current`` with a comparison value.

    ``label_zh`` is "同比" / "环比" / "较上年", ``label_en`` "year on year" /
    "on the previous period" / "on the previous year".  Returns "" when there
    is nothing to compare with (no previous value)."""
    if previous is None or current is None:
        return ""
    if isinstance(previous, float) and math.isnan(previous):
        return ""
    current, previous = float(current), float(previous)
    if previous == 0:
        if current == 0:
            return f"{label_zh}持平" if lang == "zh" else f"unchanged {label_en}"
        return ""  # growth from zero has no percentage; the figures speak
    change = (current - previous) / previous
    if abs(change) < 0.0005:
        return f"{label_zh}持平" if lang == "zh" else f"unchanged {label_en}"
    if lang == "zh":
        return f"{label_zh}{'增长' if change > 0 else '下降'}{fmt_pct(change)}"
    return f"{'up' if change > 0 else 'down'} {fmt_pct(change)} {label_en}"


# Periods ---------------------------------------------------------------------

def period_phrase(start: date, end: date, lang: str) -> str:
    """The period a sentence is about, from two months (first days).

    2024-01..2024-12 -> "2024年" / "2024"; 2024-01..2024-06 -> "2024年1—6月" /
    "January–June 2024"; 2024-03..2024-03 -> "2024年3月" / "March 2024";
    across years -> "2023年7月至2024年6月" / "July 2023 to June 2024"."""
    if start.year == end.year:
        if start.month == 1 and end.month == 12:
            return f"{start.year}年" if lang == "zh" else f"{start.year}"
        if start.month == end.month:
            return (f"{start.year}年{start.month}月" if lang == "zh"
                    else f"{MONTHS_EN[start.month - 1]} {start.year}")
        return (f"{start.year}年{start.month}—{end.month}月" if lang == "zh"
                else f"{MONTHS_EN[start.month - 1]}–{MONTHS_EN[end.month - 1]} {start.year}")
    if lang == "zh":
        return f"{start.year}年{start.month}月至{end.year}年{end.month}月"
    return (f"{MONTHS_EN[start.month - 1]} {start.year} to "
            f"{MONTHS_EN[end.month - 1]} {end.year}")


def month_end_phrase(month: date, lang: str) -> str:
    """"截至2024年12月底" / "by the end of December 2024"."""
    if lang == "zh":
        return f"截至{month.year}年{month.month}月底"
    return f"by the end of {MONTHS_EN[month.month - 1]} {month.year}"


def _lower_first(name: str) -> str:
    """"Hospitalisation aid" inside an English sentence: "hospitalisation aid"."""
    return name[:1].lower() + name[1:]


def _in(period: str, lang: str) -> str:
    """"In 2024" / "In January–June 2024" at the head of an English sentence."""
    return f"In {period}" if lang == "en" else period


# Records -----------------------------------------------------------------------

def is_record(year: int, values_by_year: dict[int, float]) -> bool:
    """True when ``year``'s value is strictly above every earlier loaded
    year's, and there is at least one earlier year to beat (the rule of
    camps.by_year's record flags)."""
    if year not in values_by_year:
        return False
    others = [v for y, v in values_by_year.items() if y < year and v is not None]
    return bool(others) and all(values_by_year[year] > v for v in others)


# Programmes --------------------------------------------------------------------

@dataclass(frozen=True)
class CampYear:
    classes: int
    children: int
    new_form_children: int = 0


def camp_sentences(region: str, year: int, history: dict[int, CampYear], lang: str) -> list[str]:
    """职工子女暑托班 for ``year`` in ``region``; ``history`` holds every year
    loaded for the same region (``year`` among them)."""
    this = history.get(year)
    if this is None or this.classes == 0:
        return [f"{year}年，{region}暂无职工子女暑托班数据。" if lang == "zh"
                else f"No summer day-camp classes were reported for {region} in {year}."]
    record_classes = is_record(year, {y: h.classes for y, h in history.items()})
    record_children = is_record(year, {y: h.children for y, h in history.items()})
    prev = history.get(year - 1)
    if lang == "zh":
        head = (f"{year}年，{region}共开设职工子女暑托班{fmt_int(this.classes)}个班级，"
                f"{fmt_int(this.children)}名职工子女报名参加")
        if record_classes and record_children:
            tail = "，人数及班次均创历史新高。"
        elif record_children:
            tail = "，报名人数创历史新高。"
        elif record_classes:
            tail = "，班级数创历史新高。"
        elif prev is not None and prev.classes > 0:
            tail = "，" + _camp_change_zh(this, prev) + "。"
        else:
            tail = "。"
        sentences = [head + tail]
        if this.new_form_children:
            sentences.append(f"其中新就业形态劳动者子女{fmt_int(this.new_form_children)}名，"
                             f"占{fmt_pct(this.new_form_children / this.children)}。")
        return sentences
    head = (f"In {year}, {region} ran {fmt_int(this.classes)} summer day-camp "
            f"{'class' if this.classes == 1 else 'classes'} for workers' children, "
            f"with {fmt_int(this.children)} children enrolled")
    if record_classes and record_children:
        tail = "; both are records, above every earlier year."
    elif record_children:
        tail = "; enrolment is a record, above every earlier year."
    elif record_classes:
        tail = "; the number of classes is a record, above every earlier year."
    elif prev is not None and prev.classes > 0:
        tail = "; " + _camp_change_en(this, prev) + "."
    else:
        tail = "."
    sentences = [head + tail]
    if this.new_form_children:
        sentences.append(f"{fmt_int(this.new_form_children)} of them "
                         f"({fmt_pct(this.new_form_children / this.children)}) are children of "
                         "delivery riders, couriers and other new-form workers.")
    return sentences


def _signed_zh(delta: int, unit: str) -> str:
    if delta > 0:
        return f"增加{fmt_int(delta)}{unit}"
    if delta < 0:
        return f"减少{fmt_int(-delta)}{unit}"
    return "持平"


def _camp_change_zh(this: CampYear, prev: CampYear) -> str:
    classes = _signed_zh(this.classes - prev.classes, "个")
    children = _signed_zh(this.children - prev.children, "人")
    return f"较上年班级数{classes}、报名人数{children}"


def _camp_change_en(this: CampYear, prev: CampYear) -> str:
    def signed(delta: int, noun: str) -> str:
        if delta == 0:
            return f"{noun} unchanged"
        return f"{noun} {'up' if delta > 0 else 'down'} {fmt_int(abs(delta))}"
    return (f"{signed(this.classes - prev.classes, 'classes')} and "
            f"{signed(this.children - prev.children, 'children')} on the previous year")


@dataclass(frozen=True)
class SchemeEnrolment:
    scheme_zh: str
    scheme_en: str
    members: int


def mutual_aid_sentences(region: str, start: date, end: date, schemes: list[SchemeEnrolment],
                         claims: int, paid_yuan, paid_previous=None, cmp_label_zh: str = "同比",
                         cmp_label_en: str = "year on year", lang: str = "zh") -> list[str]:
    """职工医疗互助: members enrolled per scheme (a stock, at the period's last
    month), claims and yuan paid over the period, and the change of the
    amount paid against the comparison period when there is one."""
    period = period_phrase(start, end, lang)
    enrolled = [s for s in schemes if s.members]
    if not enrolled and not claims:
        return [f"{period}，{region}暂无职工医疗互助数据。" if lang == "zh"
                else f"No mutual medical aid was reported for {region} in {period}."]
    if lang == "zh":
        parts = [f"{s.scheme_zh}参保{fmt_int(s.members)}人" for s in enrolled]
        first = f"{period}，{region}" + "，".join(parts)
        first += (f"；累计为{fmt_int(claims)}人次职工发放互助补助金{fmt_yuan(paid_yuan)}元。"
                  if parts else f"累计为{fmt_int(claims)}人次职工发放互助补助金{fmt_yuan(paid_yuan)}元。")
        sentences = [first]
        change = change_phrase(paid_yuan, paid_previous, cmp_label_zh, cmp_label_en, lang)
        if change:
            sentences.append(f"补助金额{change}。")
        if claims:
            sentences.append(f"人均补助约{fmt_int(float(paid_yuan) / claims)}元。")
        return sentences
    parts = [f"{fmt_int(s.members)} in {_lower_first(s.scheme_en)}" for s in enrolled]
    sentences = []
    if parts:
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        sentences.append(f"{_in(period, lang)}, {region} had members enrolled: {listed}.")
    sentences.append(f"{fmt_int(claims)} {'claim was' if claims == 1 else 'claims were'} paid, "
                     f"¥{fmt_yuan(paid_yuan)} in total"
                     + (f" (about ¥{fmt_int(float(paid_yuan) / claims)} per claim)." if claims else "."))
    change = change_phrase(paid_yuan, paid_previous, cmp_label_zh, cmp_label_en, lang)
    if change:
        sentences.append(f"The amount paid is {change}.")
    return sentences


@dataclass(frozen=True)
class ContractGroup:
    """Contracts of one type in force: count, and what they cover."""
    type_zh: str
    type_en: str
    contracts: int
    enterprises: int
    workers: int
    per_enterprise: bool     # one enterprise per contract (工资集体合同 …) or an area/industry


def contract_sentences(region: str, as_of: date, groups: list[ContractGroup],
                       expiring_soon: int = 0, expiring_days: int = 90,
                       lang: str = "zh") -> list[str]:
    """集体合同 in force at ``as_of`` (a month): enterprise contracts by the
    workers they cover, then area/industry contracts by enterprises and
    workers, kept apart so that nobody is counted twice."""
    groups = [g for g in groups if g.contracts]
    stamp = month_end_phrase(as_of, lang)
    if not groups:
        return [f"{stamp}，{region}暂无有效集体合同数据。" if lang == "zh"
                else f"No collective contracts in force were reported for {region} {stamp}."]
    own = [g for g in groups if g.per_enterprise]
    area = [g for g in groups if not g.per_enterprise]
    if lang == "zh":
        clauses = [f"{g.type_zh}{fmt_int(g.contracts)}份，覆盖职工{fmt_int(g.workers)}人" for g in own]
        text = f"{stamp}，{region}" + ("有效" + "；".join(clauses) if clauses else "")
        if area:
            area_clauses = [f"{g.type_zh}{fmt_int(g.contracts)}份，覆盖企业{fmt_int(g.enterprises)}家、"
                            f"职工{fmt_int(g.workers)}人" for g in area]
            text += ("；另有" if clauses else "有效") + "；".join(area_clauses)
        sentences = [text + "。"]
        if expiring_soon:
            sentences.append(f"其中{fmt_int(expiring_soon)}份合同将在{expiring_days}天内到期，需及时续签。")
        return sentences
    clauses = [f"{_contracts_en(g)} in force, covering {fmt_int(g.workers)} workers" for g in own]
    area_clauses = [f"{_contracts_en(g)} in force, covering {fmt_int(g.enterprises)} enterprises and "
                    f"{fmt_int(g.workers)} workers" for g in area]
    text = f"{stamp[0].upper() + stamp[1:]}, {region} had " + "; ".join(clauses)
    if area_clauses:
        text += ("; plus " if clauses else "") + "; ".join(area_clauses)
    sentences = [text + "."]
    if expiring_soon:
        one = expiring_soon == 1
        sentences.append(f"{fmt_int(expiring_soon)} of them {'expires' if one else 'expire'} within "
                         f"{expiring_days} days and {'is' if one else 'are'} due for renewal.")
    return sentences


def _contracts_en(group: ContractGroup) -> str:
    """"285 wage collective contracts", whether or not the type's English
    name already ends in "contract"."""
    noun = _lower_first(group.type_en)
    if not noun.endswith("contract"):
        noun += " contract"
    return f"{fmt_int(group.contracts)} {noun}{'' if group.contracts == 1 else 's'}"


def station_sentences(region: str, as_of: date, stations: int, start: date, end: date,
                      visits: int, top_group_zh: str = "", top_group_en: str = "",
                      top_group_visits: int = 0, visits_previous=None, cmp_label_zh: str = "同比",
                      cmp_label_en: str = "year on year", lang: str = "zh") -> list[str]:
    """工会驿站: stations in the register, visits over the period, the
    visitor group served most, and the change in visits."""
    stamp = month_end_phrase(as_of, lang)
    period = period_phrase(start, end, lang)
    if lang == "zh":
        sentences = [f"{stamp}，{region}已建成工会驿站{fmt_int(stations)}个。"]
        if visits:
            text = f"{period}共服务户外劳动者{fmt_int(visits)}人次"
            if top_group_zh and top_group_visits:
                text += f"，其中{top_group_zh}最多，{fmt_int(top_group_visits)}人次"
            sentences.append(text + "。")
            change = change_phrase(visits, visits_previous, cmp_label_zh, cmp_label_en, lang)
            if change:
                sentences.append(f"服务人次{change}。")
        return sentences
    sentences = [f"{stamp[0].upper() + stamp[1:]}, {region} had {fmt_int(stations)} union rest "
                 f"{'station' if stations == 1 else 'stations'}."]
    if visits:
        text = f"{_in(period, lang)} they served outdoor workers {fmt_int(visits)} times"
        if top_group_en and top_group_visits:
            text += f", most often {_lower_first(top_group_en)} ({fmt_int(top_group_visits)} visits)"
        sentences.append(text + ".")
        change = change_phrase(visits, visits_previous, cmp_label_zh, cmp_label_en, lang)
        if change:
            sentences.append(f"Visits are {change}.")
    return sentences
