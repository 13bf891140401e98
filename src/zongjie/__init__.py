"""zongjie（总结）：从事实数据组装年度工作总结。

The package is a pipeline: facts (YAML) and narrative (Markdown) are rendered through Jinja
templates into Markdown, read into one document model, and written as DOCX, HTML and Markdown.
"""

__version__ = "0.1.0"
