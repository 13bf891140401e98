"""`zongjie import`: facts read from the statistics spreadsheets (.xlsx, CSV) into facts.yaml.

A mapping (`导入.yaml`, per template, district or year) says where each fact comes from; the
import rewrites only those facts in facts.yaml (ruamel round-trip) and records each one's cell
in a sidecar (`导入来源.yaml`) that the fact loader reads, so checks and the HTML name the cell.
Only `sources` is imported by the build path; openpyxl is imported by `grid` on demand.
"""
