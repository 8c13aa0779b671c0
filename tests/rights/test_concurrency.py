"""Twenty simultaneous transfers out of one account, each on its own database connection,
each for a quantity the account holds alone but not all together: the row lock on the source
account lets exactly as many through as the balance covers, and none overdraws it.

PostgreSQL only, by design: SQLite serialises writers, so the race cannot happen there (the
sequential refusal is asserted on every database in test_ledger). On SQLite this test is not
defined at all, so it is not collected — no skip markers."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from zoneops.rights import selectors, services
from zoneops.rights.models import Account, Movement

from .conftest import START

TRANSFERS = 20
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))

if ON_POSTGRESQL:

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_simultaneous_transfers_cannot_overdraw(world):
        office = world.users["office"]
        services.set_cap(actor=office, pollutant="VOCs", quantity="100", basis="测试总量")
        services.verify_initial(actor=office, enterprise=world.enterprise_a, pollutant="VOCs",
                                quantity="10", legal_basis="排污许可证", valid_from=START)
        start = threading.Barrier(TRANSFERS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def send():
            try:
                start.wait()
                try:
                    services.transfer(actor=office, seller=world.enterprise_a,
                                      buyer=world.enterprise_b, pollutant="VOCs", quantity="3",
                                      legal_basis="转让合同", seller_consent="甲",
                                      buyer_consent="乙", valid_from=START)
                    outcome = "moved"
                except ValidationError:
                    outcome = "refused"
                except Exception as exc:  # noqa: BLE001 - reported in the assertion below
                    outcome = f"error: {exc!r}"
                with lock:
                    outcomes.append(outcome)
            finally:
                connection.close()  # each thread had its own connection

        threads = [threading.Thread(target=send) for _ in range(TRANSFERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert sorted(set(outcomes)) == ["moved", "refused"], outcomes
        assert outcomes.count("moved") == 3, outcomes
        seller = Account.objects.get(enterprise=world.enterprise_a, pollutant="VOCs")
        buyer = Account.objects.get(enterprise=world.enterprise_b, pollutant="VOCs")
        assert selectors.balance(seller, START) == Decimal(1)
        assert selectors.balance(buyer, START) == Decimal(9)
        assert Movement.objects.filter(kind="transfer").count() == 3
