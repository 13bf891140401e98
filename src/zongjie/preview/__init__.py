"""Live preview: `zongjie serve` keeps one warm process, rebuilds the documents whose inputs
changed when a file is saved, and serves each document's HTML with its check findings at the
figures they concern, to a browser that reloads by itself.

    documents.py   one document's preview: the build pipeline run in memory, never raising
    changes.py     which documents a changed file concerns
    pages.py       the index, the document overlay (findings panel, highlights), the error page
    server.py      the HTTP server on 127.0.0.1, server-sent events, the file watcher
"""
