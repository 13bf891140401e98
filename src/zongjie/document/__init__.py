"""④ The document model every writer reads, and the passes over it.

model holds the blocks and inlines, walk traverses them (after pandoc's Walk), reader turns
the rendered Markdown into the model (figures reads picture and chart blocks, table captions
and merged cells), and the passes run in assemble.py's order: pictures, charts, captions,
numbering (heading numbers), counting (两 for a counted 二), localize (Traditional).
"""
