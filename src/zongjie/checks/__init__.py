"""Consistency checks between the figures of a district-year.

Rules are relations written as formulas over fact keys (`参保.参保人数 = 参保.城乡居民缴费人数 +
参保.职工参保人数`), declared in YAML per template, per district and per district-year.
They are evaluated on intervals (a written value stands for every value its precision allows)
with units converted, and each failure is reported with every figure's file:line.
"""
