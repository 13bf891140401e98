"""The size of a JPEG or PNG from its header, without an imaging library.

Most pictures in a summary are already fit for print; for those, pictures.py needs only their
size to lay them out, and reading it here spares importing Pillow (~25 ms of a cold build).
Anything this reader is not sure about (an EXIF orientation, CMYK, an unusual segment) answers
None, and Pillow decides.
"""

from __future__ import annotations

import struct

# JPEG start-of-frame markers that carry the image size (not DHT C4, JPG C8, DAC CC)
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # markers without a length


def plain_size(data: bytes, mime: str) -> tuple[int, int] | None:
    """(width, height) of an upright RGB or greyscale image, else None."""
    try:
        return _png_size(data) if mime == "image/png" else _jpeg_size(data)
    except (struct.error, IndexError, ValueError):
        return None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return (width, height) if width and height else None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    position = 2  # after SOI
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _STANDALONE:
            position += 2
            continue
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        segment = data[position + 4:position + 2 + length]
        if marker == 0xE1 and segment.startswith(b"Exif\0\0") and _orientation(segment[6:]) not in (None, 1):
            return None  # stored on its side: Pillow turns it
        if marker in _SOF:
            height, width = struct.unpack(">HH", segment[1:5])
            components = segment[5]
            return (width, height) if width and height and components in (1, 3) else None
        if marker == 0xDA:  # start of scan before any frame header: not a file we understand
            return None
        position += 2 + length
    return None


def _orientation(tiff: bytes) -> int | None:
    """The EXIF orientation tag (0x0112) of IFD0, or None; raises on a malformed block."""
    order = {b"II": "<", b"MM": ">"}[tiff[:2]]
    offset = struct.unpack(order + "I", tiff[4:8])[0]
    count = struct.unpack(order + "H", tiff[offset:offset + 2])[0]
    for index in range(count):
        entry = tiff[offset + 2 + 12 * index: offset + 14 + 12 * index]
        tag, kind = struct.unpack(order + "HH", entry[:4])
        if tag == 0x0112 and kind == 3:
            return struct.unpack(order + "H", entry[8:10])[0]
    return None
