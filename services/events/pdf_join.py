"""One PDF file made of several, written as it goes: each part is read with pikepdf (qpdf), its
objects are written to the output under new numbers, and only their offsets are kept. So a
sheet of 10,000 badges is rendered a few hundred at a time and never held whole in memory
(reportlab keeps every page of a document until it saves it).

Each part keeps its own fonts; the page tree, the catalog and the document information are
written at the end, then the cross-reference table.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, BinaryIO

import pikepdf

# Objects 1-3 of the output: the page tree, the catalog and the document information.
PAGES, CATALOG, INFO = 1, 2, 3
SKIPPED_TYPES = ("/Catalog", "/Pages")


def _scalar(value: Any) -> bytes:
    if value is None:
        return b"null"
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, Decimal | float):
        return format(Decimal(value), "f").encode()
    return bytes(value.unparse(resolved=True))  # names, strings, other PDF objects


class _Writer:
    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.offsets: dict[int, int] = {}
        self.next_number = INFO + 1
        self.kids: list[int] = []
        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def _value(self, value: Any, numbers: dict[tuple[int, int], int]) -> bytes:
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            return f"{numbers[value.objgen]} 0 R".encode()
        if isinstance(value, pikepdf.Dictionary):
            return self._dict(value.items(), numbers)
        if isinstance(value, pikepdf.Array):
            return b"[" + b" ".join(self._value(v, numbers) for v in value) + b"]"
        return _scalar(value)

    def _dict(self, items: Iterable[tuple[str, Any]], numbers: dict[tuple[int, int], int]) -> bytes:
        parts = []
        for key, value in items:
            name = bytes(pikepdf.Name(key).unparse())
            if key == "/Parent":  # every page hangs from the one page tree of the output
                parts.append(name + f" {PAGES} 0 R".encode())
            else:
                parts.append(name + b" " + self._value(value, numbers))
        return b"<<" + b" ".join(parts) + b">>"

    def _object(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(f"{number} 0 obj\n".encode() + body)
        if stream is not None:
            self.out.write(b"\nstream\n" + stream + b"\nendstream")
        self.out.write(b"\nendobj\n")

    def add(self, part: BinaryIO) -> None:
        """Append every page of the PDF `part` (with what its pages use)."""
        with pikepdf.Pdf.open(part) as pdf:
            skipped = {pdf.Root.objgen, pdf.Root.Pages.objgen}
            if "/Info" in pdf.trailer:
                skipped.add(pdf.trailer.Info.objgen)
            numbers: dict[tuple[int, int], int] = {}
            for obj in pdf.objects:
                if obj.objgen != (0, 0) and obj.objgen not in skipped:
                    numbers[obj.objgen] = self.next_number
                    self.next_number += 1
            for obj in pdf.objects:
                number = numbers.get(obj.objgen)
                if number is None:
                    continue
                if isinstance(obj, pikepdf.Stream):
                    raw = obj.read_raw_bytes()
                    items = [(k, v) for k, v in obj.stream_dict.items() if k != "/Length"]
                    body = self._dict([*items, ("/Length", len(raw))], numbers)
                    self._object(number, body, raw)
                else:
                    self._object(number, self._value_direct(obj, numbers))
            self.kids += [numbers[page.obj.objgen] for page in pdf.pages]

    def _value_direct(self, obj: Any, numbers: dict[tuple[int, int], int]) -> bytes:
        """An indirect object's own body (not a reference to it)."""
        if isinstance(obj, pikepdf.Dictionary):
            return self._dict(obj.items(), numbers)
        if isinstance(obj, pikepdf.Array):
            return b"[" + b" ".join(self._value(v, numbers) for v in obj) + b"]"
        return _scalar(obj)

    def finish(self, *, title: str) -> None:
        kids = b" ".join(f"{k} 0 R".encode() for k in self.kids)
        self._object(PAGES, b"<</Type /Pages /Count %d /Kids [" % len(self.kids) + kids + b"]>>")
        self._object(CATALOG, f"<</Type /Catalog /Pages {PAGES} 0 R>>".encode())
        title_string = bytes(pikepdf.String(title).unparse())
        self._object(INFO, b"<</Title " + title_string + b" /Creator (Rapport)>>")
        xref = self.out.tell()
        size = self.next_number
        self.out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
        for number in range(1, size):
            self.out.write(f"{self.offsets[number]:010d} 00000 n \n".encode())
        self.out.write(
            f"trailer\n<</Size {size} /Root {CATALOG} 0 R /Info {INFO} 0 R>>\n".encode()
            + f"startxref\n{xref}\n%%EOF\n".encode()
        )


def join_pdfs(parts: Iterable[BinaryIO], out: BinaryIO, *, title: str) -> None:
    """Write the pages of every part, in order, as one PDF to `out`."""
    writer = _Writer(out)
    for part in parts:
        writer.add(part)
    writer.finish(title=title)
