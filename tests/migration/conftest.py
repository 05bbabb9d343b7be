"""Every migration test starts with the default checklist (migration/defaults.py): the data migration writes it, but
a transactional test elsewhere in the run empties the tables it leaves behind."""

import pytest


@pytest.fixture(autouse=True)
def default_checklist(db):
    from migration.services import step_templates_seed_defaults

    step_templates_seed_defaults()
