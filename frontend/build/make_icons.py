"""Draw the app icons (a bold "R" on the brand colour) into public/icons/.

Run from the repository root: .venv/bin/python frontend/build/make_icons.py
The PNGs are committed; run this again only when the design changes.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = "#1e3a8a"
INK = "#ffffff"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
OUT = Path(__file__).resolve().parent.parent / "public" / "icons"


def draw_icon(size: int, *, letter_share: float, rounded: bool) -> Image.Image:
    """A square icon; `letter_share` is the letter's height as a share of the side."""
    scale = 4  # draw big and shrink, for smooth edges
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 5, fill=BRAND)
    else:  # maskable: full bleed, the platform cuts its own shape
        draw.rectangle((0, 0, side, side), fill=BRAND)
    font = ImageFont.truetype(FONT, size=int(side * letter_share / 0.73))
    left, top, right, bottom = draw.textbbox((0, 0), "R", font=font)
    x = (side - (right - left)) / 2 - left
    y = (side - (bottom - top)) / 2 - top
    draw.text((x, y), "R", font=font, fill=INK)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    """Write icon-192.png, icon-512.png and icon-maskable-512.png."""
    OUT.mkdir(parents=True, exist_ok=True)
    draw_icon(192, letter_share=0.55, rounded=True).save(OUT / "icon-192.png", optimize=True)
    draw_icon(512, letter_share=0.55, rounded=True).save(OUT / "icon-512.png", optimize=True)
    # The maskable safe zone is the central circle of 80% diameter: keep the letter well inside.
    draw_icon(512, letter_share=0.36, rounded=False).save(
        OUT / "icon-maskable-512.png", optimize=True
    )
    draw_icon(180, letter_share=0.55, rounded=False).convert("RGB").save(
        OUT / "apple-touch-icon.png", optimize=True
    )


if __name__ == "__main__":
    main()
