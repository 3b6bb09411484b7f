from wtforms import DateField, StringField
from wtforms.validators import StopValidation, ValidationError

from app.forms import QueryForm
from app.parsing import YEARS
from app.reports.statistics import DATES, Period, parse_period
from app.timeutil import local_today

DATE_MESSAGE = "请按“年-月-日”填写日期，如 2026-03-01。"


def _date_of_period(missing: str):
    """The dates count only for a period chosen by its dates; then both must be given."""
    def check(form, field):
        if not form.by_dates:
            field.errors.clear()
            raise StopValidation()
        if not "".join(field.raw_data or ()).strip():
            field.errors.clear()
            raise StopValidation(missing)
        if field.data and not YEARS[0] <= field.data.year <= YEARS[1]:
            raise StopValidation(f"日期应在 {YEARS[0]} 年至 {YEARS[1]} 年之间。")
    return check


class StatisticsForm(QueryForm):
    """统计期间, read from the query string: a year or a half-year (?period=2026, 2026-H1), or
    DATES with its first and last day (?period=dates&start=2026-03-01&end=2026-06-30)."""

    period = StringField("统计期间")
    start = DateField("起始日期", validators=[_date_of_period("请填写起始日期（年-月-日）。")],
                      invalid_value_message=DATE_MESSAGE)
    end = DateField("截止日期", validators=[_date_of_period("请填写截止日期（年-月-日）。")],
                    invalid_value_message=DATE_MESSAGE)

    def __init__(self, formdata):
        super().__init__(formdata)
        if not self.period.data:  # this year, until another period is chosen
            self.period.data = Period.year(local_today().year).code

    @property
    def by_dates(self) -> bool:
        return self.period.data == DATES

    def validate_period(self, field):
        if not self.by_dates and parse_period(field.data) is None:
            raise ValidationError("请选择年度或半年（如 2026、2026-H1），或选择“按起止日期”。")

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("截止日期不能早于起始日期。")

    def chosen(self) -> Period:
        """The period asked for (once validated)."""
        if self.by_dates:
            return Period.between(self.start.data, self.end.data)
        return parse_period(self.period.data)
