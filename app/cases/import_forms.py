"""The forms of a platform export's import: the upload, and the mapping of its columns."""
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from app.cases.platform_import import DEFAULT_CHANNEL, FIELDS, MAX_ROWS
from app.forms import Form


class UploadForm(Form):
    file = FileField("导出文件", validators=[FileRequired("请选择平台导出的文件。")],
                     description=f"平台导出的 .xlsx、.xls 或 .csv 文件（UTF-8 或 GBK 编码均可），不超过 10 MB、{MAX_ROWS} 行。",
                     render_kw={"accept": ".xlsx,.xls,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml"
                                          ".sheet,application/vnd.ms-excel,text/csv"})
    channel = SelectField("来源渠道", validators=[DataRequired("请选择来源渠道。")], default=DEFAULT_CHANNEL,
                          invalid_choice_message="请从列表中选择来源渠道。")

    def __init__(self, *args, channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = [SelectChoice(c.code, c.name) for c in channels]


class MappingForm(Form):
    """One select per case field, offering the file's headers; the preview's confirmation posts
    it again as hidden values."""

    def mapping(self) -> dict[str, str]:
        return {f.key: self[f.key].data for f in FIELDS if self[f.key].data}


def mapping_form(headers: list[str], proposed: dict[str, str] | None = None, examples: dict[str, str] | None = None,
                 **kwargs) -> MappingForm:
    """``examples``: a value of each column, shown beside its name so a column is recognised
    whatever the file calls it."""
    examples = examples or {}
    choices = [SelectChoice("", "（不导入）")] + [
        SelectChoice(h, f"{h}（如：{_short(examples[h])}）" if examples.get(h) else h) for h in headers if h]

    class FileMappingForm(MappingForm):
        pass

    for f in FIELDS:
        label = f"{f.label}（必选）" if f.required else f.label
        setattr(FileMappingForm, f.key, SelectField(label, choices=choices, default=(proposed or {}).get(f.key, ""),
                                                    description=f.hint,
                                                    invalid_choice_message="请从文件的列中选择。"))
    return FileMappingForm(**kwargs)


def _short(text: str, length: int = 16) -> str:
    return text if len(text) <= length else text[:length] + "…"
