"""Chinese figures as official writers write them (GB/T 15835), on Decimal, never float.

- `quantity`: the typed value every figure becomes (number + unit + written precision).
- `units`: 元/万元/亿元, 人/万人, 人次/万人次 … and how they convert.
- `parse`: written text → typed value (used by the fact loader and the checks).
- `chinese`: Chinese numerals both ways, heading numbers, 〇 years, 大写 amounts.
- `format`: typed value → official text (the Jinja filters wrap these).
"""

from zongjie.numbers.quantity import Quantity, YearMonth

__all__ = ["Quantity", "YearMonth"]
