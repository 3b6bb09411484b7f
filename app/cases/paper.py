"""The case desk's printed paper: the 交办单 that goes with a case to its handling unit, and the
办理情况回复单 the unit signs and files. Same typography and verification code as the audit
sheets (``app.printing``); the requester is masked on paper as in every list."""
from datetime import datetime

from flask import render_template

from app.cases.masking import mask_name, mask_phone
from app.cases.models import ActionKind, Case
from app.cases.services import county_of
from app.cases.workflow import REPLY_RESULTS
from app.printing.downloads import file_name
from app.printing.engine import render_pdf
from app.printing.filters import cn_date
from app.standards.pdf import verify_url
from app.timeutil import to_local

A = ActionKind


def _when(value: datetime | None, utc: bool = False) -> str:
    """2026年9月30日 16:20: a China-time moment (``utc``: stored in UTC, as timeline entries are)."""
    if value is None:
        return ""
    local = to_local(value) if utc else value
    return f"{cn_date(local.date())} {local:%H:%M}"


def _due(deadline) -> str:
    if deadline.rule.limit.unit.value == "hours":
        return _when(deadline.due_at)
    return cn_date(deadline.due_at.date())


def _last(case: Case, *kinds: ActionKind):
    return next((a for a in sorted(case.actions, key=lambda a: (a.at, a.id), reverse=True)
                 if a.kind in kinds and a.round == case.round), None)


def _context(case: Case) -> dict:
    dispatch, signed = _last(case, A.DISPATCH, A.REDO), _last(case, A.SIGN_FOR)
    reply, review = _last(case, A.REPLY), _last(case, A.APPROVE_REPLY, A.SEND_BACK)
    open_or_met = [d for d in case.deadlines if not d.cancelled and d.round == case.round and not d.is_window]
    answer = next((d for d in reversed(open_or_met) if d.kind.value in ("answer", "reanswer")), None)
    on_time = ""
    if reply is not None and answer is not None and answer.met_at is not None:
        on_time = f"办结时限 {_due(answer)}，{'按期' if answer.met_at <= answer.due_at else '超期'}"
    return {
        "case": case, "requester": mask_name(case.requester_name), "phone": mask_phone(case.requester_phone),
        "bureau": county_of(case.region).name, "dispatch": dispatch, "signed": signed, "reply": reply, "review": review,
        "deadlines": [(d.kind.label, _due(d), d.provisional) for d in open_or_met],
        "times": {"received": _when(case.received_at), "dispatch": _when(dispatch.at, utc=True) if dispatch else "",
                  "signed": _when(signed.at, utc=True) if signed else "", "reply": _when(reply.at, utc=True) if reply else "",
                  "review": _when(review.at, utc=True) if review else ""},
        "on_time": on_time, "results": list(REPLY_RESULTS), "verify_url": verify_url(case.verification_code),
    }


def assignment_pdf(case: Case) -> bytes:
    return render_pdf(render_template("cases/pdf/assignment.html", **_context(case)))


def reply_pdf(case: Case) -> bytes:
    return render_pdf(render_template("cases/pdf/reply.html", **_context(case)))


def notice_pdf(case: Case, action) -> bytes:
    """The notice of one supervision step (催办, 督办, 挂牌督办, 约谈通报), to the handling unit."""
    context = _context(case) | {"action": action, "reasons": action.details.get("reasons", []),
                                "issued": _when(action.at, utc=True)}
    return render_pdf(render_template("cases/pdf/notice.html", **context))


def paper_name(case: Case, what: str) -> str:
    return file_name(case.number, what, suffix=".pdf")
