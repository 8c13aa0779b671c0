"""The submission pages (issue 23): the 报送 form on an indicator's page, the office's review
list with approve / return, and the submitter's own list; every endpoint for every role."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.matrix import INTERNAL, MANAGERS, WORLD_ROLES, Matrix, Row, ids
from zoneops.indicators import services, submissions
from zoneops.indicators.models import Submission, Value

PAGES = [
    Row("/indicators/review/", MANAGERS),
    Row("/indicators/submissions/", INTERNAL),
    # writes: the table checks the refusals, the tests below do the writes
    Row("/indicators/{indicator}/?year=2026", MANAGERS | {"staff_a"}, method="POST",
        data={"year": "2026", "month": "3", "level": "240"}, ok=None),
    Row("/indicators/review/{submission}/approve/", MANAGERS, method="POST", ok=None),
    Row("/indicators/review/{submission}/return/", MANAGERS, method="POST",
        data={"comment": "不对"}, ok=None),
]


@pytest.fixture
def output(world):
    indicator = services.create_indicator(world.users["office"], {
        "code": "GYZCZ", "name": "规上工业总产值", "unit": "亿元", "owner_unit": world.unit_a})
    services.record_value(world.users["office"], indicator, year=2026, month=2,
                          data={"level": Decimal("150.5")})
    return indicator


@pytest.fixture
def waiting(world, output):
    return submissions.submit_value(world.users["staff_a"], output, year=2026, month=4,
                                    data={"level": Decimal("320"), "note": "快报"})


@pytest.mark.parametrize("row", PAGES, ids=ids(PAGES))
def test_permission_matrix(world, output, waiting, row):
    names = {"indicator": output.pk, "submission": waiting.pk}
    Matrix(WORLD_ROLES, world.client, anonymous=302,
           fill=lambda url: url.format(**names)).check(row)
    waiting.refresh_from_db()
    assert waiting.status == "submitted"  # no refused role reviewed it
    assert not Value.objects.filter(month__in=(3, 4)).exists()


def test_review_endpoints_are_post_only_and_unknown_is_404(world, waiting):
    office = world.client("office")
    assert office.get(f"/indicators/review/{waiting.pk}/approve/").status_code == 405
    assert office.post("/indicators/review/999999/approve/").status_code == 404
    assert office.post("/indicators/review/999999/return/", {"comment": "x"}).status_code == 404


def test_unit_staff_submit_from_the_indicator_page(world, output):
    client = world.client("staff_a")
    response = client.post(f"/indicators/{output.pk}/?year=2026",
                           {"year": "2026", "month": "3", "level": "240.0",
                            "official_rate_pct": "8.3", "note": "月报"}, follow=True)
    page = response.content.decode()
    assert "已报送，等待委办审核" in page and 'data-testid="my-submissions"' in page
    submission = Submission.objects.get()
    assert (submission.level, submission.submitted_by) == (Decimal("240.0"),
                                                            world.users["staff_a"])
    assert not Value.objects.filter(month=3).exists()
    again = client.post(f"/indicators/{output.pk}/?year=2026",
                        {"year": "2026", "month": "3", "level": "241"})
    assert again.status_code == 200 and "已有一条待审核的报送" in again.content.decode()
    assert Submission.objects.count() == 1


def test_office_returns_with_a_comment_and_the_submitter_sees_it(world, waiting):
    office = world.client("office")
    queue = office.get("/indicators/review/").content.decode()
    assert f'data-submission="{waiting.pk}"' in queue and "快报" in queue
    bare = office.post(f"/indicators/review/{waiting.pk}/return/", {"comment": ""}, follow=True)
    assert "请填写退回理由" in bare.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "submitted"
    office.post(f"/indicators/review/{waiting.pk}/return/", {"comment": "请核对总量"})
    waiting.refresh_from_db()
    assert (waiting.status, waiting.review_comment) == ("returned", "请核对总量")
    after = office.get("/indicators/review/").content.decode()
    assert f'data-submission="{waiting.pk}"' not in after
    mine = world.client("staff_a").get("/indicators/submissions/").content.decode()
    assert 'data-status="returned"' in mine and "请核对总量" in mine
    # scoped: another unit's staff do not see it
    other = world.client("staff_b").get("/indicators/submissions/").content.decode()
    assert "请核对总量" not in other and "规上工业总产值" not in other


def test_office_approves_and_sees_the_import_checks(world, output):
    low = submissions.submit_value(world.users["staff_a"], output, year=2026, month=3,
                                   data={"level": Decimal("100")})  # below 1–2月
    queue = world.client("office").get("/indicators/review/").content.decode()
    assert 'data-testid="flag"' in queue and "150.5" in queue
    done = world.client("admin").post(f"/indicators/review/{low.pk}/approve/", follow=True)
    page = done.content.decode()
    assert "已审核通过" in page and "150.5" in page  # the flag comes back as a warning
    assert Value.objects.get(indicator=output, month=3).level == Decimal("100")
    low.refresh_from_db()
    assert low.status == "approved" and low.reviewer == world.users["admin"]
    twice = world.client("office").post(f"/indicators/review/{low.pk}/approve/", follow=True)
    assert twice.status_code == 200 and "只有待审核的报送" in twice.content.decode()


def test_overview_links(world, output):
    office = world.client("office").get("/indicators/").content.decode()
    assert 'data-testid="review-link"' in office
    staff = world.client("staff_a").get("/indicators/").content.decode()
    assert 'data-testid="review-link"' not in staff and "my-submissions-link" in staff


