"""The 汇报 deck: a ``report.Report`` written as a 16:9 PowerPoint file.

Why the fonts are set by hand: python-pptx writes only the Latin typeface
(``a:latin``) of a run.  PowerPoint and WPS pick the font of Chinese text
from the East-Asian typeface (``a:ea``), so without it they substitute one
of their own and titles come out in SimSun on one laptop and something else
on the next.  Every run here gets ``a:latin``, ``a:ea`` and ``a:cs``.

Chart images are rendered by kaleido inside one ``exports.image_server()``
per deck: one Chromium start for the whole deck instead of one per chart.
"""
from __future__ import annotations

import io
import re
from typing import Callable

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard import exports
from dashboard.report import Kpi, Report, Slide

FONT = "Microsoft YaHei"        # 微软雅黑: on every office PC in 泉州; WPS maps it too
SLIDE_W, SLIDE_H = Emu(12_192_000), Emu(6_858_000)   # 13.33 × 7.5 in: exactly 16:9
MARGIN = Inches(0.6)

# Colours of the deck (RGB hex), the union red of the title band and the
# muted greys of body text.
RED = "B5121B"
DARK = "1F2933"
GREY = "52606D"
LIGHT = "F3F4F6"
UP = "1A7F37"
DOWN = "B42318"

# Chart images: pixels at which kaleido lays the figure out (the slide scales
# them), times 2 for a sharp projector image.
CHART_PX = (1000, 560)
MAP_PX = (800, 620)
IMAGE_SCALE = 2.0

Progress = Callable[[float, str], None]

# Shape names (PowerPoint's selection pane shows them; tests find shapes by them).
SHAPE_TITLE = "title"
SHAPE_CHART = "chart"
SHAPE_SENTENCES = "sentences"
SHAPE_STAMP = "data source"


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour)


def set_run_fonts(run, typeface: str = FONT) -> None:
    """Latin, East-Asian and complex-script typefaces of one run."""
    rPr = run._r.get_or_add_rPr()
    latin = rPr.get_or_add_latin()
    latin.set("typeface", typeface)
    anchor = latin
    for tag in ("a:ea", "a:cs"):
        element = rPr.find(qn(tag))
        if element is None:
            element = rPr.makeelement(qn(tag), {})
            anchor.addnext(element)
        element.set("typeface", typeface)
        anchor = element


def set_theme_fonts(deck, typeface: str = FONT) -> None:
    """The theme's heading and body fonts (Latin, East-Asian, complex script
    and the Simplified Chinese override): text someone adds to the deck later
    in PowerPoint or WPS gets them too."""
    theme = deck.slide_master.part.part_related_by(RT.THEME)
    xml = theme.blob.decode("utf-8")
    xml = re.sub(r'(<a:(?:latin|ea|cs|font script="Hans") typeface=")[^"]*(")',
                 lambda m: m.group(1) + typeface + m.group(2), xml)
    theme._blob = xml.encode("utf-8")


def _text(slide, left, top, width, height, paragraphs, *, size=18, colour=DARK, bold=False,
          align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP, spacing=1.15, space_after=6, name=""):
    """A text box; ``paragraphs`` is a list of strings or of (text, overrides).
    ``name`` (shown in PowerPoint's selection pane) says what the box holds."""
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    for i, item in enumerate(paragraphs):
        text, overrides = (item, {}) if isinstance(item, str) else item
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = overrides.get("align", align)
        paragraph.line_spacing = spacing
        paragraph.space_after = Pt(overrides.get("space_after", space_after))
        run = paragraph.add_run()
        run.text = text
        font = run.font
        font.size = Pt(overrides.get("size", size))
        font.bold = overrides.get("bold", bold)
        font.color.rgb = _rgb(overrides.get("colour", colour))
        set_run_fonts(run)
    return box


def _rect(slide, left, top, width, height, fill: str):
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(fill)
    shape.line.fill.background()
    shape.shadow.inherit = False
    return shape


def _header(slide, title: str, page: int, pages: int, footer: str) -> None:
    _rect(slide, 0, 0, SLIDE_W, Inches(0.12), RED)
    _text(slide, MARGIN, Inches(0.35), SLIDE_W - 2 * MARGIN, Inches(0.8), [title],
          size=30, bold=True, colour=DARK, name=SHAPE_TITLE)
    _rect(slide, MARGIN, Inches(1.15), Inches(1.2), Inches(0.06), RED)
    _text(slide, MARGIN, SLIDE_H - Inches(0.5), Inches(9), Inches(0.35), [footer],
          size=11, colour=GREY, name="footer")
    _text(slide, SLIDE_W - MARGIN - Inches(1.5), SLIDE_H - Inches(0.5), Inches(1.5),
          Inches(0.35), [f"{page} / {pages}"], size=11, colour=GREY, align=PP_ALIGN.RIGHT,
          name="page number")


def _notes(slide, sentences) -> None:
    if sentences:
        frame = slide.notes_slide.notes_text_frame
        frame.text = "\n".join(sentences)
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                set_run_fonts(run)


def _title_slide(slide, item: Slide) -> None:
    _rect(slide, 0, 0, SLIDE_W, SLIDE_H, RED)
    _rect(slide, 0, Inches(5.2), SLIDE_W, Inches(2.3), "8E0E15")
    _text(slide, Inches(1.0), Inches(1.9), SLIDE_W - Inches(2.0), Inches(1.4), [item.title],
          size=44, bold=True, colour="FFFFFF", anchor=MSO_ANCHOR.BOTTOM, name=SHAPE_TITLE)
    _text(slide, Inches(1.0), Inches(3.45), SLIDE_W - Inches(2.0), Inches(1.4),
          [(line, {"size": 24 if i == 0 else 18}) for i, line in enumerate(item.lines)],
          colour="FFFFFF", name="period")
    _text(slide, Inches(1.0), Inches(5.7), SLIDE_W - Inches(2.0), Inches(0.8), [item.subtitle],
          size=18, colour="F5D0D2", name="date")


def _kpi_slide(slide, item: Slide) -> None:
    columns = 3 if len(item.kpis) <= 6 else 4
    rows = max(1, -(-len(item.kpis) // columns))
    gap = Inches(0.3)
    top = Inches(1.55)
    card_w = Emu(int((SLIDE_W - 2 * MARGIN - gap * (columns - 1)) / columns))
    card_h = Emu(int((SLIDE_H - top - Inches(0.8) - gap * (rows - 1)) / rows))
    for i, kpi in enumerate(item.kpis):
        left = MARGIN + (card_w + gap) * (i % columns)
        card_top = top + (card_h + gap) * (i // columns)
        _rect(slide, left, card_top, card_w, card_h, LIGHT)
        _rect(slide, left, card_top, Inches(0.08), card_h, RED)
        _kpi_card(slide, kpi, left + Inches(0.3), card_top + Inches(0.15),
                  card_w - Inches(0.45), card_h - Inches(0.3))



def fitting_size(text: str, width_pt: float, largest: float, smallest: float) -> float:
    """The largest font size (pt) at which ``text`` fits on one line of
    ``width_pt``, by a conservative estimate: a CJK character is 1 em wide,
    anything else 0.66 em (wide digits, bold), plus 0.25 em where CJK meets
    Latin (WPS and LibreOffice space them apart).  Never below ``smallest``."""
    cjk = [ord(ch) >= 0x2E80 for ch in text]
    ems = sum(1.0 if wide else 0.66 for wide in cjk)
    ems += 0.25 * sum(1 for a, b in zip(cjk, cjk[1:]) if a != b)
    size = largest
    while size > smallest and ems * size > width_pt:
        size -= 1
    return size


def _kpi_card(slide, kpi: Kpi, left, top, width, height) -> None:
    width_pt = Emu(width).pt - 8  # the text box's own margins
    value = f"{kpi.value_text}{kpi.unit}"
    lines = [(kpi.label, {"size": 15, "colour": GREY, "space_after": 2}),
             (value, {"size": fitting_size(value, width_pt, 30, 20), "bold": True, "colour": DARK,
                      "space_after": 4})]
    for change in kpi.changes:
        colour = GREY if change.direction == 0 else (UP if change.direction > 0 else DOWN)
        lines.append((change.text, {"size": fitting_size(change.text, width_pt, 12, 10),
                                    "colour": colour, "space_after": 1}))
    if kpi.note:
        lines.append((kpi.note, {"size": 11, "colour": GREY, "space_after": 0}))
    _text(slide, left, top, width, height, lines, anchor=MSO_ANCHOR.MIDDLE, spacing=1.0,
          name=f"kpi {kpi.key}")


def _figure_slide(slide, item: Slide, pixels: tuple[int, int]) -> None:
    top = Inches(1.45)
    bottom = SLIDE_H - Inches(0.65)
    text_w = Inches(4.1)
    image_w_max = SLIDE_W - 2 * MARGIN - text_w - Inches(0.3)
    image_h_max = bottom - top
    if item.figure is not None:
        png = exports.figure_png(item.figure, width=pixels[0], height=pixels[1],
                                 scale=IMAGE_SCALE)
        ratio = pixels[0] / pixels[1]
        width = min(image_w_max, Emu(int(image_h_max * ratio)))
        height = Emu(int(width / ratio))
        picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN,
                                           top + Emu(int((image_h_max - height) / 2)), width, height)
        picture.name = SHAPE_CHART
    left = SLIDE_W - MARGIN - text_w
    paragraphs = [(s, {"size": 17, "space_after": 12}) for s in item.sentences]
    if item.lines:
        paragraphs += [(line, {"size": 13, "colour": GREY, "space_after": 4}) for line in item.lines]
    _rect(slide, left - Inches(0.15), top, Inches(0.04), image_h_max, "D9DDE3")
    _text(slide, left, top, text_w, image_h_max, paragraphs, anchor=MSO_ANCHOR.MIDDLE,
          spacing=1.3, name=SHAPE_SENTENCES)


def _closing_slide(slide, item: Slide) -> None:
    _rect(slide, 0, 0, SLIDE_W, SLIDE_H, RED)
    _text(slide, Inches(1.0), Inches(1.6), SLIDE_W - Inches(2.0), Inches(1.2), [item.title],
          size=40, bold=True, colour="FFFFFF", anchor=MSO_ANCHOR.BOTTOM, name=SHAPE_TITLE)
    _text(slide, Inches(1.0), Inches(3.1), SLIDE_W - Inches(2.0), Inches(3.5),
          [(line, {"size": 16, "space_after": 8}) for line in item.lines], colour="FFFFFF",
          name=SHAPE_STAMP)


def write_deck(report: Report, progress: Progress | None = None) -> bytes:
    """The deck as .pptx bytes.  ``progress(fraction, slide title)`` is called
    before each slide is drawn (chart slides take the time)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    set_theme_fonts(deck)
    blank = deck.slide_layouts[6]
    pages = len(report.slides)
    with exports.image_server():
        for page, item in enumerate(report.slides, start=1):
            if progress:
                progress((page - 1) / pages, item.title)
            slide = deck.slides.add_slide(blank)
            if item.kind == "title":
                _title_slide(slide, item)
            elif item.kind == "closing":
                _closing_slide(slide, item)
            else:
                _header(slide, item.title, page, pages, report.footer)
                if item.kind == "kpis":
                    _kpi_slide(slide, item)
                else:
                    _figure_slide(slide, item, MAP_PX if item.kind == "map" else CHART_PX)
            _notes(slide, item.sentences)
    if progress:
        progress(1.0, "")
    deck.core_properties.title = report.title
    deck.core_properties.author = report.author
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
