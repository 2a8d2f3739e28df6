"""QR codes for posters and printed booklets (SVG for print, PNG for chat apps)."""

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

BOX_SIZE = 10
BORDER = 4


def _qr(url: str) -> qrcode.QRCode:
    # Level M survives a crease or a smudge on a village notice board.
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=BOX_SIZE, border=BORDER
    )
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules (True = dark), quiet zone included."""
    return _qr(url).get_matrix()


def qr_svg(url: str) -> str:
    """An SVG QR code for ``url``: one path, scales to any print size."""
    image = _qr(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def qr_png(url: str) -> bytes:
    """A PNG QR code for ``url``."""
    buffer = io.BytesIO()
    _qr(url).make_image().save(buffer, format="PNG")
    return buffer.getvalue()
