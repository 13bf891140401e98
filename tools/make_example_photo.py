"""Draw the example workspace's photo (content/岳阳楼区/2023/图片/义诊活动.jpg).

The example needs a picture to show how pictures work; a drawn scene keeps the repository
free of anyone's real photo and small (< 100 KB). Run once: python tools/make_example_photo.py
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parent.parent / "content" / "岳阳楼区" / "2023" / "图片" / "义诊活动.jpg"
WIDTH, HEIGHT = 1200, 800


def main() -> None:
    rng = random.Random(2023)
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):  # sky above, square paving below
        if y < 430:
            shade = int(150 + 80 * y / 430)
            draw.line([(0, y), (WIDTH, y)], fill=(shade - 60, shade - 20, 245))
        else:
            draw.line([(0, y), (WIDTH, y)], fill=(190 - (y - 430) // 8, 180 - (y - 430) // 8, 165))
    draw.rectangle([0, 250, WIDTH, 430], fill=(225, 220, 205))  # building
    for x in range(40, WIDTH, 110):
        draw.rectangle([x, 280, x + 60, 340], fill=(120, 150, 175))
    draw.rectangle([140, 360, 1060, 430], fill=(200, 30, 30))  # banner
    for x in range(180, 1030, 70):
        draw.rectangle([x, 378, x + 40, 412], fill=(250, 225, 120))  # its characters, drawn as blocks
    for x in (200, 520, 840):  # tents with tables
        draw.polygon([(x, 470), (x + 90, 430), (x + 180, 470)], fill=(30, 90, 170))
        draw.rectangle([x + 10, 470, x + 170, 560], fill=(245, 245, 245))
        draw.rectangle([x + 20, 540, x + 160, 580], fill=(90, 60, 40))
    for _ in range(45):  # people
        x, y = rng.randint(20, WIDTH - 40), rng.randint(560, 760)
        colour = rng.choice([(40, 40, 60), (200, 60, 60), (60, 110, 180), (230, 230, 230), (70, 130, 80)])
        size = 14 + (y - 560) // 12
        draw.ellipse([x, y - size * 2, x + size, y - size], fill=(60, 45, 35))
        draw.rectangle([x - size // 4, y - size, x + size + size // 4, y + size * 2], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    image.save(OUT, "JPEG", quality=70, optimize=True)
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
