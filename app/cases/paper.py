"""The case desk's printed paper: the 交办单 that goes with a case to its handling unit, and the
办理情况回复单 the unit signs and files. Same typography and verification code as the audit
sheets (``app.printing``); the requester is masked on paper as in every list."""
from datetime import datetime

from flask import render_template

from app.cases.ledger import countdown, next_due
from app.cases.masking import mask_name, mask_phone
from app.cases.models import ActionKind, Case, CaseStatus
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


def _day_of(action) -> str:
    """2026年11月2日: the China-time day a timeline entry (stored in UTC) was made."""
    return cn_date(to_local(action.at).date()) if action is not None else ""


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


def _summary(case: Case, limit: int = 40) -> str:
    text = " ".join(case.content.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def _letter(case: Case, kind: str) -> dict:
    """The words of a letter to the requester (信访 告知书 and 处理意见书, a proposal's 答复函)."""
    received = f"{cn_date(case.received_at.date())}通过{case.channel.name}"
    matter = f"关于“{_summary(case)}”的"
    reply, reject = _last(case, A.REPLY), _last(case, A.REJECT)
    handled_by = case.unit.name if case.unit else county_of(case.region).name
    if kind == "accept_notice":
        return {"title": "信访事项受理告知书", "closing": "告知", "paragraphs": [
            f"你于{received}提出的{matter}信访事项已收悉。经审查，该事项属于本机关职权范围，依据《信访工作条例》"
            f"第二十三条的规定，决定予以受理，交由{handled_by}办理，并将自受理之日起六十日内作出处理意见。"],
            "date": _day_of(_last(case, A.ACCEPT))}
    if kind == "reject_notice":
        return {"title": "信访事项不予受理告知书", "closing": "告知", "paragraphs": [
            f"你于{received}提出的{matter}信访事项已收悉。经审查，该事项不予受理，理由如下：", reject.text,
            "如对本告知有异议，可依法通过其他途径反映。"],
            "date": _day_of(reject)}
    if kind == "opinion":
        return {"title": "信访事项处理意见书", "closing": "答复", "paragraphs": [
            f"你于{received}提出的{matter}信访事项，经{handled_by}调查核实，处理意见如下：", reply.text,
            "如对本处理意见不服，可以自收到本意见书之日起三十日内，向本机关的上一级机关请求复查"
            "（《信访工作条例》第三十五条）。"],
            "date": _day_of(reply)}
    return {"title": f"关于{case.channel.name}的答复函", "closing": "函复", "paragraphs": [
        f"您于{received}提出的{matter}{case.channel.name}收悉。经{handled_by}认真研究办理，现答复如下：", reply.text,
        "感谢您对体育工作的关心和支持。如对答复有意见，请与我们联系，我们将在一个月内再次研究答复。"],
        "date": _day_of(reply)}


# The letters a case may have, and when it has them: a 信访 case once accepted (受理告知书), when
# rejected (不予受理告知书) and once answered (处理意见书); a proposal once answered (答复函).
LETTERS = {
    "accept_notice": lambda c: c.channel.is_petition and _last(c, A.ACCEPT) is not None,
    "reject_notice": lambda c: _last(c, A.REJECT) is not None,
    "opinion": lambda c: c.channel.is_petition and _last(c, A.REPLY) is not None,
    "proposal_reply": lambda c: c.channel.is_proposal and _last(c, A.REPLY) is not None,
}


def letters_for(case: Case) -> list[tuple[str, str]]:
    """(kind, title) of each letter the case has now."""
    return [(kind, _letter(case, kind)["title"]) for kind, has in LETTERS.items() if has(case)]


def letter_pdf(case: Case, kind: str) -> bytes:
    letter = _letter(case, kind) | {"addressee": mask_name(case.requester_name) if case.requester_name else "来信（访）人",
                                    "reference": case.number}
    return render_pdf(render_template("cases/pdf/letter.html", **_context(case), letter=letter))


LEDGER_LIMIT = 2000  # a month of a busy county; beyond that, the Excel export


def ledger_pdf(cases: list, *, title: str, criteria: str, region_name: str, printed_at: str, now, calendar) -> bytes:
    """The ledger as landscape A4: totals by channel and status, then every case (masked)."""
    totals: dict[str, dict] = {}
    for case in cases:
        counts = totals.setdefault(case.channel.name, {})
        counts[case.status] = counts.get(case.status, 0) + 1
    statuses = [s for s in CaseStatus if any(s in counts for counts in totals.values())]
    overall = {s: sum(c.get(s, 0) for c in totals.values()) for s in statuses}
    shown = cases[:LEDGER_LIMIT]
    return render_pdf(render_template(
        "cases/pdf/ledger.html", title=title, criteria=criteria, region_name=region_name, printed_at=printed_at,
        totals=[*totals.items(), ("合计", overall)], statuses=statuses, mask_name=mask_name,
        rows=[(case, countdown(next_due(case), now, calendar)) for case in shown],
        capped=len(cases) > LEDGER_LIMIT, limit=LEDGER_LIMIT,
    ))


def paper_name(case: Case, what: str) -> str:
    return file_name(case.number, what, suffix=".pdf")
