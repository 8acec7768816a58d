"""Reading uploaded bytes into sheets, and the file-level problems the
uploader sees instead of a traceback."""
from __future__ import annotations

import io
from pathlib import Path

import xlsxwriter

from etl.read import decode_text, read_file, sniff_delimiter

FIXTURES = Path(__file__).parent / "fixtures" / "etl"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def codes(issues) -> list[str]:
    return [i.code for i in issues]


def test_gbk_csv_from_excel_keeps_its_chinese():
    data = fixture("gbk.csv")
    # Not UTF-8: this is what Excel on a Chinese Windows saves.
    assert data.startswith("月份".encode("gbk"))
    grids, issues = read_file("gbk.csv", data)
    assert issues == []
    assert grids[0].rows[0][:3] == ["月份", "镇（街道）", "互助项目"]
    assert grids[0].rows[1][1:3] == ["池店镇", "职工住院医疗互助"]


def test_encodings_tried_in_order():
    text = "月份,镇街\n2024-07,安海\n"
    assert decode_text(("\ufeff" + text).encode("utf-8")) == (text, "utf-8-sig")
    assert decode_text(text.encode("utf-16")) == (text, "utf-16")      # Excel "Unicode text"
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")
    assert decode_text(text.encode("gb18030")) == (text, "gb18030")


def test_delimiters_sniffed():
    assert sniff_delimiter("月份,镇街,人次\n2024-07,安海,3\n") == ","
    assert sniff_delimiter("月份\t镇街\t人次\n2024-07\t安海\t3\n") == "\t"
    assert sniff_delimiter("月份;镇街;人次\n2024-07;安海;1,5\n") == ";"


def test_tab_separated_utf16_text_reads():
    data = "月份\t镇街\n2024-07\t安海\n".encode("utf-16")
    grids, issues = read_file("导出.txt", data)
    assert issues == []
    assert grids[0].rows == [["月份", "镇街"], ["2024-07", "安海"]]


def test_csv_rows_of_unequal_length_are_padded():
    grids, _ = read_file("a.csv", "月份,镇街,人次\n2024-07,安海\n".encode())
    assert grids[0].rows[1] == ["2024-07", "安海", ""]


def test_text_renamed_xlsx_is_a_clear_file_issue():
    issues = read_file("renamed_text.xlsx", fixture("renamed_text.xlsx"))[1]
    assert codes(issues) == ["not_a_spreadsheet"]
    assert "「.xlsx」" in issues[0].message_zh
    assert issues[0].file == "renamed_text.xlsx"


def test_empty_file():
    assert codes(read_file("empty.csv", fixture("empty.csv"))[1]) == ["empty_file"]
    assert codes(read_file("empty.xlsx", b"")[1]) == ["empty_file"]
    assert codes(read_file("bom.csv", b"\xef\xbb\xbf\r\n")[1]) == ["empty_file"]


def test_damaged_workbook():
    assert codes(read_file("truncated.xlsx", fixture("truncated.xlsx"))[1]) == ["unreadable_file"]


def test_unknown_extension():
    issues = read_file("报表.pdf", b"%PDF-1.4 ...")[1]
    assert codes(issues) == ["unsupported_file_type"]
    assert ".pdf" in issues[0].message_zh and ".xlsx" in issues[0].message_zh


def test_workbook_saved_under_a_csv_name_still_reads():
    grids, issues = read_file("title_row.csv", fixture("title_row.xlsx"))
    assert issues == [] and grids[0].sheet == "7月"


def test_xlsx_rows_keep_excel_row_numbers_and_merged_ranges():
    grids, issues = read_file("two_row_header.xlsx", fixture("two_row_header.xlsx"))
    assert issues == []
    grid = grids[0]
    # rows[i] is Excel row i+1 even though nothing starts at A1's left/top edge.
    assert grid.rows[0][0] == "晋江市2024年7月职工医疗互助情况统计表"
    assert grid.rows[2][4:6] == ["人次", "金额（元）"]
    # (r0, c0, r1, c1), 0-based inclusive: 补助情况 over E2:F2, 安海 down B4:B5.
    assert (1, 4, 1, 5) in grid.merged
    assert (3, 1, 4, 1) in grid.merged
    # calamine leaves a merged value in the top-left cell only.
    assert grid.rows[3][1] == "安海" and grid.rows[4][1] == ""


def test_every_visible_sheet_is_read_hidden_ones_are_not():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("填表说明").write("A1", "说明")
    book.add_worksheet("数据").write("A1", "月份")
    lists = book.add_worksheet("下拉选项")
    lists.write("A1", "安海镇")
    lists.hide()
    book.close()
    grids, issues = read_file("book.xlsx", buffer.getvalue())
    assert issues == []
    assert [g.sheet for g in grids] == ["填表说明", "数据"]


def test_workbook_with_no_cells_is_empty():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Sheet1")
    book.close()
    assert codes(read_file("blank.xlsx", buffer.getvalue())[1]) == ["empty_file"]
