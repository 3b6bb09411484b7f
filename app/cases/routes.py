"""诉求件: the ledger, registering a case, the case page with its deadlines and timeline, each
workflow step posted to its own address, and the audited reveal of the requester's data."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict

from app.attachments import kept
from app.attachments.services import ACCEPT_ATTR, attachments_for
from app.auth.models import User
from app.cases import exports, matching, paper, services, workflow
from app.cases.calendar import LIBRARY_YEARS, parse_dates
from app.cases.deadlines import Limit, Unit
from app.cases.forms import CaseForm, LimitForm, MatchForm, MemberForm, OfficeForm, StepForm, YearArrangementForm
from app.cases.ledger import countdown, countdowns_change_at, ledger_filters, ledger_query, next_dues
from app.cases.masking import mask_name, mask_phone
from app.cases.models import (
    SUPERVISION_LADDER,
    ActionKind,
    CalendarYear,
    Case,
    CaseAction,
    CaseDeadline,
    CaseMatch,
    ChannelClass,
    DeadlineKind,
    DeadlineRule,
    HandlingUnit,
    MatchStatus,
    UnitKind,
)
from app.extensions import db
from app.htmx import render_results
from app.jobs import services as jobs
from app.kept_results import kept_results
from app.pagination import paginate
from app.parsing import parse_id
from app.permissions import admin_required, county_required
from app.printing.downloads import ascii_name, file_name, send_download
from app.regions.models import Region, RegionLevel
from app.reports import CASE_FIGURES
from app.rules import RuleError
from app.scoping import scoped_get_or_404
from app.timeutil import local_now
from app.versioning import StaleEdit

bp = Blueprint("cases", __name__)
A = ActionKind


@bp.route("/cases")
@login_required
def index():
    """台账: every case in scope, searched and filtered."""
    now = local_now()
    calendar = services.load_calendar()
    filters = ledger_filters(current_user)

    def rows():
        page = paginate(ledger_query(filters, now, calendar, with_deadlines=False), keys_first=True,
                        one_pass=bool(filters.q.data))
        dues = next_dues([case.id for case in page.items])
        return dict(page=page, filters=filters, now=now, calendar=calendar, dues=dues, countdown=countdown,
                    mask_name=mask_name, mask_phone=mask_phone,
                    possible_duplicates=matching.with_open_proposals([c.id for c in page.items])
                    ), countdowns_change_at(dues.values(), now, calendar)

    results = kept_results((CASE_FIGURES,), "cases/_rows.html", now, rows)
    return render_results("cases/index.html", results, filters=filters, q=filters.q.data)


@bp.route("/cases.xlsx")
@login_required
def export():
    """台账 as the filters select it, every row, as a workbook: at once when small, else written by
    a background job whose page shows the progress, then the download; refused past the limit."""
    now = local_now()
    calendar = services.load_calendar()
    filters = ledger_filters(current_user)
    stmt = ledger_query(filters, now, calendar)
    try:
        rows = exports.counted(stmt)
    except RuleError as error:
        flash(error.message, "error")
        return redirect(url_for("cases.index", **request.args.to_dict()), 303)
    if rows > exports.SYNC_EXPORT_ROWS:
        job = exports.queue_export(request.args.to_dict(), current_user, filters, rows)
        db.session.commit()
        jobs.start(current_app._get_current_object())
        return redirect(url_for("jobs.detail", job_id=job.id), 303)
    return send_download(exports.ledger_workbook(exports.streamed(stmt), now, calendar), exports.ledger_name(now),
                         fallback=ascii_name("cases", current_user.region.code, now.date(), suffix=".xlsx"))


@bp.route("/cases/ledger.pdf")
@login_required
def ledger_pdf():
    """The monthly ledger (or any filtered one) as landscape A4 with its totals."""
    now = local_now()
    calendar = services.load_calendar()
    args = request.args.to_dict()
    args.setdefault("month", f"{now:%Y-%m}")  # the month's ledger unless a month is chosen
    filters = ledger_filters(current_user, MultiDict(args))
    rows = db.session.execute(
        ledger_query(filters, now, calendar).order_by(None).order_by(Case.received_at, Case.id)
        .limit(paper.LEDGER_LIMIT + 1)
    ).unique().scalars().all()
    month = filters.month.data
    title = f"{current_user.region.name}诉求件台账（{month[:4]}年{int(month[5:7])}月）" if len(month) == 7 \
        else f"{current_user.region.name}诉求件台账"
    data = paper.ledger_pdf(rows, title=title, criteria=filters.described(), region_name=current_user.region.name,
                            printed_at=f"{current_user.display_name} {now:%Y-%m-%d %H:%M}", now=now, calendar=calendar)
    return send_download(data, file_name(title, suffix=".pdf"), inline=True,
                         fallback=ascii_name("case-ledger", current_user.region.code, month, suffix=".pdf"))


@bp.route("/cases/new", methods=["GET", "POST"])
@county_required
def new():
    """登记: the county registers a call, a letter, a visit or a platform's work order."""
    channels = services.active_channels()
    form = CaseForm(channels=channels)
    if request.method == "GET" and not form.received_at.data:
        form.received_at.data = local_now().replace(second=0, microsecond=0)
    if form.validate_on_submit():
        channel_class = db.session.get(ChannelClass, parse_id(form.channel_class.data))
        try:
            case = services.register_case(services.NewCase(
                channel_class=channel_class, received_at=form.received_at.data, type=form.type.data,
                category=form.category.data, content=form.content.data or "", requester_name=form.requester_name.data or "",
                requester_phone=form.requester_phone.data or "", external_id=form.external_id.data or None,
                place=form.place.data or "", priority=form.priority.data,
            ), current_user, current_user.region, local_now())
        except RuleError as error:
            db.session.rollback()
            error.show_on(form, "content")
        else:
            db.session.commit()
            flash(f"已登记 {case.number}。", "success")
            return redirect(url_for("cases.detail", case_id=case.id), 303)
    return render_template("cases/new.html", form=form), 422 if form.is_submitted() else 200


def _load(case_id: int) -> Case:
    # What the page shows of the case's channel, class and unit comes with it, not a query each.
    return scoped_get_or_404(
        Case, case_id,
        joinedload(Case.channel), joinedload(Case.channel_class), joinedload(Case.unit),
        selectinload(Case.deadlines).joinedload(CaseDeadline.rule), selectinload(Case.actions),
    )


def _page(case: Case, status: int = 200, *, revealed: bool = False, forms: dict | None = None, stale=None,
          kept_files=(), match_error: str | None = None):
    now = local_now()
    calendar = services.load_calendar()
    actor = services.actor_for(case, current_user)
    steps = workflow.allowed_steps(case, actor, now)
    rung = workflow.next_rung(case)  # of the ladder, the first rung and the one the case is due for
    steps = [k for k in steps if k not in SUPERVISION_LADDER or k in (A.URGE, rung) or k in (forms or {})]
    forms = forms or {}
    for kind in steps:
        if kind not in forms:
            forms[kind] = StepForm(formdata=None, row_version=case.row_version, prefix=kind.value)
        forms[kind].unit_id.choices = [("", "请选择")] + [(str(u.id), u.name) for u in services.units_for(current_user.region)] \
            if kind == A.DISPATCH else []
    deadlines = [(d, countdown(d, now, calendar)) for d in case.deadlines if not d.cancelled]
    matches = matching.matches_of(case)
    return render_template(
        "cases/detail.html", case=case, steps=steps, forms=forms, deadlines=deadlines, now=now,
        revealed=revealed, may_reveal=services.may_reveal(case, current_user), stale=stale,
        requester_name=case.requester_name if revealed else mask_name(case.requester_name),
        requester_phone=case.requester_phone if revealed else mask_phone(case.requester_phone),
        timeline=sorted(case.actions, key=lambda a: (a.at, a.id)), step_labels=STEP_BUTTONS,
        supervision=(workflow.next_rung(case), workflow.supervision_reasons(case, now, matches.repeated_call))
        if current_user.is_county else None, ladder=SUPERVISION_LADDER, letters=paper.letters_for(case),
        evidence=attachments_for(CaseAction.__tablename__, [a.id for a in case.actions]), accept=ACCEPT_ATTR,
        kept_files=list(kept_files), proposals=matches.proposals, repeats=matches.repeats,
        may_decide=current_user.is_county and current_user.can_write, mergeable=case.status in matching.MERGEABLE,
        match_form=MatchForm(formdata=None, row_version=case.row_version), match_error=match_error,
        mask_name=mask_name, mask_phone=mask_phone,
    ), status


# The button and the form heading of each step, in the words the desk uses.
STEP_BUTTONS = {
    A.ACCEPT: "受理", A.REJECT: "不予受理", A.DISPATCH: "派单", A.SIGN_FOR: "签收", A.REQUEST_RETURN: "申请退单",
    A.APPROVE_RETURN: "同意退单", A.REFUSE_RETURN: "驳回退单", A.REQUEST_EXTENSION: "申请延期",
    A.APPROVE_EXTENSION: "批准延期", A.REFUSE_EXTENSION: "不批准延期", A.REPLY: "提交回复",
    A.APPROVE_REPLY: "审核通过", A.SEND_BACK: "退回重办", A.CALLBACK: "记录回访", A.CLOSE: "办结",
    A.REDO: "重办", A.REQUEST_REVIEW: "记录复查申请", A.REQUEST_RECHECK: "记录复核申请",
    A.REVIEW_OPINION: "填写复查（复核）意见", A.URGE: "催办", A.SUPERVISE: "督办", A.LIST_SUPERVISION: "挂牌督办", A.SUMMON: "约谈通报",
}


@bp.route("/cases/calendar", methods=["GET", "POST"])
@admin_required
def calendar():
    """节假日安排: the years the deadlines count on, and the form to enter a year's arrangement."""
    form = YearArrangementForm()
    if form.validate_on_submit():
        try:
            holidays = _dates_of(form.holidays)
            workdays = _dates_of(form.workdays)
            changed = services.enter_year_arrangement(form.year.data, holidays, workdays, form.note.data or "",
                                                      current_user)
        except RuleError as error:
            db.session.rollback()
            error.show_on(form, "holidays")
        else:
            db.session.commit()
            flash(f"已录入 {form.year.data} 年节假日安排（放假 {len(holidays)} 天，调休上班 {len(workdays)} 天），"
                  f"重新计算了 {changed} 个暂定期限。", "success")
            return redirect(url_for("cases.calendar"), 303)
    entered = db.session.execute(select(CalendarYear).order_by(CalendarYear.year.desc())).scalars().all()
    this_year = local_now().year
    return render_template("cases/calendar.html", form=form, entered=entered,
                           library_years=sorted(y for y in LIBRARY_YEARS if y >= this_year - 2),
                           missing=[y for y in (this_year, this_year + 1) if not services.load_calendar().knows(y)]
                           ), 422 if form.is_submitted() else 200


@bp.route("/cases/channels")
@admin_required
def channels():
    """来源渠道 and their deadline rules in force, each with the form to change its limit."""
    return _channels_page()


def _channels_page(status: int = 200, refused: tuple[int, LimitForm] | None = None):
    now = local_now()
    rows = []
    for channel in services.active_channels():
        for channel_class in channel.classes:
            in_force = services.rules_in_force(channel_class, now)
            for rule in (in_force[kind] for kind in DeadlineKind if kind in in_force):
                form = refused[1] if refused and refused[0] == rule.id else LimitForm(
                    formdata=None, amount=rule.amount, unit=rule.unit.value, roll_to_workday=rule.roll_to_workday,
                    prefix=f"rule{rule.id}")
                rows.append((channel, channel_class, rule, form))
    return render_template("cases/channels.html", rows=rows), status


@bp.route("/cases/rules/<int:rule_id>", methods=["POST"])
@admin_required
def change_rule(rule_id: int):
    """A new limit: the rule in force is closed and its successor opened, for cases received from now."""
    rule = db.session.get(DeadlineRule, rule_id) or abort(404)
    form = LimitForm(prefix=f"rule{rule.id}")
    if form.validate_on_submit():
        try:
            services.change_limit(rule, Limit(form.amount.data, Unit(form.unit.data), form.roll_to_workday.data))
        except RuleError as error:
            db.session.rollback()
            error.show_on(form, "amount")
        else:
            db.session.commit()
            flash(f"已修改{rule.channel_class}的{rule.kind.label}期限，对此后收到的诉求件生效。", "success")
            return redirect(url_for("cases.channels"), 303)
    return _channels_page(422, (rule.id, form))


def _counties() -> list[Region]:
    return db.session.execute(
        select(Region).where(Region.level == RegionLevel.COUNTY, Region.active.is_(True)).order_by(Region.code)
    ).scalars().all()


@bp.route("/cases/units", methods=["GET", "POST"])
@admin_required
def units():
    """承办单位: a county's townships handle their own cases; its offices are kept here, with their users."""
    counties = _counties()
    county = next((c for c in counties if c.id == parse_id(request.args.get("county"))), None) \
        or services.county_above(current_user.region) or (counties[0] if counties else None)
    if county is None:
        abort(404)
    form = OfficeForm()
    if form.validate_on_submit():
        try:
            unit = services.add_county_office(county, form.name.data)
        except RuleError as error:
            db.session.rollback()
            error.show_on(form, "name")
        else:
            db.session.commit()
            flash(f"已添加县直单位“{unit.name}”。", "success")
            return redirect(url_for("cases.units", county=county.id), 303)
    offices = db.session.execute(select(HandlingUnit).where(
        HandlingUnit.region_id == county.id, HandlingUnit.kind == UnitKind.COUNTY_OFFICE).order_by(HandlingUnit.name)
    ).scalars().all()
    county_users = db.session.execute(select(User).where(User.region_id == county.id).order_by(User.username)).scalars().all()
    return render_template("cases/units.html", county=county, counties=counties, offices=offices, form=form,
                           county_users=county_users), 422 if form.is_submitted() else 200


@bp.route("/cases/units/<int:unit_id>/members", methods=["POST"])
@admin_required
def unit_members(unit_id: int):
    """Add a county user to the office (or, with ``remove``, take them out)."""
    unit = scoped_get_or_404(HandlingUnit, unit_id)
    user = scoped_get_or_404(User, request.form.get("user_id"))
    form = MemberForm()
    if form.validate_on_submit():
        try:
            services.set_unit_member(unit, user, member="remove" not in request.form)
        except RuleError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(f"已{'移出' if 'remove' in request.form else '加入'}：{user.display_name}（{unit.name}）。", "success")
    return redirect(url_for("cases.units", county=unit.region_id), 303)


def _dates_of(field) -> list:
    try:
        return parse_dates(field.data)
    except ValueError as error:
        raise RuleError(str(error), field.name) from None


@bp.route("/cases/<int:case_id>")
@login_required
def detail(case_id: int):
    return _page(_load(case_id))


@bp.route("/cases/<int:case_id>/reveal", methods=["POST"])
@login_required
def reveal(case_id: int):
    """显示完整信息: the requester's name and phone, for the handlers and the county, audited."""
    case = _load(case_id)
    try:
        services.reveal(case, current_user)
    except RuleError:
        abort(403)
    db.session.commit()
    return _page(case, revealed=True)


# The case's paper: its name and how it is made, by the address it is printed at.
PAPERS = {"assignment": ("交办单", paper.assignment_pdf), "reply": ("办理情况回复单", paper.reply_pdf)}


@bp.route("/cases/<int:case_id>/<any(assignment, reply):sheet>.pdf")
@login_required
def paper_sheet(case_id: int, sheet: str):
    """交办单 (the case as it goes to its unit) or 办理情况回复单 (the unit's answer): to sign and file."""
    case = _load(case_id)
    if case.unit is None:
        abort(404)
    name, make = PAPERS[sheet]
    return send_download(make(case), paper.paper_name(case, name), inline=True,
                         fallback=ascii_name(sheet, case.year, case.serial, suffix=".pdf"))


@bp.route("/cases/<int:case_id>/letters/<any(accept_notice, reject_notice, opinion, proposal_reply):letter_kind>.pdf")
@login_required
def letter(case_id: int, letter_kind: str):
    """告知书, 处理意见书 or 答复函: the letter to the requester the case has reached."""
    case = _load(case_id)
    titles = dict(paper.letters_for(case))
    if letter_kind not in titles:
        abort(404)
    return send_download(paper.letter_pdf(case, letter_kind), paper.paper_name(case, titles[letter_kind]),
                         inline=True, fallback=ascii_name(letter_kind, case.year, case.serial, suffix=".pdf"))


@bp.route("/cases/<int:case_id>/notices/<int:action_id>.pdf")
@login_required
def notice(case_id: int, action_id: int):
    """催办、督办、挂牌督办或约谈通报的通知: the supervision as the unit receives it on paper."""
    case = _load(case_id)
    action = next((a for a in case.actions if a.id == action_id and a.kind in SUPERVISION_LADDER), None)
    if action is None:
        abort(404)
    return send_download(paper.notice_pdf(case, action), paper.paper_name(case, f"{action.kind.label}通知"),
                         inline=True, fallback=ascii_name(action.kind.value, case.year, case.serial, suffix=".pdf"))


# A handler's decision on a duplicate proposal: its address, the match's status, and the words of the flash.
MATCH_DECISIONS = {"link": (MatchStatus.LINKED, "关联"), "merge": (MatchStatus.MERGED, "合并为重复件"),
                   "dismiss": (MatchStatus.DISMISSED, "标记为不是重复件")}


@bp.route("/cases/<int:case_id>/matches/<int:match_id>/<any(link, merge, dismiss):decision>", methods=["POST"])
@login_required
def decide_match(case_id: int, match_id: int, decision: str):
    """关联, 合并为重复件 or 不是重复件: the county's decision on one proposal of the case page."""
    case = _load(case_id)
    match = db.session.execute(
        select(CaseMatch).where(CaseMatch.id == match_id, CaseMatch.case_id == case.id)
    ).scalar_one_or_none()
    if match is None or match.match is None:
        abort(404)
    if not (current_user.is_county and current_user.can_write):
        abort(403)
    form = MatchForm()
    status, words = MATCH_DECISIONS[decision]
    other_number = match.match.number
    if not form.validate_on_submit():
        return _page(case, 422, match_error="请刷新页面后重试。")
    try:
        matching.decide(match, status, current_user, local_now(), opened_version=form.opened_version)
    except StaleEdit as error:
        db.session.rollback()
        return _page(_load(case_id), 409, stale=error.latest, match_error=error.message)
    except RuleError as error:
        db.session.rollback()
        return _page(_load(case_id), 422, match_error=error.message)
    db.session.commit()
    flash(f"{case.number}：已{words}（{other_number}）。", "success")
    return redirect(url_for("cases.detail", case_id=case.id), 303)


@bp.route("/cases/<int:case_id>/steps/<kind>", methods=["POST"])
@login_required
def step(case_id: int, kind: str):
    """One workflow step, from the form the case page offers for it."""
    if kind not in A._value2member_map_ or A(kind) not in STEP_BUTTONS:
        abort(404)
    action = A(kind)
    case = _load(case_id)
    form = StepForm(prefix=action.value)  # each step's form on the page has its own field names and ids
    form.unit_id.choices = [(str(u.id), u.name) for u in services.units_for(current_user.region)] if action == A.DISPATCH else []
    # Files first: a refusal hands the accepted ones back (已选择) instead of losing them.
    uploads = kept.gather(request, request.files.getlist(form.evidence.name))
    kept_files = [(f, kept.token(f)) for f in uploads[0]]
    if not form.validate_on_submit():
        return _page(case, 422, forms={action: form}, kept_files=kept_files)
    details = {"unit_id": parse_id(form.unit_id.data), "result": form.result.data or None,
               "satisfaction": form.satisfaction.data or None, "days": form.days.data}
    try:
        services.take_step(case, action, current_user, local_now(), text=form.text.data or "",
                           details={k: v for k, v in details.items() if v is not None},
                           opened_version=form.opened_version, uploads=uploads)
    except StaleEdit as error:
        db.session.rollback()
        case = _load(case_id)
        form.form_errors.append(error.message)
        form.reopen_at(case)
        return _page(case, 409, forms={action: form}, stale=error.latest, kept_files=kept_files)
    except RuleError as error:
        db.session.rollback()
        case = _load(case_id)
        error.show_on(form)
        return _page(case, 422, forms={action: form}, kept_files=kept_files)
    db.session.commit()
    flash(f"{case.number}：已{STEP_BUTTONS[action]}。", "success")
    return redirect(url_for("cases.detail", case_id=case.id), 303)
