"""Report sentences: the numbers of the view in the register of a work report,
and "创历史新高" only when it is true."""
from __future__ import annotations

from datetime import date

from dashboard import report_text as rt

ANHAI_CAMPS = {2022: rt.CampYear(16, 420), 2023: rt.CampYear(18, 480, 72),
               2024: rt.CampYear(21, 579, 126)}


def test_camp_sentence_claims_a_record_when_both_are_the_highest_of_all_years():
    sentences = rt.camp_sentences("安海镇", 2024, ANHAI_CAMPS, "zh")
    assert sentences[0] == ("2024年，安海镇共开设职工子女暑托班21个班级，579名职工子女报名参加，"
                            "人数及班次均创历史新高。")
    assert sentences[1] == "其中新就业形态劳动者子女126名，占21.8%。"
    english = rt.camp_sentences("Anhai Town", 2024, ANHAI_CAMPS, "en")
    assert english[0] == ("In 2024, Anhai Town ran 21 summer day-camp classes for workers' "
                          "children, with 579 children enrolled; both are records, above every "
                          "earlier year.")


def test_no_record_claim_when_another_year_was_higher():
    # made-up years: 2023 had more classes and more children than 2024
    history = {2022: rt.CampYear(16, 420), 2023: rt.CampYear(24, 650), 2024: rt.CampYear(21, 579)}
    sentences = rt.camp_sentences("安海镇", 2024, history, "zh")
    assert not any("创历史新高" in s for s in sentences)
    assert sentences[0] == ("2024年，安海镇共开设职工子女暑托班21个班级，579名职工子女报名参加，"
                            "较上年班级数减少3个、报名人数减少71人。")
    english = rt.camp_sentences("Anhai Town", 2024, history, "en")
    assert not any("record" in s for s in english)
    assert english[0].endswith("classes down 3 and children down 71 on the previous year.")


def test_a_later_year_that_beat_it_does_not_undo_the_record_it_set():
    # 2024 beat every year before it; that stays true after 2025 beat 2024,
    # so a deck about 2024 made in 2026 still says so (as the chart's star does).
    history = {**ANHAI_CAMPS, 2025: rt.CampYear(22, 601)}
    assert rt.camp_sentences("安海镇", 2024, history, "zh")[0].endswith("人数及班次均创历史新高。")
    # The first year loaded has nothing to beat.
    assert not any("创历史新高" in s for s in rt.camp_sentences("安海镇", 2022, history, "zh"))


def test_a_tie_is_not_a_record_and_only_the_record_part_is_claimed():
    tie = {2023: rt.CampYear(21, 560), 2024: rt.CampYear(21, 579)}
    assert rt.camp_sentences("安海镇", 2024, tie, "zh")[0].endswith("，报名人数创历史新高。")
    fewer_children = {2023: rt.CampYear(18, 600), 2024: rt.CampYear(21, 579)}
    assert rt.camp_sentences("安海镇", 2024, fewer_children, "zh")[0].endswith("，班级数创历史新高。")


def test_a_single_year_is_no_record():
    sentences = rt.camp_sentences("安海镇", 2024, {2024: rt.CampYear(21, 579)}, "zh")
    assert sentences == ["2024年，安海镇共开设职工子女暑托班21个班级，579名职工子女报名参加。"]


def test_no_classes_says_so():
    assert rt.camp_sentences("罗溪镇", 2024, {}, "zh") == ["2024年，罗溪镇暂无职工子女暑托班数据。"]


def test_mutual_aid_sentences_with_published_figures():
    schemes = [rt.SchemeEnrolment("职工住院医疗互助", "hospitalisation aid", 10_995),
               rt.SchemeEnrolment("女职工特殊疾病互助", "women workers' critical illness aid", 1_623)]
    zh = rt.mutual_aid_sentences("安海镇", date(2024, 1, 1), date(2024, 6, 1), schemes, 130,
                                 385_435, paid_previous=318_000, lang="zh")
    assert zh == ["2024年1—6月，安海镇职工住院医疗互助参保10,995人，女职工特殊疾病互助参保1,623人；"
                  "累计为130人次职工发放互助补助金385,435元。",
                  "补助金额同比增长21.2%。",
                  "人均补助约2,965元。"]
    en = rt.mutual_aid_sentences("Anhai Town", date(2024, 1, 1), date(2024, 6, 1), schemes, 130,
                                 385_435, paid_previous=318_000, lang="en")
    assert en[0] == ("In January–June 2024, Anhai Town had members enrolled: 10,995 in "
                     "hospitalisation aid and 1,623 in women workers' critical illness aid.")
    assert en[1] == "130 claims were paid, ¥385,435 in total (about ¥2,965 per claim)."
    assert en[2] == "The amount paid is up 21.2% year on year."


def test_contract_sentences_keep_area_contracts_apart():
    groups = [rt.ContractGroup("工资集体合同", "Wage collective contract", 285, 285, 17_580, True),
              rt.ContractGroup("区域性工资集体合同", "Regional wage contract", 1, 963, 24_346, False)]
    assert rt.contract_sentences("安海镇", date(2024, 6, 1), groups, lang="zh") == [
        "截至2024年6月底，安海镇有效工资集体合同285份，覆盖职工17,580人；"
        "另有区域性工资集体合同1份，覆盖企业963家、职工24,346人。"]
    assert rt.contract_sentences("Anhai Town", date(2024, 6, 1), groups, expiring_soon=10,
                                 lang="en") == [
        "By the end of June 2024, Anhai Town had 285 wage collective contracts in force, covering "
        "17,580 workers; plus 1 regional wage contract in force, covering 963 enterprises and "
        "24,346 workers.",
        "10 of them expire within 90 days and are due for renewal."]


def test_station_sentences():
    zh = rt.station_sentences("安海镇", date(2024, 6, 1), 18, date(2024, 1, 1), date(2024, 6, 1),
                              3_300, "外卖送餐员", "Food delivery riders", 1_800,
                              visits_previous=3_000, lang="zh")
    assert zh == ["截至2024年6月底，安海镇已建成工会驿站18个。",
                  "2024年1—6月共服务户外劳动者3,300人次，其中外卖送餐员最多，1,800人次。",
                  "服务人次同比增长10.0%。"]


def test_change_phrases():
    assert rt.change_phrase(110, 100, "环比", "on the previous period", "zh") == "环比增长10.0%"
    assert rt.change_phrase(90, 100, "同比", "year on year", "en") == "down 10.0% year on year"
    assert rt.change_phrase(100, 100, "同比", "year on year", "zh") == "同比持平"
    assert rt.change_phrase(100, None, "同比", "year on year", "zh") == ""
    assert rt.change_phrase(100, 0, "同比", "year on year", "zh") == ""


def test_period_phrases():
    assert rt.period_phrase(date(2024, 1, 1), date(2024, 12, 1), "zh") == "2024年"
    assert rt.period_phrase(date(2024, 1, 1), date(2024, 6, 1), "zh") == "2024年1—6月"
    assert rt.period_phrase(date(2024, 3, 1), date(2024, 3, 1), "en") == "March 2024"
    assert rt.period_phrase(date(2023, 7, 1), date(2024, 6, 1), "zh") == "2023年7月至2024年6月"
