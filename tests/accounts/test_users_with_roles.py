"""accounts.selectors.users_with_roles: the active holders of any of some roles, each once (the one rule for "who
holds this role", used by who decides a step, who is told, who may be named deputy)."""

import pytest

from accounts.roles import Role
from accounts.selectors import users_with_roles
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_active_holders_of_any_of_the_roles_each_once(world):
    both = UserFactory(username="both", roles=[Role.COORDINATOR, Role.HEAD])
    gone = UserFactory(username="gone", roles=[Role.HEAD], is_active=False)
    UserFactory(username="student", roles=[Role.STUDENT])

    heads = set(users_with_roles([Role.HEAD]).values_list("username", flat=True))
    assert {"both", "head_ce", "head_math"} <= heads and gone.username not in heads and "student" not in heads
    either = list(users_with_roles([Role.COORDINATOR, Role.HEAD]).values_list("username", flat=True))
    assert either.count("both") == 1
    assert {"coordinator_ce", "head_ce"} <= set(either)
    assert not users_with_roles([]).exists()
    assert both.pk in set(users_with_roles([Role.COORDINATOR]).values_list("pk", flat=True))
