"""Properties over random sequences of pool operations (a hypothesis state machine):

- every journal balances and so does the trial balance;
- the shares of every paid claim add up to its approved loss exactly;
- the pool's balance never goes negative, and equals money in − compensation + recoveries;
- every accepted registration leaves registered outstanding ≤ balance × leverage;
- recoveries never return to a party more than it bore.

Each example runs inside a savepoint that is rolled back, on loans reported once per test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from kejin.apps.riskpool.accounts import Posting, check_postings, trial_balance
from kejin.apps.riskpool.balances import pool_balance, registered_outstanding
from kejin.apps.riskpool.models import Claim, ClaimStatus, Journal, Recovery, Registration
from kejin.apps.riskpool.selectors import trial_balance_for
from kejin.apps.riskpool.services import claims, contributions, pools, recoveries, registrations
from kejin.apps.riskpool.services.common import today
from kejin.rules.errors import DomainError
from kejin.rules.money import FEN, ZERO
from tests.apps.riskpool.conftest import CONTRACT, FILED, World

D = Decimal
# 115,345,678.91 in all: more than the 100,000,000.00 the pool's 10,000,000.00 allows at 10×
AMOUNTS = ["45000000.00", "40000000.00", "20000000.00", "8000000.00", "2345678.91"]
money = st.integers(min_value=1, max_value=200_000_000).map(lambda fen: Decimal(fen) * FEN)


COUNTS: Counter[str] = Counter()


def attempt(action: Callable[[], object]) -> str:
    """Run a service call; the refusal's code, or "" when it went through."""
    try:
        action()
    except DomainError as exc:
        return str(exc.code)
    return ""


def machine(world: World, loans: list[tuple[int, Any]]) -> type[RuleBasedStateMachine]:
    city = world.actor(world.cast.city_admin)
    reviewer = world.actor(world.city_reviewer)
    banks = {world.cast.bank.pk: world.actor(world.cast.bank_officer)}
    banks[world.cast.other_bank.pk] = world.actor(world.cast.other_bank_admin)

    class PoolMachine(RuleBasedStateMachine):
        registered = Bundle("registered")
        compensated = Bundle("compensated")

        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.expected = pool_balance(world.pool.pk)
            self.counts = COUNTS

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        @rule(amount=money, from_bank=st.booleans())
        def contribute(self, amount: Decimal, from_bank: bool) -> None:
            contributions.contribution_record(
                actor=city,
                pool_id=world.pool.pk,
                source="bank" if from_bank else "government",
                bank_id=world.cast.bank.pk if from_bank else None,
                amount=amount,
                received_on=date(2024, 1, 10),
                reference="R",
            )
            self.expected += amount

        @rule(target=registered, i=st.integers(0, len(loans) - 1), insured=st.booleans())
        def register(self, i: int, insured: bool) -> object:
            bank_id, loan = loans[i]
            data = registrations.RegistrationInput(
                loan_id=loan.pk,
                registered_on=CONTRACT,
                insurer_id=world.insurer.pk if insured else None,
                policy_number="P" if insured else "",
            )
            refused = attempt(
                lambda: registrations.registration_create(
                    actor=banks[bank_id], pool_id=world.pool.pk, data=data
                )
            )
            if refused:
                assert refused in (
                    "registration.leverage_exceeded",
                    "registration.already_registered",
                )
                self.counts["refused registration"] += refused == "registration.leverage_exceeded"
                return multiple()
            self.counts["registered"] += 1
            ceiling = pool_balance(world.pool.pk) * 10
            assert registered_outstanding(world.pool.pk, today()) <= ceiling
            return i

        @rule(
            target=compensated,
            i=consumes(registered),
            collateral=st.integers(0, 100),
            cut=st.integers(0, 100),
        )
        def claim(self, i: int, collateral: int, cut: int) -> object:
            bank_id, loan = loans[i]
            assert Registration.objects.filter(loan=loan, status="active").exists()
            c = (loan.amount * collateral / 200).quantize(FEN)  # up to half the principal
            filed = claims.claim_file(
                actor=banks[bank_id],
                data=claims.ClaimInput(loan_id=loan.pk, filed_on=FILED, collateral_realised=c),
            )
            approved = max((filed.loss * (100 - cut) / 100).quantize(FEN), FEN)
            claims.claim_propose(actor=city, claim_id=filed.pk, approved_loss=approved)
            refused = attempt(lambda: claims.claim_approve(actor=reviewer, claim_id=filed.pk))
            if refused:
                assert refused == "claim.pool_insufficient"
                claims.claim_reject(actor=city, claim_id=filed.pk, reason="资金池余额不足")
                return multiple()
            self.counts["paid"] += 1
            self.expected -= Claim.objects.get(pk=filed.pk).pool_share
            return i

        @rule(i=st.integers(0, len(loans) - 1), share=st.integers(1, 120))
        def recover(self, i: int, share: int) -> None:
            _, loan = loans[i]
            claim = Claim.objects.filter(registration__loan=loan, status=ClaimStatus.PAID).first()
            if claim is None:
                return
            done = claim.recoveries.aggregate(s=Sum("amount"))["s"] or ZERO
            left = (claim.approved_loss or claim.loss) - done
            amount = max((left * share / 100).quantize(FEN), FEN)
            actor = city if share % 2 else banks[claim.bank_id]
            before = Recovery.objects.count()
            refused = attempt(
                lambda: recoveries.recovery_record(
                    actor=actor, registration_id=claim.registration_id, amount=amount
                )
            )
            if refused:
                assert refused == "recovery.exceeds_loss"
                assert amount > left
                assert Recovery.objects.count() == before
                return
            self.counts["recovered"] += 1
            r = Recovery.objects.latest("pk")
            assert r.pool_part + r.bank_part + r.insurer_part == amount
            self.expected += r.pool_part

        @invariant()
        def journals_balance(self) -> None:
            for journal in Journal.objects.filter(pool=world.pool).prefetch_related("lines"):
                lines = list(journal.lines.all())
                assert sum(x.debit for x in lines) == sum(x.credit for x in lines)
            assert trial_balance_for(city, world.pool.pk).balanced

        @invariant()
        def balance_is_derived_and_never_negative(self) -> None:
            balance = pool_balance(world.pool.pk)
            assert balance >= 0
            assert balance == self.expected

        @invariant()
        def shares_add_up_and_recoveries_stay_within_them(self) -> None:
            for claim in Claim.objects.filter(pool=world.pool, status=ClaimStatus.PAID):
                paid = claim.paid_by_party()
                assert sum(paid.values(), ZERO) == claim.approved_loss
                parts = Recovery.objects.filter(claim=claim).aggregate(
                    pool=Sum("pool_part"), bank=Sum("bank_part"), insurer=Sum("insurer_part")
                )
                for party, bore in paid.items():
                    assert (parts[party] or ZERO) <= bore

    return PoolMachine


def test_random_sequences_of_pool_operations_keep_the_books_right(world: World) -> None:
    # No suspension in this test: the machine explores leverage, payouts and recoveries.
    for agreement in (world.bank_agreement, world.other_bank_agreement):
        pools.agreement_version_add(
            actor=world.actor(world.cast.city_admin),
            agreement_id=agreement.pk,
            version=pools.VersionInput(effective_from=date(2024, 1, 2), npl_threshold="100"),
        )
    loans = []
    for n, amount in enumerate(AMOUNTS):
        user = world.cast.bank_officer if n % 2 == 0 else world.cast.other_bank_admin
        loans.append((user.organisation_id, world.loan(f"HY-{n}", amount, bank_user=user)))
    run_state_machine_as_test(
        machine(world, loans),
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            derandomize=True,
        ),
    )
    # The sequences did reach the interesting states
    assert COUNTS["registered"], COUNTS
    assert COUNTS["refused registration"], COUNTS
    assert COUNTS["paid"], COUNTS
    assert COUNTS["recovered"], COUNTS


@st.composite
def balanced_postings(draw: st.DrawFn) -> list[Posting]:
    accounts = st.sampled_from(
        ["pool_cash", "contributions:government", "contributions:bank:7", "compensation_paid"]
    )
    debits = draw(st.lists(money, min_size=1, max_size=4))
    total = sum(debits, ZERO)
    weights = draw(st.lists(st.integers(1, 9), min_size=1, max_size=4))
    from kejin.rules.money import split

    credits = [c for c in split(total, weights) if c > 0]
    return [Posting(draw(accounts), debit=d) for d in debits] + [
        Posting(draw(accounts), credit=c) for c in credits
    ]


def test_any_set_of_balanced_journals_gives_a_balanced_trial_balance() -> None:
    from hypothesis import given

    @settings(max_examples=200, deadline=None)
    @given(st.lists(balanced_postings(), min_size=1, max_size=8))
    def check(journals: list[list[Posting]]) -> None:
        totals: dict[str, list[Decimal]] = {}
        for postings in journals:
            for p in check_postings(postings):
                row = totals.setdefault(p.account, [ZERO, ZERO])
                row[0] += p.debit
                row[1] += p.credit
        tb = trial_balance([(a, d, c) for a, (d, c) in totals.items()])
        assert tb.balanced
        assert tb.debit_balances == tb.credit_balances

    check()


def test_an_unbalanced_journal_is_refused() -> None:
    import pytest

    with pytest.raises(DomainError) as refused:
        check_postings(
            [Posting("pool_cash", debit=D("1.00")), Posting("recoveries", credit=D("0.99"))]
        )
    assert refused.value.code == "ledger.unbalanced"
    with pytest.raises(DomainError):
        check_postings([Posting("pool_cash", debit=D("1.00"), credit=D("1.00"))])
    with pytest.raises(ValueError, match="unknown account"):
        check_postings(
            [Posting("petty_cash", debit=D("1.00")), Posting("pool_cash", credit=D("1.00"))]
        )
