"""Values reported by the owner unit and reviewed by the office (issue 23): who may, what a
bad entry says, and that nothing is half-written."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from zoneops.core.models import AuditEntry, Notification
from zoneops.indicators import services, submissions
from zoneops.indicators.models import Indicator, Submission, Value


@pytest.fixture
def output(world):
    indicator = services.create_indicator(world.users["office"], {
        "code": "GYZCZ", "name": "规上工业总产值", "unit": "亿元", "owner_unit": world.unit_a})
    services.set_target(world.users["office"], indicator, year=2026,
                        data={"value": Decimal("1200")})
    services.record_value(world.users["office"], indicator, year=2026, month=2,
                          data={"level": Decimal("150.5")})
    return indicator


def submit(world, indicator, who="staff_a", month=3, **data):
    data = data or {"level": Decimal("240.0"), "official_rate_pct": Decimal("8.3")}
    return submissions.submit_value(world.users[who], indicator, year=2026, month=month,
                                    data=data)


def test_only_the_owner_units_staff_submit(world, output):
    for who in ("admin", "office", "leader", "duty", "staff_b", "staff_a1", "enterprise_a"):
        with pytest.raises(PermissionDenied):
            submit(world, output, who)
    assert not Submission.objects.exists()
    submission = submit(world, output)
    assert (submission.status, submission.submitted_by) == ("submitted",
                                                            world.users["staff_a"])
    assert not Value.objects.filter(month=3).exists()  # nothing published before review
    entry = AuditEntry.objects.get(object_id=str(submission.pk), action="submit value")
    assert entry.actor == world.users["staff_a"]
    # the office is told; the submitter is not
    assert Notification.objects.filter(recipient=world.users["office"],
                                       link="/indicators/review/").count() == 1
    assert not Notification.objects.filter(recipient=world.users["staff_a"],
                                           link__startswith="/indicators/").exists()


def test_bad_entries_are_refused_in_chinese(world, output):
    quarterly = services.create_indicator(world.users["office"], {
        "code": "GDP", "name": "地区生产总值", "unit": "亿元", "owner_unit": world.unit_a,
        "frequency": Indicator.Frequency.QUARTERLY})
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as empty:
            submit(world, output, month=4, note="只有备注")
        assert "请填写总量或官方增速" in str(empty.value.message_dict["level"])
        with pytest.raises(ValidationError) as quarter:
            submit(world, quarterly, month=4, level=Decimal("80"))
        assert "季度" in str(quarter.value.message_dict["month"])
        with pytest.raises(ValidationError) as month:
            submit(world, output, month=13, level=Decimal("1"))
        assert "month" in month.value.message_dict
        submit(world, quarterly, month=6, level=Decimal("160"))  # a quarter end is fine
    assert list(Submission.objects.values_list("month", flat=True)) == [6]


def test_one_open_submission_a_period(world, output):
    first = submit(world, output)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as twice:
        submit(world, output, level=Decimal("241"))
    assert "已有一条待审核的报送" in str(twice.value.message_dict["month"])
    assert Submission.objects.get().pk == first.pk
    # once returned, the unit files a corrected one; the returned one stays as history
    submissions.return_submission(world.users["office"], first, comment="增速与总量不符")
    second = submit(world, output, level=Decimal("241"))
    assert sorted(Submission.objects.values_list("status", flat=True)) == ["returned",
                                                                         "submitted"]
    assert second.pk != first.pk


def test_office_approves_and_the_value_is_written_audited(world, output):
    submission = submit(world, output)
    for who in ("leader", "duty", "staff_a", "staff_b", "enterprise_a"):
        with pytest.raises(PermissionDenied):
            submissions.approve_submission(world.users[who], submission)
        with pytest.raises(PermissionDenied):
            submissions.return_submission(world.users[who], submission, comment="不对")
    approved, flags = submissions.approve_submission(world.users["office"], submission)
    assert (approved.status, approved.reviewer) == ("approved", world.users["office"])
    value = Value.objects.get(indicator=output, year=2026, month=3)
    assert (value.level, value.official_rate_pct) == (Decimal("240.0"), Decimal("8.3"))
    assert AuditEntry.objects.filter(object_id=str(value.pk), action="create",
                                     actor=world.users["office"]).exists()
    assert AuditEntry.objects.filter(object_id=str(submission.pk),
                                     action="approve value").exists()
    assert Notification.objects.filter(recipient=world.users["staff_a"],
                                       link="/indicators/submissions/").count() == 1
    assert flags == []
    with pytest.raises(ValidationError):  # reviewed once
        submissions.approve_submission(world.users["admin"], approved)


def test_approval_corrects_a_value_and_returns_the_import_checks(world, output):
    services.record_value(world.users["office"], output, year=2026, month=3,
                          data={"level": Decimal("240")})
    submission = submit(world, output, level=Decimal("100"))  # below 1–2月's 150.5
    _approved, flags = submissions.approve_submission(world.users["admin"], submission)
    assert Value.objects.get(month=3).level == Decimal("100")
    assert len(flags) == 1 and "150.5" in flags[0]


def test_return_needs_a_comment_and_writes_no_value(world, output):
    submission = submit(world, output)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as bare:
        submissions.return_submission(world.users["office"], submission, comment="  ")
    assert "退回理由" in str(bare.value.message_dict["comment"])
    submission.refresh_from_db()
    assert submission.status == "submitted"
    returned = submissions.return_submission(world.users["office"], submission,
                                             comment="增速与总量不符")
    assert (returned.status, returned.review_comment) == ("returned", "增速与总量不符")
    assert not Value.objects.filter(month=3).exists()
    told = Notification.objects.get(recipient=world.users["staff_a"],
                                    link__startswith="/indicators/")
    assert told.body == "增速与总量不符" and told.link == "/indicators/submissions/"
    with pytest.raises(ValidationError):
        submissions.approve_submission(world.users["office"], returned)


def test_approval_is_all_or_nothing(world, output):
    submission = submit(world, output)
    with mock.patch.object(submissions, "notify", side_effect=RuntimeError("boom")), \
            pytest.raises(RuntimeError):
        submissions.approve_submission(world.users["office"], submission)
    submission.refresh_from_db()
    assert submission.status == "submitted" and submission.reviewer is None
    assert not Value.objects.filter(month=3).exists()
    assert not AuditEntry.objects.filter(action="approve value").exists()
