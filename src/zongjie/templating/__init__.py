"""③ Rendering templates and narrative to Markdown: Jinja, sandboxed and strict.

context is what a template sees, environment the sandboxed environment (allowlist: what a
template may reach; bounds: how much it may make), render renders one document with its
state, filters are the Chinese number filters, provenance marks every figure with its source
through the Markdown, placeholders records facts not filled in yet, clauses drops an optional
figure's clause, origins tags pictures and charts with their file and line, and errors turns
Jinja's errors into the writer's words.
"""
