"""① Reading a workspace: what is on disk, typed and located.

textio (encodings, BOM, control characters) and yamlio (YAML that keeps every value's line)
read files; config, workspace and templateinfo describe the workspace, its district-years and
templates; facts turns facts.yaml into typed facts, rollup adds a city's members' sums, and
loading gathers one district-year's inputs (its facts, last year's, its template and rules).
containment keeps every read inside the workspace.
"""
