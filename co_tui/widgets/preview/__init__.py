"""The file preview on the asset page: the panel that fetches, the widget that draws.

``panel.py`` (:class:`PreviewPanel`) decides what to fetch for the highlighted file and when;
``file_preview.py`` (:class:`FilePreview`) shows a built document; ``document.py`` holds the
document with its lazily laid-out parts; ``parts.py`` and ``blocks.py`` are the parts (lines,
tables, Markdown, notebooks, binary formats). Bytes become a preview in ``co_tui/preview/``,
which knows nothing of Textual.
"""
