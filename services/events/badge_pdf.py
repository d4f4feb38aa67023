"""Printable badges (A6 pages, or A4 sheets of 4 or 8) and the self check-in door poster.

Text is set in Noto Sans, shipped on PyPI by `fontpkg-noto-sans` so a clean machine has it,
with Debian's DejaVu Sans as a fallback for what Noto lacks. Each string goes in the first font
that has every one of its characters; if none has, rendering fails loudly with the names
concerned instead of printing empty boxes. Names shrink, then wrap, to stay inside the badge.
QR codes are drawn as vectors (one filled path per code, runs of dark modules merged), so
they stay sharp at any printer resolution and the PDF stays small and quick to make.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import segno
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from schemas.badges import BadgeLayout
from services.errors import FieldProblem, Invalid
from services.events import pdf_join

LEADING = 1.18
QR_MASK = 2
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class BadgeFace:
    """What one printed badge shows."""

    name: str
    company: str
    title: str
    event_name: str
    url: str


@dataclass(frozen=True)
class _Font:
    name: str
    chars: frozenset[int]


def _font_files() -> list[tuple[str, Path]]:
    files: list[tuple[str, Path]] = []
    try:
        import fontpkg_noto_sans

        files.append(
            ("NotoSans", Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf")
        )
    except ImportError:  # pragma: no cover - it is a dependency; DejaVu may still do
        pass
    files.append(("DejaVuSans", DEJAVU))
    return [(name, path) for name, path in files if path.is_file()]


@lru_cache(maxsize=1)
def fonts() -> tuple[_Font, ...]:
    """The fonts badges may use, registered with reportlab once per process, best first."""
    found = []
    for name, path in _font_files():
        font = TTFont(name, str(path))
        pdfmetrics.registerFont(font)
        found.append(_Font(name=name, chars=frozenset(font.face.charToGlyph)))
    if not found:
        raise RuntimeError("No badge font found: install fontpkg-noto-sans (a dependency)")
    return tuple(found)


class MissingGlyphs(Invalid):
    code = "missing_glyphs"


def font_for(text: str) -> str:
    """The first font that has every character of `text`; raises MissingGlyphs otherwise."""
    needed = {ord(c) for c in text if not c.isspace()}
    for font in fonts():
        if needed <= font.chars:
            return font.name
    missing = "".join(sorted({chr(c) for c in needed if all(c not in f.chars for f in fonts())}))
    raise MissingGlyphs(
        f"No installed font can print “{text}” (missing: {missing}). Install a font with "
        "these characters or correct the name.",
        fields=[FieldProblem("name", f"characters without a font: {missing}")],
    )


def _width(text: str, font: str) -> float:
    return pdfmetrics.stringWidth(text, font, 1.0)


def fit_text(
    text: str, font: str, *, width: float, height: float, max_size: float, max_lines: int = 3
) -> tuple[float, list[str]]:
    """The largest size (up to max_size) and line breaks at which `text` fits the box.

    Tries one line, then wrapping at word boundaries into 2..max_lines balanced lines; a
    single very long word is simply made smaller, never cut.
    """
    words = text.split() or [""]
    best_size, best_lines = 0.0, [text]
    for count in range(1, min(max_lines, len(words)) + 1):
        lines = _balanced_lines(words, count, font)
        widest = max(_width(line, font) for line in lines) or 1.0
        size = min(max_size, width / widest, height / (count * LEADING))
        if size > best_size * 1.15:  # wrap only when it buys a clearly bigger name
            best_size, best_lines = size, lines
        if size >= max_size:
            break
    return best_size, best_lines


def _balanced_lines(words: list[str], count: int, font: str) -> list[str]:
    if count == 1:
        return [" ".join(words)]
    best: list[str] = []
    best_widest = float("inf")
    for cuts in itertools.combinations(range(1, len(words)), count - 1):
        bounds = (0, *cuts, len(words))
        lines = [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]
        widest = max(_width(line, font) for line in lines)
        if widest < best_widest:
            best, best_widest = lines, widest
    return best


def _draw_text_box(
    canvas: Canvas,
    text: str,
    *,
    x: float,
    top: float,
    width: float,
    height: float,
    max_size: float,
    max_lines: int = 1,
    centred: bool = True,
    bold: bool = False,
) -> float:
    """Draw text fitted into the box whose top edge is `top`; returns the height used."""
    text = " ".join(text.split())
    if not text:
        return 0.0
    font = font_for(text)
    size, lines = fit_text(
        text, font, width=width, height=height, max_size=max_size, max_lines=max_lines
    )
    obj = canvas.beginText()
    obj.setFont(font, size)
    if bold:  # the fonts have no bold face here: fill and stroke thickens the strokes
        obj.setTextRenderMode(2)
        canvas.setLineWidth(size * 0.035)
    y = top - size
    for line in lines:
        offset = (width - _width(line, font) * size) / 2 if centred else 0.0
        obj.setTextOrigin(x + offset, y)
        obj.textOut(line)
        y -= size * LEADING
    if bold:
        obj.setTextRenderMode(0)  # the render mode outlives the text object in PDF
    canvas.drawText(obj)
    return len(lines) * size * LEADING


def draw_qr(canvas: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    """A QR code (level Q, quiet zone included in `size`) with its lower-left corner at x, y.

    The mask is fixed: choosing the "best" of the eight costs about 8 ms per code in pure
    Python (8 s for 1,000 badges), and every mask is valid for every reader.
    """
    qr = segno.make(data, error="q", micro=False, mask=QR_MASK)
    border = 4
    rows = qr.matrix
    count = len(rows) + 2 * border
    ops = []
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if row[c] & 1:
                start = c
                while c < len(row) and row[c] & 1:
                    c += 1
                ops.append(f"{start + border} {count - border - r - 1} {c - start} 1 re")
            else:
                c += 1
    # One filled path in module units: integers keep the content stream small and fast to make.
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.transform(size / count, 0, 0, size / count, x, y)
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()


def _draw_badge(canvas: Canvas, face: BadgeFace, x: float, y: float, w: float, h: float) -> None:
    """One badge in the cell (x, y, w, h): event, name large, company, title, QR."""
    pad = 6 * mm
    inner_w = w - 2 * pad
    top = y + h - pad
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    top -= _draw_text_box(
        canvas, face.event_name, x=x + pad, top=top, width=inner_w, height=6 * mm, max_size=10
    )
    canvas.setFillColorRGB(0, 0, 0)
    portrait = h > w
    qr_size = min(inner_w * 0.55, h * 0.36) if portrait else h * 0.5
    name_h = h * (0.2 if portrait else 0.26)
    top -= 2 * mm
    top -= _draw_text_box(
        canvas,
        face.name,
        x=x + pad,
        top=top,
        width=inner_w,
        height=name_h,
        max_size=30 if portrait else 24,
        max_lines=3,
        bold=True,
    )
    text_w = inner_w if portrait else inner_w - qr_size - 2 * mm
    top -= 1.5 * mm
    for line, size in ((face.company, 13.0), (face.title, 11.0)):
        top -= _draw_text_box(
            canvas,
            line,
            x=x + pad,
            top=top,
            width=text_w,
            height=size * 2.4,
            max_size=size,
            max_lines=2,
            centred=portrait,
        )
    if portrait:
        draw_qr(canvas, face.url, x=x + (w - qr_size) / 2, y=y + pad * 0.6, size=qr_size)
    else:
        draw_qr(canvas, face.url, x=x + w - pad - qr_size, y=y + pad * 0.6, size=qr_size)


def _cells(
    layout: BadgeLayout,
) -> tuple[tuple[float, float], list[tuple[float, float, float, float]]]:
    """The page size and the badge cells on one page, in reading order."""
    if layout is BadgeLayout.a6:
        return A6, [(0.0, 0.0, A6[0], A6[1])]
    columns, rows = (2, 2) if layout is BadgeLayout.a4x4 else (2, 4)
    w, h = A4[0] / columns, A4[1] / rows
    return A4, [
        (col * w, A4[1] - (row + 1) * h, w, h) for row in range(rows) for col in range(columns)
    ]


def check_printable(faces: Sequence[BadgeFace]) -> None:
    """Fail now, with the names concerned, if some text has characters no font can print."""
    fonts()
    for face in faces:
        for text in (face.name, face.company, face.title, face.event_name):
            font_for(text)


def render_badges_pdf(faces: Sequence[BadgeFace], *, layout: BadgeLayout, title: str) -> bytes:
    """A PDF of badges in the chosen layout (CPU-bound: call it in a worker thread)."""
    fonts()
    page, cells = _cells(layout)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=page, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("Rapport")
    if not faces:
        canvas.showPage()
    for start in range(0, len(faces), len(cells)):
        for face, (x, y, w, h) in zip(faces[start : start + len(cells)], cells, strict=False):
            if len(cells) > 1:  # cut lines between badges on a sheet
                canvas.setStrokeColorRGB(0.8, 0.8, 0.8)
                canvas.setLineWidth(0.3)
                canvas.rect(x, y, w, h, stroke=1, fill=0)
            _draw_badge(canvas, face, x, y, w, h)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


PART_BADGES = 240  # badges rendered at a time: whole pages in every layout (1, 4 or 8 a page)


def write_badges_pdf(
    faces: Sequence[BadgeFace],
    *,
    layout: BadgeLayout,
    title: str,
    out: BinaryIO,
    progress: Callable[[int], None] | None = None,
) -> None:
    """The badges as one PDF written to `out`, rendered PART_BADGES at a time and joined as it
    goes, so memory stays flat however many there are; `progress` is told the badges done.
    CPU-bound: call it in a worker thread."""

    def parts() -> Iterator[BinaryIO]:
        for start in range(0, max(len(faces), 1), PART_BADGES):
            chunk = faces[start : start + PART_BADGES]
            yield io.BytesIO(render_badges_pdf(chunk, layout=layout, title=title))
            if progress:
                progress(start + len(chunk))

    pdf_join.join_pdfs(parts(), out, title=title)


def render_poster_pdf(*, event_name: str, url: str) -> bytes:
    """The self check-in door poster: an A4 page with a large QR code."""
    fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Self check-in: {event_name}")
    w, h = A4
    top = h - 25 * mm
    top -= _draw_text_box(
        canvas,
        event_name,
        x=20 * mm,
        top=top,
        width=w - 40 * mm,
        height=30 * mm,
        max_size=28,
        max_lines=2,
    )
    _draw_text_box(
        canvas,
        "Check yourself in",
        x=20 * mm,
        top=top - 8 * mm,
        width=w - 40 * mm,
        height=20 * mm,
        max_size=34,
        bold=True,
    )
    draw_qr(canvas, url, x=(w - 140 * mm) / 2, y=60 * mm, size=140 * mm)
    _draw_text_box(
        canvas,
        "Open Rapport on your phone, sign in, and scan this code.",
        x=20 * mm,
        top=50 * mm,
        width=w - 40 * mm,
        height=12 * mm,
        max_size=14,
    )
    canvas.showPage()
    canvas.save()
    return out.getvalue()
