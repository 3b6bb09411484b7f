"""Cases as the API answers them: the schema's models filled from the records.

``deadlines`` lists every deadline of the case by kind, the latest of each (an extension
replaces the answer's), and leads with ``sign_for``: the bureau's sign-for of the platform's
work order (签收), due under the class's sign-for rule counted from ``received_at`` and met
when the county accepts (or declines) the case. The desk's own sign-for clock, which starts
when the case is dispatched to a township or office, is that unit's: ``unit_sign_for``.

The requester's name and phone are answered masked, as the ledger shows them: the platform
holds them in its own work order, and what it need not be sent again is not sent (PIPL Art 6)."""
from datetime import datetime

from flask import url_for
from sqlalchemy import select

from app.api import schemas
from app.cases.deadlines import due
from app.cases.masking import mask_name, mask_phone
from app.cases.models import ActionKind, Case, CaseAction, DeadlineKind, DeadlineRule
from app.cases.services import load_calendar
from app.extensions import db
from app.standards.pdf import site_url
from app.timeutil import CHINA_TZ, local_to_utc, to_local

UNIT_SIGN_FOR = "unit_sign_for"
SIGNED_BY = (ActionKind.ACCEPT, ActionKind.REJECT)  # the county's first decision signs the work order for


def china(value: datetime | None) -> datetime | None:
    """A naive China-time value (deadlines, receipt) with its offset."""
    return value.replace(tzinfo=CHINA_TZ) if value is not None else None


def sign_for_rules(cases: list[Case]) -> dict[int, DeadlineRule | None]:
    """Each case's sign-for rule, as it was in force when the case was received: one query for a page."""
    class_ids = {case.class_id for case in cases}
    rules = db.session.execute(
        select(DeadlineRule).where(DeadlineRule.channel_class_id.in_(class_ids), DeadlineRule.kind == DeadlineKind.SIGN_FOR)
        .order_by(DeadlineRule.valid_from)
    ).scalars().all()
    chosen = {}
    for case in cases:
        moment = local_to_utc(case.received_at)
        in_force = [r for r in rules if r.channel_class_id == case.class_id and r.valid_from <= moment
                    and (r.valid_until is None or r.valid_until > moment)]
        chosen[case.id] = in_force[-1] if in_force else None
    return chosen


def deadlines_of(case: Case, sign_for_rule: DeadlineRule | None) -> dict[str, schemas.Deadline]:
    answers = {}
    if sign_for_rule is not None:
        result = due(case.received_at, sign_for_rule.limit, load_calendar())
        signed = next((a.at for a in sorted(case.actions, key=lambda a: a.id) if a.kind in SIGNED_BY), None)
        answers["sign_for"] = schemas.Deadline(label="签收（本局签收工单）", due=china(result.at),
                                               provisional=result.provisional, met_at=to_local(signed))
    for deadline in sorted(case.deadlines, key=lambda d: (d.round, d.id)):  # the latest of each kind stays
        if deadline.kind == DeadlineKind.SIGN_FOR:
            key, label = UNIT_SIGN_FOR, "承办单位签收"
        else:
            key, label = deadline.kind.value, deadline.kind.label
        answers[key] = schemas.Deadline(label=label, due=china(deadline.due_at), provisional=deadline.provisional,
                                        met_at=china(deadline.met_at), cancelled=deadline.cancelled)
    return answers


def platform_of(case: Case) -> schemas.Platform:
    return schemas.Platform(status=case.platform_status, callback=case.platform_callback,
                            satisfaction=case.platform_satisfaction, updated_at=china(case.platform_updated_at))


def api_url(case: Case) -> str:
    return site_url() + url_for("api.case", number=case.number)


def summary(case: Case, sign_for_rule: DeadlineRule | None, updated_at: datetime | None = None,
            model=schemas.CaseSummary, **more):
    deadlines = deadlines_of(case, sign_for_rule)
    updated_at = updated_at or max((a.at for a in case.actions), default=case.created_at)
    return model(
        number=case.number, url=site_url() + url_for("cases.detail", case_id=case.id), api_url=api_url(case),
        channel=case.channel.code, class_=case.channel_class.code, external_id=case.external_id,
        received_at=china(case.received_at), status=case.status.value, status_label=case.status.label,
        type=case.type, category=case.category, requester_name=mask_name(case.requester_name),
        requester_phone=mask_phone(case.requester_phone), content=case.content, place=case.place,
        region_code=case.region.code, region_name=case.region.name, unit=case.unit.name if case.unit else None,
        closed_at=china(case.closed_at), updated_at=to_local(updated_at), deadlines=deadlines,
        provisional=any(d.provisional for d in deadlines.values() if d.met_at is None and not d.cancelled),
        platform=platform_of(case), **more,
    )


def full(case: Case) -> schemas.Case:
    """The case with its timeline (GET /cases/{number}, and the answer to a push)."""
    timeline = [timeline_entry(a) for a in sorted(case.actions, key=lambda a: (a.at, a.id))]
    return summary(case, sign_for_rules([case])[case.id], model=schemas.Case, timeline=timeline)


def timeline_entry(action: CaseAction) -> schemas.TimelineEntry:
    return schemas.TimelineEntry(kind=action.kind.value, label=action.kind.label, round=action.round,
                                 at=to_local(action.at), actor=action.actor_name, text=action.text)
