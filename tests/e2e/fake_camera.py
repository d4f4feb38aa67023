"""A fake camera for Chromium: a QR code on a white frame, as the MJPEG file that
`--use-file-for-fake-video-capture` plays in a loop instead of a real camera.

Chromium reads an .mjpeg file as JPEG frames one after another (each from its SOI to its EOI
marker), so the same frame written a few times is a steady picture of the code.
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from PIL import Image

WIDTH, HEIGHT = 640, 480
FRAMES = 10


def qr_frame(text: str, *, size: int = 360) -> Image.Image:
    """A 640x480 white frame with the QR code of `text` centred, about `size` pixels wide."""
    qr = segno.make(text, error="q", micro=False)
    modules = qr.symbol_size(scale=1, border=4)[0]
    out = io.BytesIO()
    qr.save(out, kind="png", scale=max(1, size // modules), border=4)
    code = Image.open(io.BytesIO(out.getvalue())).convert("RGB")
    frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
    frame.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    return frame


def write_mjpeg(path: Path, frame: Image.Image, *, frames: int = FRAMES) -> Path:
    """Write `frame` as an MJPEG file of `frames` identical JPEG frames."""
    jpeg = io.BytesIO()
    frame.save(jpeg, format="JPEG", quality=90)
    path.write_bytes(jpeg.getvalue() * frames)
    return path


def qr_camera_file(path: Path, text: str) -> Path:
    """An MJPEG file that shows the QR code of `text` to whoever opens the fake camera."""
    return write_mjpeg(path, qr_frame(text))
