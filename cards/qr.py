"""The QR code of a card's signed token, drawn as a small black-and-white PNG.

A PNG rather than a vector: the PDF shows it without smoothing (image-rendering: pixelated), so it prints as sharp
as a vector, and a verifier's software can read it straight out of the PDF.
"""

import base64
import functools
import io


@functools.lru_cache(maxsize=512)
def qr_png(text: str) -> bytes:
    """A 1-bit PNG of `text`; medium error correction survives a scratched print, the 4-module margin is the
    standard's quiet zone that phone cameras need. Drawn once per text: choosing the best of the eight masks in
    pure Python takes longer than laying out the whole card."""
    import qrcode  # here: it costs every process that starts otherwise (bench/startup.py)

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=4)
    code.add_data(text)
    code.make(fit=True)
    output = io.BytesIO()
    code.make_image().save(output, format="PNG")
    return output.getvalue()


def data_url(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def qr_data_url(text: str) -> str:
    return data_url("image/png", qr_png(text))
