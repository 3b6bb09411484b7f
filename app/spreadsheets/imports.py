"""Importing a workbook: one kind of import is a ``SheetSpec`` (the columns it reads) and an
``Importer`` (what it makes of each cell and row, and how it saves a row).

An import writes nothing until it is confirmed. ``Importer.preview`` reads the upload, parses
every cell and checks every row; the view keeps the file (``pending``) while the user looks at
the preview; the confirmation previews the file again (the database may have changed
meanwhile) and ``Importer.confirm`` saves every row in the one transaction of the request, or
none.
"""
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from app.extensions import db
from app.rules import RuleError
from app.spreadsheets.cells import cell_text
from app.spreadsheets.writing import REQUIRED_FILL, add_sheet, header_row, new_workbook, to_bytes, write_row

MAX_COLUMNS = 60
MAX_FILE_BYTES = 10 * 1024 * 1024
# What the workbook may unpack to (a few thousand rows are a few MB of XML), and its texts.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 20 * 1024 * 1024
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    key: str  # the field it fills
    header: str
    kind: str = "text"  # the importer's parser reads it; "date" columns are formatted as dates
    required: bool = False
    width: int = 14
    note: str = ""
    choices: type[Enum] | None = None  # members with a .label: the template offers them in a drop-down
    as_text: bool = False  # the template formats the column as text: long codes stay text, not 9.1E+17


@dataclass(frozen=True)
class SheetSpec:
    title: str  # the sheet read (else the first one) and the template's
    columns: tuple[Column, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)  # other header spellings -> column key
    document: str = "名册"  # what the file is called in messages
    max_rows: int = 2000

    def key_for(self, header) -> str | None:
        text = re.sub(r"[\s*＊]|[（(]必填[）)]", "", str(header or ""))
        return next((c.key for c in self.columns if c.header == text), None) or self.aliases.get(text)


@dataclass
class Row:
    number: int  # the row number Excel shows
    cells: dict[str, str]  # column key -> the text as typed, for the preview
    fields: dict = field(default_factory=dict)  # column key -> parsed value (and what the handler adds)
    errors: dict[str, str] = field(default_factory=dict)  # column key -> sentence


@dataclass
class Preview:
    rows: list[Row]
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def error_rows(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.error_rows


class Importer:
    """One kind of import. A subclass sets ``spec`` and implements ``parse_cell`` (a cell's value
    for its field, or ValueError with the sentence for the preview) and ``save`` (one checked
    row into the session); ``check_row`` and ``check_rows`` add the rules of a whole row and
    across the rows (duplicates in the file and in the database)."""

    spec: SheetSpec
    row_class: type[Row] = Row

    def parse_cell(self, column: Column, value):
        raise NotImplementedError

    def prepare(self, records: list[dict]) -> None:
        """Read, in one go, what checking the rows will look up (the records a row may update)."""

    def check_row(self, row: Row) -> None:
        pass

    def check_rows(self, rows: list[Row]) -> None:
        pass

    def save(self, row: Row):
        """Write one checked row; returns the record made or changed, None when nothing changed."""
        raise NotImplementedError

    def preview(self, data: bytes) -> Preview:
        """Every row parsed and checked; nothing written."""
        raw_rows, ignored = read_rows(self.spec, data)
        self.prepare([record for _, record in raw_rows])
        rows = [self._row(number, record) for number, record in raw_rows]
        self.check_rows(rows)
        return Preview(rows, ignored)

    def _row(self, number: int, record: dict) -> Row:
        row = self.row_class(number, {key: cell_text(value) for key, value in record.items()})
        for column in self.spec.columns:
            if column.key not in record:
                if column.required:
                    row.errors[column.key] = "必填。"
                value = self.parse_cell(column, None)
            else:
                try:
                    value = self.parse_cell(column, record[column.key])
                except ValueError as error:
                    row.errors[column.key] = str(error)
                    value = None
            row.fields[column.key] = value
        self.check_row(row)
        return row

    def confirm(self, preview: Preview) -> list:
        """Save every row; the caller commits once, so it is all or nothing. Returns what was
        written (rows without a change write nothing)."""
        if not preview.ok:
            raise ValueError("an import with errors is never confirmed")
        saved = [record for row in preview.rows if (record := self.save(row)) is not None]
        db.session.flush()  # one flush: the inserts and their audit entries go in batches
        return saved


def check_unpacked_size(data: bytes) -> None:
    """An .xlsx is a zip of XML: judge what it unpacks to from the zip's directory, before any
    of it is parsed. openpyxl keeps the shared strings (every distinct text, a 1 GB cell
    included) in memory even in read-only mode, so they get the tightest bound."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        return  # not a zip: load_workbook says so in its own words below
    total = sum(m.file_size for m in members)
    strings = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    if total > MAX_UNPACKED_BYTES or strings > MAX_SHARED_STRINGS_BYTES or any(
            m.file_size > MAX_UNPACKED_BYTES for m in members):
        raise RuleError(f"文件解压后超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB（或其中文字过多），"
                        "可能含有超长的单元格或大量空白格式。请只保留要导入的数据，另存后再上传。")


def read_rows(spec: SheetSpec, data: bytes) -> tuple[list[tuple[int, dict]], list[str]]:
    """The rows as (Excel row number, {column key: cell value}), and the headers ignored.

    The header row is the first of the top ten rows naming at least two known columns, so a
    title row above it does no harm; blank rows are skipped.
    """
    if not data:
        raise RuleError("上传的文件是空的。")
    if len(data) > MAX_FILE_BYTES:
        raise RuleError(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB，请分成几个文件导入。")
    check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as error:
        raise RuleError("文件不是有效的 Excel 工作簿（.xlsx）。如果是 .xls、.et 或 .csv 文件，"
                          "请先用 Excel 或 WPS 另存为 .xlsx 再上传。") from error
    max_scanned = 5 * spec.max_rows
    try:
        sheet = workbook[spec.title] if spec.title in workbook.sheetnames else workbook.worksheets[0]
        # Bounded both ways: a stray format in column XFD or a million blank rows cost nothing.
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        columns: dict[int, str] = {}
        ignored: list[str] = []
        number = 0
        for number, values in enumerate(rows, start=1):
            keys = {i: spec.key_for(v) for i, v in enumerate(values)}
            if sum(1 for k in keys.values() if k) >= 2:
                columns = {i: k for i, k in keys.items() if k}
                ignored = [cell_text(values[i]) for i, k in keys.items() if not k and cell_text(values[i])]
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        required = [c for c in spec.columns if c.required]
        if not columns:
            named = "".join(f"“{c.header}”" for c in required)
            raise RuleError(f"找不到表头行：第一行应为{named}等列名，请使用下载的模板。")
        missing = [c.header for c in required if c.key not in columns.values()]
        if missing:
            raise RuleError(f"缺少必填列：{'、'.join(missing)}。")
        result = []
        header_row_number = number
        for number, values in enumerate(rows, start=header_row_number + 1):
            if number - header_row_number > max_scanned:
                raise RuleError(f"{spec.document}行数过多（含空行超过 {max_scanned} 行），请删除多余的空行，"
                                  f"每次最多导入 {spec.max_rows} 行。")
            record = {key: values[i] if i < len(values) else None for i, key in columns.items()}
            if all(cell_text(v) == "" for v in record.values()):
                continue
            if len(result) >= spec.max_rows:
                raise RuleError(f"一次最多导入 {spec.max_rows} 行，请分成几个文件导入。")
            result.append((number, record))
    finally:
        workbook.close()
    if not result:
        raise RuleError(f"{spec.document}中没有数据行。")
    return result, ignored


def template_workbook(spec: SheetSpec, instructions: str) -> bytes:
    """An empty sheet to fill in: the header row (required columns shaded and starred), drop-down
    lists for the fixed choices, and a sheet of instructions ending with ``instructions``."""
    workbook, sheet = new_workbook(spec.title)
    columns = spec.columns
    fills = {i: REQUIRED_FILL for i, c in enumerate(columns, start=1) if c.required}
    header_row(sheet, [c.header + ("*" if c.required else "") for c in columns], [c.width for c in columns], fills)
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        if column.as_text:
            sheet.column_dimensions[letter].number_format = "@"
        elif column.kind == "date":
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if column.choices is not None:
            validation = DataValidation(type="list", formula1='"' + ",".join(m.label for m in column.choices) + '"',
                                        allow_blank=True, showErrorMessage=True, errorTitle="请从列表中选择",
                                        error="请从下拉列表中选择。")
            validation.add(f"{letter}2:{letter}{spec.max_rows + 1}")
            sheet.add_data_validation(validation)
    notes = add_sheet(workbook, "填写说明")
    header_row(notes, ["列名", "是否必填", "填写要求"], [18, 10, 70])
    for column in columns:
        write_row(notes, [column.header, "必填" if column.required else "", column.note])
    write_row(notes, [])
    write_row(notes, ["说明", "", instructions])
    return to_bytes(workbook)
