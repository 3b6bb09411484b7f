"""The course of an activity as plain rules, without a database or HTTP."""
from datetime import date

import pytest

from app.activities import rules
from app.activities.models import Activity, ActivityKind, ActivityStatus

S = ActivityStatus
TODAY = date(2026, 6, 1)


def activity(status: ActivityStatus = S.PLANNED, *, needs_filing: bool = False, starts_on: date = date(2026, 5, 20)):
    return Activity(status=status, needs_filing=needs_filing, starts_on=starts_on, ends_on=starts_on,
                    kind=ActivityKind.EVENT)


@pytest.mark.parametrize(("kind", "expected", "required"), [
    (ActivityKind.COMPETITION, None, True),  # every 赛事
    (ActivityKind.COMPETITION, 20, True),
    (ActivityKind.EVENT, 300, True),  # a crowd of 300 or more
    (ActivityKind.TRAINING, 5000, True),
    (ActivityKind.EVENT, 299, False),
    (ActivityKind.SHOWCASE, None, False),
    (ActivityKind.TRAINING, 0, False),
])
def test_which_activities_must_be_filed(kind, expected, required):
    assert rules.filing_required(kind, expected) is required


def test_valid_facts_have_no_problems():
    fields = {"title": "广场舞比赛", "kind": ActivityKind.EVENT, "level": "township", "starts_on": TODAY,
              "ends_on": TODAY, "expected_participants": 0}
    assert rules.field_problems(fields) == {}


def test_the_end_may_not_come_before_the_start_and_counts_are_not_negative():
    problems = rules.field_problems({"title": " ", "kind": None, "level": None, "starts_on": date(2026, 5, 2),
                                     "ends_on": date(2026, 5, 1), "expected_participants": -1})
    assert problems == {"title": "请填写活动名称。", "kind": "请选择活动类型。", "level": "请选择活动级别。",
                        "ends_on": "结束日期不能早于开始日期。",
                        "expected_participants": f"预计参与人数应在 0 到 {rules.PARTICIPANTS_MAX} 之间。"}
    assert rules.field_problems({"starts_on": None, "ends_on": None}).keys() >= {"starts_on", "ends_on"}


@pytest.mark.parametrize("status", list(S))
def test_only_a_planned_or_returned_activity_is_edited(status):
    assert (rules.edit_problem(activity(status)) is None) == (status in (S.PLANNED, S.RETURNED))


@pytest.mark.parametrize("status", list(S))
def test_filing_is_open_from_planned_and_after_a_return(status):
    problem = rules.file_problem(activity(status, needs_filing=True), has_rules_document=True)
    assert (problem is None) == (status in (S.PLANNED, S.RETURNED))


def test_filing_needs_the_rules_document_and_an_activity_that_is_filed_at_all():
    assert rules.file_problem(activity(needs_filing=True), has_rules_document=False) == (
        "报备须附活动规程（PDF 或 Word 文件）。", "rules_document")
    assert rules.file_problem(activity(needs_filing=False), has_rules_document=True) == ("该活动无需报备。", None)


@pytest.mark.parametrize("status", list(S))
def test_only_a_waiting_filing_is_decided(status):
    assert (rules.decide_problem(activity(status, needs_filing=True), True, "") is None) == (status == S.FILED)


def test_a_return_says_why():
    filed = activity(S.FILED, needs_filing=True)
    assert rules.decide_problem(filed, False, "  ") == ("退回报备时请写明原因。", "note")
    assert rules.decide_problem(filed, False, "规程缺少安全预案") is None


@pytest.mark.parametrize(("status", "needs_filing", "allowed"), [
    (S.PLANNED, False, True),  # nothing to file: reported once held
    (S.PLANNED, True, False),  # not yet filed
    (S.FILED, True, False),  # waiting for the county
    (S.RETURNED, True, False),
    (S.APPROVED, True, True),
    (S.REPORTED, False, False),
    (S.CANCELLED, False, False),
])
def test_a_report_comes_after_the_approval_when_filing_is_needed(status, needs_filing, allowed):
    assert (rules.report_problem(activity(status, needs_filing=needs_filing), TODAY) is None) is allowed


def test_a_report_comes_once_the_activity_has_begun():
    assert rules.report_problem(activity(starts_on=TODAY), TODAY) is None  # the first day counts
    assert rules.report_problem(activity(starts_on=date(2026, 6, 2)), TODAY) == (
        "活动开始（2026-06-02）后才能上报活动信息。", None)


def test_the_report_says_how_many_took_part_and_what_came_of_it():
    assert rules.report_values_problems(80, "评出一等奖 2 名") == {}
    assert rules.report_values_problems(0, "因雨改期，到场 0 人") == {}
    assert rules.report_values_problems(None, "") == {"actual_participants": "请填写实际参与人数。",
                                                      "results": "请简要填写活动开展情况和成效。"}
    assert "actual_participants" in rules.report_values_problems(-5, "x")


@pytest.mark.parametrize("status", list(S))
def test_an_activity_is_cancelled_only_before_its_report(status):
    assert (rules.cancel_problem(activity(status)) is None) == (status not in (S.REPORTED, S.CANCELLED))
