"""Twenty simultaneous transfers out of one account, each on its own database connection,
each for a quantity the account holds alone but not all together: the row lock on the source
account lets exactly as many through as the balance covers, and none overdraws it.

PostgreSQL only, by design: SQLite serialises writers, so the race cannot happen there (the
sequential refusal is asserted on every database in test_ledger). On SQLite this test is not
defined at all, so it is not collected — no skip markers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.concurrency import ON_POSTGRESQL, race
from zoneops.rights import selectors, services
from zoneops.rights.models import Account, Movement

from .conftest import START

TRANSFERS = 20

if ON_POSTGRESQL:

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_simultaneous_transfers_cannot_overdraw(world):
        office = world.users["office"]
        services.set_cap(actor=office, pollutant="VOCs", quantity="100", basis="测试总量")
        services.verify_initial(actor=office, enterprise=world.enterprise_a, pollutant="VOCs",
                                quantity="10", legal_basis="排污许可证", valid_from=START)
        def send() -> str:
            try:
                services.transfer(actor=office, seller=world.enterprise_a,
                                  buyer=world.enterprise_b, pollutant="VOCs", quantity="3",
                                  legal_basis="转让合同", seller_consent="甲",
                                  buyer_consent="乙", valid_from=START)
                return "moved"
            except ValidationError:
                return "refused"

        outcomes = race(TRANSFERS, send)
        assert sorted(set(outcomes)) == ["moved", "refused"], outcomes
        assert outcomes.count("moved") == 3, outcomes
        seller = Account.objects.get(enterprise=world.enterprise_a, pollutant="VOCs")
        buyer = Account.objects.get(enterprise=world.enterprise_b, pollutant="VOCs")
        assert selectors.balance(seller, START) == Decimal(1)
        assert selectors.balance(buyer, START) == Decimal(9)
        assert Movement.objects.filter(kind="transfer").count() == 3
