"""Project numbers under concurrent initiation: 20 salespeople at once get 20 distinct numbers."""

import re
import threading

import pytest
from django.db import connection

from approvals.services import form_create
from projects.demo import Driver
from projects.models import Project

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def test_concurrent_initiations_get_unique_readable_numbers(transactional_db):
    from org.demo import seed_demo_org

    users = seed_demo_org()
    data = Driver(users).initiation_data("并发立项")
    barrier = threading.Barrier(THREADS)
    results = []

    def initiate():
        try:
            barrier.wait()
            results.append(form_create(acting_user=users["sales"], kind="initiation", data=data))
        except Exception as exc:  # noqa: BLE001 - asserted below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=initiate) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(not isinstance(r, Exception) for r in results), results
    numbers = list(Project.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == THREADS
    assert all(re.fullmatch(r"SI-\d{4}-\d{4}", n) for n in numbers)
    # consecutive: no number skipped, none reused
    assert sorted(int(n[-4:]) for n in numbers) == list(range(1, THREADS + 1))
