"""重复件/重复来电: which earlier cases a new one repeats, and the handler's decision on each.

Every case, however it was registered, is compared with the county's cases received within
``DUPLICATE_WINDOW_DAYS`` of it that share something a person can check: the caller's phone,
the place, or the platform's work-order number. The database narrows the candidates to a few
dozen by those columns; the words are compared here, with rapidfuzz on normalized text
(Chinese character by character: rapidfuzz compares a ``str`` per code point, so no word
segmentation is needed). Each match becomes a ``CaseMatch`` proposal on the newer case, with
its reason and similarity, for the county to link (both stay, cross-referenced), merge (the
newer closes as 重复件 and points to the case that answers) or dismiss.

The thresholds were chosen on realistic pairs, kept as examples in tests/cases/test_matching.py:
the same caller rewording a complaint scores 47–90; the same caller about another matter, even
at the same place, stays under 40. Text at the same place must be nearly the same to be a
duplicate: a different spot of the same township in the same words ("人民公园" for "文化广场")
scores 76, the same complaint re-typed 80 and more.
"""
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from rapidfuzz import fuzz
from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import aliased, contains_eager

from app.auth.models import User
from app.cases.models import ActionKind, Case, CaseMatch, CaseStatus, MatchReason, MatchStatus
from app.extensions import db
from app.rules import RuleError
from app.timeutil import local_to_utc
from app.versioning import require_version

# The same phone: the caller again, in their own words.
SAME_PHONE_SIMILARITY = 45
# The same place: someone else (or another channel) reporting it in nearly the same words.
SAME_PLACE_SIMILARITY = 80
# The candidates compared per new case (the same work order and the same phone first, then the
# latest at the place): enough for the busiest county's month at one township, cheap to score.
MAX_CANDIDATES = 60
# The proposals kept per new case, the most alike first: the handler needs the closest
# earlier cases, not every one a busy place has had this month.
MAX_PROPOSALS = 3
DEFAULT_WINDOW_DAYS = 30
# A case answered or closed is no longer merged into another: its requester has had an answer.
MERGEABLE = frozenset({CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.DISPATCHED, CaseStatus.HANDLING,
                       CaseStatus.RETURN_REQUESTED})
DUPLICATE_RESULT = "重复件"
# Unicode categories left out of the comparison: punctuation, separators (spaces), symbols,
# control and format characters. What is left is letters and digits.
_IGNORED = frozenset("PZSC")


def normalized(text: str) -> str:
    """The words of ``text`` as compared: full-width forms folded (NFKC), case folded, and
    spaces, punctuation and symbols dropped, so "损坏，无人维修。" and "损坏 无人维修" are the same."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "").casefold()
                   if unicodedata.category(ch)[0] not in _IGNORED)


def similarity(a: str, b: str) -> int:
    """How alike two contents are, 0–100. ``WRatio`` is the edit-distance ratio, and for texts of
    unequal length the best-aligned part of the longer (scaled down): a caller who repeats the
    complaint with a paragraph more still matches what they said first."""
    a, b = normalized(a), normalized(b)
    if not a or not b:
        return 0
    return round(fuzz.WRatio(a, b))


def window() -> timedelta:
    return timedelta(days=current_app.config.get("DUPLICATE_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))


@dataclass(frozen=True)
class Found:
    """One earlier case ``case`` appears to repeat, why, and how alike their words are."""

    other: Case
    reason: MatchReason
    similarity: int


def same_place(case: Case, other: Case) -> bool:
    return bool((case.place_region_id and case.place_region_id == other.place_region_id)
                or (case.place and normalized(case.place) == normalized(other.place)))


def judge(case: Case, other: Case) -> Found | None:
    """Whether ``other`` is the same matter as ``case``, by the rules above, and why."""
    if case.channel_id != other.channel_id and case.external_id and case.external_id == other.external_id:
        return Found(other, MatchReason.SAME_WORK_ORDER, similarity(case.content, other.content))
    score = similarity(case.content, other.content)
    if case.requester_phone and case.requester_phone == other.requester_phone and score >= SAME_PHONE_SIMILARITY:
        return Found(other, MatchReason.SAME_PHONE, score)
    if score >= SAME_PLACE_SIMILARITY and same_place(case, other):
        return Found(other, MatchReason.SAME_PLACE, score)
    return None


def candidates(case: Case) -> list[Case]:
    """The county's cases that share the phone, the place or the work order with ``case`` and
    were received within the window of it (either side: an import brings older work orders
    after newer ones). Read through the scope of whoever registers."""
    shared = []
    if case.requester_phone:
        shared.append(Case.requester_phone == case.requester_phone)
    if case.place_region_id:
        shared.append(Case.place_region_id == case.place_region_id)
    if case.place:
        shared.append(Case.place == case.place)
    same_order = and_(Case.external_id == case.external_id, Case.channel_id != case.channel_id) \
        if case.external_id else None
    if not shared and same_order is None:
        return []
    span = window()
    in_window = and_(Case.received_at >= case.received_at - span, Case.received_at <= case.received_at + span,
                     or_(*shared)) if shared else None
    conditions = [c for c in (in_window, same_order) if c is not None]
    # A busy place's cases must not crowd the caller's own earlier calls out of the limit.
    first = [sql_case((Case.external_id == case.external_id, 0), else_=1)] if case.external_id else []
    if case.requester_phone:
        first.append(sql_case((Case.requester_phone == case.requester_phone, 0), else_=1))
    others = [Case.id != case.id] if case.id is not None else []  # a case not yet registered has none
    return db.session.execute(
        select(Case).where(Case.county_id == case.county_id, *others, Case.merged_into_id.is_(None),
                           or_(*conditions))
        .order_by(*first, Case.received_at.desc(), Case.id.desc()).limit(MAX_CANDIDATES)
    ).scalars().all()


def propose(case: Case) -> list[CaseMatch]:
    """Compare a newly registered ``case`` with its candidates and keep a proposal for the
    closest matches (a work order first, then the most alike), each on the newer case of the
    two: the one that repeats the other."""
    proposals = []
    matches = [found for found in (judge(case, other) for other in candidates(case)) if found is not None]
    matches.sort(key=lambda found: (found.reason != MatchReason.SAME_WORK_ORDER, -found.similarity))
    for found in matches[:MAX_PROPOSALS]:
        newer, earlier = (case, found.other) if _is_newer(case, found.other) else (found.other, case)
        proposal = CaseMatch(case_id=newer.id, match_id=earlier.id, reason=found.reason,
                             similarity=found.similarity, region_id=newer.region_id)
        db.session.add(proposal)
        proposals.append(proposal)
    if proposals:
        db.session.flush()
    return proposals


def likely_duplicates(news: list, county_id: int) -> list[list[Found]]:
    """What registering each of ``news`` (services.NewCase) in that county would propose, closest
    first, without registering them: an import's preview names the cases a row seems to repeat.

    One read for all of them (a preview of thousands of rows asked once per row took seconds):
    the county's cases sharing any of their phones, places or work orders within the window,
    each row's candidates then chosen in memory by the rule ``candidates`` gives the database
    (tests/cases/test_matching.py holds the two to the same answer)."""
    probes = [_probe(new, county_id) for new in news]
    pool = _shared_with(probes, county_id)
    found = []
    for probe in probes:
        matches = [m for m in (judge(probe, other) for other in _chosen(probe, pool)) if m is not None]
        matches.sort(key=lambda m: (m.reason != MatchReason.SAME_WORK_ORDER, -m.similarity))
        found.append(matches[:MAX_PROPOSALS])
    return found


def _probe(new, county_id: int) -> Case:
    """An unsaved case with what the comparison reads of ``new``."""
    return Case(county_id=county_id, channel_id=new.channel_class.channel_id, external_id=new.external_id,
                received_at=new.received_at, content=new.content, requester_phone=new.requester_phone.strip(),
                place=new.place.strip(), place_region_id=new.place_region_id)


def _shared_with(probes: list[Case], county_id: int) -> list[Case]:
    """The county's cases that share a phone, a place or a work order with any probe, received
    within the window of the earliest to the latest of them."""
    phones = {p.requester_phone for p in probes if p.requester_phone}
    regions = {p.place_region_id for p in probes if p.place_region_id}
    places = {p.place for p in probes if p.place}
    orders = {p.external_id for p in probes if p.external_id}
    if not probes or not (phones or regions or places or orders):
        return []
    span = window()
    shared = [c for c in (Case.requester_phone.in_(phones) if phones else None,
                          Case.place_region_id.in_(regions) if regions else None,
                          Case.place.in_(places) if places else None) if c is not None]
    received = [p.received_at for p in probes]
    near = and_(Case.received_at >= min(received) - span, Case.received_at <= max(received) + span, or_(*shared)) \
        if shared else None
    same_order = Case.external_id.in_(orders) if orders else None
    return db.session.execute(
        select(Case).where(Case.county_id == county_id, Case.merged_into_id.is_(None),
                           or_(*[c for c in (near, same_order) if c is not None]))
    ).scalars().all()


def _chosen(case: Case, pool: list[Case]) -> list[Case]:
    """``candidates`` of ``case`` taken from ``pool`` instead of the database."""
    span = window()

    def shares(other: Case) -> bool:
        if case.external_id and other.external_id == case.external_id and other.channel_id != case.channel_id:
            return True
        return abs(other.received_at - case.received_at) <= span and (
            (case.requester_phone and other.requester_phone == case.requester_phone)
            or (case.place_region_id and other.place_region_id == case.place_region_id)
            or (case.place and other.place == case.place))

    chosen = [other for other in pool if other.id != case.id and shares(other)]
    chosen.sort(key=lambda other: (
        not (case.external_id and other.external_id == case.external_id),
        not (case.requester_phone and other.requester_phone == case.requester_phone),
        -other.received_at.timestamp(), -other.id))
    return chosen[:MAX_CANDIDATES]


def _is_newer(case: Case, other: Case) -> bool:
    return (case.received_at, case.id) > (other.received_at, other.id)


# --------------------------------------------------------------------------- on the case page

@dataclass(frozen=True)
class Matches:
    """The standing matches of one case, both ways, as its page shows them."""

    proposals: list[CaseMatch]  # the earlier cases it may repeat: undecided first, the latest first
    repeats: list[CaseMatch]  # the later cases proposed, linked or merged as its repeats (后续重复件)

    @property
    def repeated_call(self) -> bool:
        """Part of a repeated call (``repeated_call``): a same-phone match on either side."""
        return any(m.reason == MatchReason.SAME_PHONE for m in self.proposals + self.repeats)


def matches_of(case: Case) -> Matches:
    """``case``'s matches not dismissed, with the cases on both sides loaded, in one read. Only
    matches whose other case is in the reader's scope: the joins are filtered like every query."""
    newer, earlier = aliased(Case), aliased(Case)
    rows = db.session.execute(
        select(CaseMatch).join(newer, CaseMatch.case).join(earlier, CaseMatch.match)
        .where(or_(CaseMatch.case_id == case.id, CaseMatch.match_id == case.id),
               CaseMatch.status != MatchStatus.DISMISSED)
        .options(contains_eager(CaseMatch.case.of_type(newer)), contains_eager(CaseMatch.match.of_type(earlier)))
    ).scalars().all()
    proposals = sorted((m for m in rows if m.case_id == case.id), key=lambda m: (m.match.received_at, m.match_id),
                       reverse=True)
    order = {status: position for position, status in enumerate(MatchStatus)}
    proposals.sort(key=lambda m: order[m.status])  # stable: the latest first within a status
    repeats = sorted((m for m in rows if m.match_id == case.id), key=lambda m: (m.case.received_at, m.case_id))
    return Matches(proposals, repeats)


def with_open_proposals(case_ids: list[int]) -> set[int]:
    """Of ``case_ids``, those with a proposal nobody has decided yet: one query for a ledger page."""
    if not case_ids:
        return set()
    return set(db.session.execute(
        select(CaseMatch.case_id).where(CaseMatch.case_id.in_(case_ids), CaseMatch.status == MatchStatus.PROPOSED)
    ).scalars())


# --------------------------------------------------------------------------- repeated calls

def repeated_call(case_id: int):
    """The condition "``case_id`` is part of a repeated call": a same-phone match on either
    side that has not been dismissed."""
    return select(CaseMatch.id).where(
        or_(CaseMatch.case_id == case_id, CaseMatch.match_id == case_id),
        CaseMatch.reason == MatchReason.SAME_PHONE, CaseMatch.status != MatchStatus.DISMISSED,
    ).exists()


def is_repeat_call(case_id):
    """The condition "``case_id`` is the same caller calling again about a matter already
    raised" (重复来电): the newer side of a same-phone match nobody has dismissed. One case is one
    repeat, however many earlier calls it matches."""
    return select(CaseMatch.id).where(
        CaseMatch.case_id == case_id, CaseMatch.reason == MatchReason.SAME_PHONE,
        CaseMatch.status != MatchStatus.DISMISSED,
    ).exists()


def count_repeat_calls(since: datetime, until: datetime, *criteria) -> int:
    """How many cases received in [since, until) (China time), within the reader's scope and
    any further ``criteria`` on Case, were repeat calls (``is_repeat_call``): the KPI
    (app.reports.kpis) counts them by the same condition, grouped."""
    return db.session.execute(
        select(func.count(Case.id)).where(is_repeat_call(Case.id), Case.received_at >= since,
                                          Case.received_at < until, *criteria)
    ).scalar_one()


# --------------------------------------------------------------------------- deciding

def decide(match: CaseMatch, status: MatchStatus, user: User, now: datetime, *,
           opened_version: int | None = None) -> None:
    """The county's decision on a proposal: 关联 (LINKED), 合并为重复件 (MERGED) or 不是重复件
    (DISMISSED). ``opened_version`` is the newer case's row version when its page was opened."""
    from app.cases import services  # services imports this module to propose on registration

    case, other = match.case, match.match
    if not (user.is_county and user.can_write):
        raise RuleError("疑似重复件由县级业务人员确认。")
    require_version(case, opened_version)
    allowed = {MatchStatus.LINKED: {MatchStatus.PROPOSED}, MatchStatus.MERGED: {MatchStatus.PROPOSED, MatchStatus.LINKED},
               MatchStatus.DISMISSED: {MatchStatus.PROPOSED}}[status]
    if match.status not in allowed:
        raise RuleError(f"这条疑似重复已处理（{match.status.label}），请刷新页面。")
    if status == MatchStatus.MERGED:
        _check_merge(case, other)
    match.status, match.decided_by_id, match.decided_at = status, user.id, local_to_utc(now)
    if status == MatchStatus.LINKED:
        services.record(case, ActionKind.LINK, user, now, f"与 {other.number} 关联",
                        {"case_id": other.id, "number": other.number})
        services.record(other, ActionKind.LINK, user, now, f"与 {case.number} 关联",
                        {"case_id": case.id, "number": case.number})
    elif status == MatchStatus.MERGED:
        case.status, case.reply_result, case.closed_at = CaseStatus.CLOSED, DUPLICATE_RESULT, now
        case.merged_into_id, case.merged_into = other.id, other
        case.pending = ""
        services.cancel_deadlines(case)
        services.record(case, ActionKind.MERGE, user, now, f"作为重复件合并到 {other.number}，由该件答复",
                        {"case_id": other.id, "number": other.number})
        services.record(other, ActionKind.MERGE, user, now, f"重复件 {case.number} 已合并到本件",
                        {"case_id": case.id, "number": case.number, "duplicate": True})
    db.session.flush()


def _check_merge(case: Case, other: Case) -> None:
    if case.round > 1:
        raise RuleError(f"{case.number} 已答复过（现为第 {case.round} 轮办理），不能再合并为重复件；可以改为关联。")
    if case.status not in MERGEABLE:
        raise RuleError(f"{case.number} 当前为“{case.status.label}”，已答复或已结束的诉求件不能再合并为重复件；"
                        "可以改为关联。")
    if other.merged_into_id is not None:
        raise RuleError(f"{other.number} 本身已作为重复件合并到 {other.merged_into.number}，请与后者合并。")
    if db.session.execute(select(Case.id).where(Case.merged_into_id == case.id).limit(1)).first():
        raise RuleError(f"已有重复件合并到 {case.number}，它仍须答复，不能再合并到其他件；可以改为关联。")
