"""The official page's geometry (GB/T 9704-2012): A4, a text block (版心) 156 mm wide.

A leaf shared by what reads a picture's width (figures.py: "宽度=50%" is half the text
block) and by the DOCX writer that lays it out. DrawingML measures in EMU.
"""

from __future__ import annotations

EMU_PER_MM = 36000
EMU_PER_PT = 12700
TEXT_WIDTH_MM = 156
TEXT_WIDTH_EMU = TEXT_WIDTH_MM * EMU_PER_MM
