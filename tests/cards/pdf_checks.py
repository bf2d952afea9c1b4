"""Reading a credential PDF as a verifier or a printer would: its text, the glyphs it draws, its QR code."""

import io
import re
from dataclasses import dataclass

import zxingcpp
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream, TextStringObject

BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")


@dataclass(frozen=True)
class DrawnGlyph:
    font: str
    glyph_id: int
    text: str
    in_font: bool
    has_outline: bool


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _font_program(font) -> TTFont:
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    stream = next(descriptor[key] for key in ("/FontFile3", "/FontFile2", "/FontFile") if key in descriptor)
    return TTFont(io.BytesIO(stream.get_object().get_data()))


def _to_unicode(font) -> dict[int, str]:
    data = font["/ToUnicode"].get_object().get_data()
    return {int(glyph, 16): bytes.fromhex(text.decode()).decode("utf-16-be") for glyph, text in BFCHAR.findall(data)}


def pdf_fonts(pdf: bytes) -> dict[str, dict]:
    """Each font of the first page by resource name: its PostScript name and whether its program is embedded."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = {}
    for resource, reference in page["/Resources"]["/Font"].items():
        font = reference.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        fonts[resource] = {
            "name": str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1],
            "embedded": any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")),
        }
    return fonts


def _fonts_of(resources) -> dict:
    fonts = {}
    for resource, reference in resources.get("/Font", {}).items():
        font = reference.get_object()
        program = _font_program(font)
        fonts[resource] = (str(font["/BaseFont"]), program, program.getGlyphSet(), _to_unicode(font))
    return fonts


def _glyphs_drawn_by(stream, resources, reader, inherited: dict) -> list[DrawnGlyph]:
    fonts = {**inherited, **_fonts_of(resources)}
    drawn = []
    current = None
    for operands, operator in ContentStream(stream, reader).operations:
        if operator == b"Tf":
            current = fonts[operands[0]]
        elif operator == b"Do":
            xobject = resources["/XObject"][operands[0]].get_object()
            if xobject["/Subtype"] == "/Form":
                drawn += _glyphs_drawn_by(xobject, xobject.get("/Resources", resources), reader, fonts)
        elif operator in (b"Tj", b"TJ"):
            strings = operands[0] if operator == b"TJ" else operands
            for string in strings:
                if isinstance(string, TextStringObject):
                    string = string.original_bytes  # the glyph ids, not pypdf's guess at text
                elif not isinstance(string, bytes):
                    continue  # a kerning number of TJ
                name, program, glyph_set, to_unicode = current
                for index in range(0, len(string), 2):
                    glyph_id = int.from_bytes(string[index : index + 2], "big")
                    in_font = 0 < glyph_id < program["maxp"].numGlyphs
                    has_outline = False
                    if in_font:
                        pen = BoundsPen(glyph_set)
                        glyph_set[program.getGlyphName(glyph_id)].draw(pen)
                        has_outline = pen.bounds is not None
                    drawn.append(DrawnGlyph(name, glyph_id, to_unicode.get(glyph_id, ""), in_font, has_outline))
    return drawn


def pdf_drawn_glyphs(pdf: bytes) -> list[DrawnGlyph]:
    """Every glyph the first page's text operators draw (in its forms too), looked up in the embedded font program
    that draws it: glyph 0 is .notdef, and a glyph the font lacks has an id past its last glyph."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    return _glyphs_drawn_by(page.get_contents(), page["/Resources"], reader, {})


def camera_view(image: Image.Image) -> Image.Image:
    """The image in grey, four times larger without smoothing, as a camera close to the printed code sees it."""
    return image.convert("L").resize((image.width * 4, image.height * 4), Image.Resampling.NEAREST)


def pdf_qr_texts(pdf: bytes) -> list[str]:
    """The text of every QR code found in the PDF's images."""
    texts = []
    for image in PdfReader(io.BytesIO(pdf)).pages[0].images:
        for barcode in zxingcpp.read_barcodes(camera_view(image.image)):
            if barcode.format == zxingcpp.BarcodeFormat.QRCode:
                texts.append(barcode.text)
    return texts
