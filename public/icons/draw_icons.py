"""Draws Linli's PNG icons from the same geometry as icon.svg.

Run once after changing the design: `python3 public/icons/draw_icons.py`
(needs Pillow). The PNGs are committed, so builds need neither.
"""
from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (21, 128, 61, 255)
WHITE = (255, 255, 255, 255)
HERE = Path(__file__).parent


def symbol(draw: ImageDraw.ImageDraw, size: int, scale: float) -> None:
    """A house with a heart inside: neighbours looking after each other."""
    c = size / 2
    u = size * scale / 100  # one unit of the 100-unit design grid
    def p(x, y):
        return (c + (x - 50) * u, c + (y - 50) * u)
    # roof
    draw.polygon([p(50, 14), p(88, 46), p(80, 46), p(50, 22), p(20, 46), p(12, 46)], fill=WHITE)
    # walls
    draw.rectangle([p(22, 44), p(78, 84)], fill=WHITE)
    # heart, cut out in green
    r = 9 * u
    lx, ly = p(41, 56)
    rx, ry = p(59, 56)
    draw.ellipse([lx - r, ly - r, lx + r, ly + r], fill=GREEN)
    draw.ellipse([rx - r, ry - r, rx + r, ry + r], fill=GREEN)
    draw.polygon([p(32.6, 59.5), p(67.4, 59.5), p(50, 77)], fill=GREEN)


def icon(size: int, maskable: bool) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if maskable:
        # Full bleed; the symbol stays inside the 80% safe circle.
        draw.rectangle([0, 0, size, size], fill=GREEN)
        symbol(draw, size, 0.62)
    else:
        radius = size * 0.2
        draw.rounded_rectangle([0, 0, size - 1, size - 1], radius=radius, fill=GREEN)
        symbol(draw, size, 0.8)
    return img


def main() -> None:
    for size in (192, 512):
        icon(size * 4, False).resize((size, size), Image.LANCZOS).save(HERE / f"icon-{size}.png")
    icon(512 * 4, True).resize((512, 512), Image.LANCZOS).save(HERE / "icon-maskable-512.png")
    icon(180 * 4, True).resize((180, 180), Image.LANCZOS).save(HERE / "apple-touch-icon.png")


if __name__ == "__main__":
    main()
