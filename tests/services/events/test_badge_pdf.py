"""Printed badges: every QR decodes, every name comes through whole, nothing leaves its badge.

The PDF is rasterized with pdftoppm and read back with zxing-cpp; text and word boxes come
from pdftotext (both from Debian's poppler-utils).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
import zxingcpp
from PIL import Image
from reportlab.lib.units import mm

from schemas.badges import BadgeLayout
from services.events import badge_pdf
from services.events.badge_pdf import BadgeFace, MissingGlyphs, _cells, render_badges_pdf
from tests.support import need

LONG_NAME = (
    "Maximiliane Alexandra Konstanze Friederike von Hohenzollern-Sigmaringen-Wittelsbach "
    "zu Oberammergau"
)
NAMES = ["Zoë Ångström", "Σοφία Παπαδοπούλου", "Дмитрий Шостакович", LONG_NAME, "Ann Lee"]


def faces(count: int) -> list[BadgeFace]:
    return [
        BadgeFace(
            name=NAMES[i % len(NAMES)],
            company="Ørsted & Søn",
            title="Ingénieure principale",
            event_name="DevConf 2026",
            url=f"http://127.0.0.1:8000/b/token{i:04d}abcdefghijklmnopqrstuvwxyz",
        )
        for i in range(count)
    ]


def need_poppler() -> None:
    need(bool(shutil.which("pdftoppm") and shutil.which("pdftotext")), "poppler-utils missing")


def decode_pages(pdf: Path, out: Path) -> list[set[str]]:
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(out / "p")], check=True)
    pages = []
    for png in sorted(out.glob("p-*.png")):
        found = zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)
        pages.append({r.text for r in found})
    return pages


def words_with_boxes(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) in points from the top-left, per pdftotext -bbox."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = []
    for page_no, page in enumerate(html.split("<page ")[1:]):
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            page,
        ):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            words.append((page_no, x0, y0, x1, y1, m.group(5)))
    return words


@pytest.mark.parametrize("layout", list(BadgeLayout), ids=lambda layout: layout.value)
def test_every_badge_qr_decodes_and_every_name_is_whole(
    layout: BadgeLayout, tmp_path: Path
) -> None:
    need_poppler()
    made = faces(10)
    pdf = tmp_path / "badges.pdf"
    pdf.write_bytes(render_badges_pdf(made, layout=layout, title="Badges"))

    per_page = len(_cells(layout)[1])
    pages = decode_pages(pdf, tmp_path)
    assert len(pages) == -(-len(made) // per_page)
    for number, found in enumerate(pages):
        expected = {f.url for f in made[number * per_page : (number + 1) * per_page]}
        assert found == expected, f"page {number + 1}"

    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(text.split())
    for name in NAMES:
        assert name in flat, name  # wrapped names come back as one string of words
    assert "Ørsted & Søn" in flat and "Ingénieure principale" in flat


@pytest.mark.parametrize("layout", list(BadgeLayout), ids=lambda layout: layout.value)
def test_a_very_long_name_stays_inside_its_badge(layout: BadgeLayout, tmp_path: Path) -> None:
    need_poppler()
    made = faces(len(NAMES))
    pdf = tmp_path / "badges.pdf"
    pdf.write_bytes(render_badges_pdf(made, layout=layout, title="Badges"))
    page_size, cells = _cells(layout)
    long_words = set(LONG_NAME.split())
    checked = 0
    for page, x0, y0, x1, y1, word in words_with_boxes(pdf):
        index = page * len(cells)
        # which cell the word is in: the one containing its centre
        cx, cy = (x0 + x1) / 2, page_size[1] - (y0 + y1) / 2
        cell = next(c for c in cells if c[0] <= cx <= c[0] + c[2] and c[1] <= cy <= c[1] + c[3])
        slot = index + cells.index(cell)
        if made[slot].name == LONG_NAME and word in long_words:
            margin = 5 * mm
            assert x0 >= cell[0] + margin and x1 <= cell[0] + cell[2] - margin, word
            assert page_size[1] - y1 >= cell[1] and page_size[1] - y0 <= cell[1] + cell[3]
            checked += 1
    assert checked >= len(long_words)


def test_a_name_no_font_can_print_fails_loudly() -> None:
    face = faces(1)[0]
    cjk = BadgeFace(**{**face.__dict__, "name": "山田太郎"})
    with pytest.raises(MissingGlyphs) as raised:
        render_badges_pdf([cjk], layout=BadgeLayout.a6, title="Badges")
    assert "山" in raised.value.detail


@pytest.mark.parametrize("layout", list(BadgeLayout), ids=lambda layout: layout.value)
def test_badges_written_in_parts_make_one_pdf_with_every_badge_in_order(
    layout: BadgeLayout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_poppler()
    monkeypatch.setattr(badge_pdf, "PART_BADGES", 8)  # several parts, whole pages in each
    made = faces(20)
    done: list[int] = []
    pdf = tmp_path / "badges.pdf"
    with pdf.open("wb") as out:
        badge_pdf.write_badges_pdf(
            made, layout=layout, title="Badges: (DevConf) Ω", out=out, progress=done.append
        )
    assert done == [8, 16, 20]
    per_page = len(_cells(layout)[1])
    pages = decode_pages(pdf, tmp_path)
    assert len(pages) == sum(-(-n // per_page) for n in (8, 8, 4))
    assert set().union(*pages) == {f.url for f in made}
    in_order = [url for page in pages for url in sorted(page)]
    assert in_order == [f.url for f in made]  # token numbers sort like the badges
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    assert "Badges: (DevConf) Ω" in info.stdout and "Syntax Error" not in info.stderr
    with pikepdf.open(pdf) as document:
        assert document.check_pdf_syntax() == []  # sound: cross-references, page tree


def test_no_badges_is_one_empty_page(tmp_path: Path) -> None:
    pdf = tmp_path / "badges.pdf"
    with pdf.open("wb") as out:
        badge_pdf.write_badges_pdf([], layout=BadgeLayout.a6, title="Badges", out=out)
    with pikepdf.open(pdf) as document:
        assert len(document.pages) == 1 and document.check_pdf_syntax() == []
