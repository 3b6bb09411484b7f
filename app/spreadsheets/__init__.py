"""Excel workbooks (openpyxl), for every domain that imports or exports them.

- ``cells``: what a cell holds, as text, a date, a number or a choice (parsers raise ValueError
  with the sentence the preview shows).
- ``imports``: one kind of import is a ``SheetSpec`` (its columns) and an ``Importer`` (its row
  handler); the package reads and checks the upload, keeps it until the user confirms
  (``pending``), and imports every row or none.
- ``writing``: the one place every export and template writes its cells (user text as inert
  text), with the header style and safe sheet titles.
"""
