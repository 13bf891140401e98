"""Pictures: find the file a picture names, check it, and prepare it for print.

A picture's path is relative to the file that names it and must stay inside that file's
folder (a subfolder such as 图片/ is fine; `..`, an absolute path or a link leading elsewhere is
refused): pictures then live beside the narrative, one district cannot pull in another's
photos, and the incremental build, which fingerprints those folders, notices a changed photo.

Only JPEG and PNG, at most MAX_BYTES on disk and MAX_PIXELS in size. A photo larger than the
print needs is downscaled (to PRINT_DPI at its printed width) and re-encoded, so a 6 MB phone
photo does not go into every DOCX and HTML at full size. Pillow does the decoding and
resampling (a well-kept library; decoding JPEG ourselves is not an option); it is imported
only when a picture must be resized, turned or converted: a picture already fit for print is
measured from its header (image_header.py) and goes in as it is.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from msgspec.structs import replace

from zongjie.document.figures import FigureError
from zongjie.document.image_header import plain_size
from zongjie.document.model import Block, Document, Picture
from zongjie.document.walk import iter_blocks, map_blocks
from zongjie.location import Location

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
PRINT_DPI = 200
TEXT_WIDTH_MM = 156.0
JPEG_QUALITY = 85
_KINDS = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def resolve_pictures(document: Document, allowed: tuple[Path, ...] = ()) -> Document:
    """Every picture of the document with its (checked, downscaled) image data. With
    `allowed` (this document's own folders), a picture outside all of them is refused too,
    whatever file it claims to be written in."""
    if not any(isinstance(block, Picture) for block in iter_blocks(document)):
        return document
    roots = tuple(root.resolve() for root in allowed)

    def resolved(block: Block) -> Block:
        return picture_with_data(block, roots) if isinstance(block, Picture) else block

    return map_blocks(resolved, document)


def picture_with_data(picture: Picture, roots: tuple[Path, ...] = ()) -> Picture:
    path = locate(picture.path, picture.origin)
    if roots and not any(path.resolve().is_relative_to(root) for root in roots):
        raise FigureError(f"图片“{picture.path}”不在本文档的文件夹中", picture.origin,
                          "图片要放在本地区本年度的文件夹或所用模板的文件夹里。")
    stat = path.stat()
    width_mm = picture.width_mm or TEXT_WIDTH_MM
    data, mime, pixels = prepared_image(path, stat.st_mtime_ns, stat.st_size, width_mm, picture.origin)
    return replace(picture, data=data, mime=mime, pixels=pixels)


def locate(written: str, origin: Location) -> Path:
    """The file a picture names, if it is a readable file inside its writer's folder."""
    base = origin.file.parent
    hint = "图片要放在写它的文件所在的文件夹（或其中的子文件夹）里，路径相对于该文件，如 ![图注](照片.jpg) 或 ![图注](图片/照片.jpg)。"
    text = written.strip().strip("<>").replace("\\", "/")
    if not text:
        raise FigureError("图片没有写文件名", origin, hint)
    candidate = Path(text)
    if candidate.is_absolute() or ".." in candidate.parts or ":" in text.split("/")[0]:
        raise FigureError(f"图片路径“{written}”指向文件夹之外", origin, hint)
    path = base / candidate
    if not path.is_file():
        raise FigureError(f"找不到图片“{written}”", origin, hint if not path.exists() else "它不是一个文件。")
    if not path.resolve().is_relative_to(base.resolve()):
        raise FigureError(f"图片“{written}”是指向文件夹之外的链接", origin, "出于安全考虑，请把图片本身复制到这个文件夹里。")
    return path


# Bounded like _PREPARED below (the two hold the same prepared bytes): a batch of many photos
# must not keep them all. This one spares re-reading an unchanged file; that one re-deciding
# the same photo found under another path or line.
@lru_cache(maxsize=16)
def prepared_image(path: Path, mtime_ns: int, size: int, width_mm: float, origin: Location) -> tuple[bytes, str, tuple[int, int]]:
    """(bytes, mime type, pixel size) of the picture as it goes into the documents."""
    if size > MAX_BYTES:
        raise FigureError(f"图片“{path.name}”太大（{size / 1024 / 1024:.1f} MB）", origin,
                          f"图片文件不能超过 {MAX_BYTES // 1024 // 1024} MB；请先用看图软件缩小后再用。")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FigureError(f"无法读取图片“{path.name}”（{error.strerror or error}）", origin,
                          "请确认文件没有被其他程序占用、有读取权限。") from None
    mime = next((kind for magic, kind in _KINDS.items() if data.startswith(magic)), None)
    if mime is None:
        raise FigureError(f"“{path.name}”不是 JPEG 或 PNG 图片", origin,
                          "请用看图软件把它另存为 .jpg 或 .png（改扩展名不会改变文件格式）。")
    if not _complete(data, mime):
        raise _damaged(path.name, "文件不完整", origin)
    return _prepared(data, mime, width_mm, path.name, origin)


_PREPARED: dict[tuple[bytes, float], tuple[bytes, str, tuple[int, int]]] = {}


def _prepared(data: bytes, mime: str, width_mm: float, name: str, origin: Location):
    """The same photo (by content) is prepared once per process, wherever it lies: a photo
    kept from last year, or shared by several documents of a batch."""
    import hashlib

    key = (hashlib.blake2b(data, digest_size=16).digest(), width_mm)
    prepared = _PREPARED.get(key)
    if prepared is None:
        prepared = _fit_as_it_is(data, mime, width_mm) or _decoded(data, mime, width_mm, name, origin)
        if len(_PREPARED) >= 16:  # bounded: a batch of many photos must not hold them all
            _PREPARED.clear()
        _PREPARED[key] = prepared
    return prepared


def _fit_as_it_is(data: bytes, mime: str, width_mm: float):
    """A picture upright, in RGB or grey and no wider than print needs goes in as it is; its
    header alone says so (Pillow is not even imported)."""
    size = plain_size(data, mime)
    if size is None or size[0] > round(width_mm / 25.4 * PRINT_DPI) or size[0] * size[1] > MAX_PIXELS:
        return None
    return data, mime, size


def _complete(data: bytes, mime: str) -> bool:
    """A cheap check that the file was not cut short (a copy interrupted, a download
    unfinished): JPEG ends with its EOI marker, PNG with its IEND chunk."""
    tail = data[-64:]
    return b"\xff\xd9" in tail if mime == "image/jpeg" else b"IEND" in tail


def _damaged(name: str, reason: str, origin: Location) -> FigureError:
    return FigureError(f"图片“{name}”已损坏或无法解码（{reason}）", origin, "请用看图软件打开确认，另存一份后再用。")


def _decoded(data: bytes, mime: str, width_mm: float, name: str, origin: Location):
    from PIL import Image, ImageOps  # only documents with pictures pay for Pillow

    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            if image.width * image.height > MAX_PIXELS:
                raise FigureError(f"图片“{name}”像素过多（{image.width}×{image.height}）", origin,
                                  "请先把它缩小到 5000 万像素以下（打印只需约 2000 像素宽）。")
            target = round(width_mm / 25.4 * PRINT_DPI)
            turned = _orientation(image) not in (None, 1)
            if image.width <= target and not turned and not _needs_rgb(image, mime):
                return data, mime, image.size  # fit for print as it is: no decoding needed
            upright = ImageOps.exif_transpose(image)  # phone photos are stored on their side
            if upright.mode not in ("RGB", "RGBA", "L", "LA"):  # palette, 16-bit, CMYK: resample in RGB(A)
                upright = upright.convert("RGBA" if mime == "image/png" else "RGB")
            if upright.width > target:
                height = max(1, round(upright.height * target / upright.width))
                upright = upright.resize((target, height), Image.Resampling.LANCZOS)
            return _encoded(upright, mime), mime, upright.size
    except FigureError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise _damaged(name, str(error), origin) from None


def _orientation(image) -> int | None:
    try:
        return image.getexif().get(0x0112)
    except Exception:  # noqa: BLE001 - a broken EXIF block is no reason to refuse the photo
        return None


def _needs_rgb(image, mime: str) -> bool:
    """CMYK JPEGs show wrongly in browsers; they are converted."""
    return mime == "image/jpeg" and image.mode not in ("RGB", "L")


def _encoded(image, mime: str) -> bytes:
    buffer = io.BytesIO()
    if mime == "image/jpeg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(buffer, "PNG")  # optimize=True would take seconds on a large screenshot
    return buffer.getvalue()


MAX_HEIGHT_MM = 150.0  # leaves room on the page (版心 225 mm) for the caption and some text


def printed_size_mm(picture: Picture) -> tuple[float, float]:
    """Width and height on paper: the given width (else the text width), aspect kept, and a
    tall photo narrowed so that it fits on a page with its caption."""
    width = picture.width_mm or TEXT_WIDTH_MM
    pixel_width, pixel_height = picture.pixels
    if not pixel_width or not pixel_height:
        return width, width * 0.75
    height = width * pixel_height / pixel_width
    if height > MAX_HEIGHT_MM:
        width, height = width * MAX_HEIGHT_MM / height, MAX_HEIGHT_MM
    return round(width, 2), round(height, 2)
