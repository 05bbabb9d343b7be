"""Helpers of the learning agreements' tests: an approved mobility, content that meets the rules, the token of the
link emailed to the receiving coordinator."""

import re

from django.core import mail

from learning import services
from tests.support.drivers import approve_all, make_submitted_application

RECEIVING = ("Dr. Anna Weber", "anna.weber@tu-berlin.example")


def approved_application(world, applicant=None, *, call=None):
    application = make_submitted_application(world, applicant, call=call)
    return approve_all(world, application)


def good_content(**mobility):
    """A spring semester of 30 ECTS studied and recognised."""
    return {
        "mobility": {
            "start_date": "2027-02-01",
            "end_date": "2027-06-30",
            "eqf_level": 6,
            "isced_code": "0613",
            "isced_clarification": "Software engineering",
            "language": "en",
            "language_level": "B2",
            "receiving_unit": "Faculty IV",
            **mobility,
        },
        "components": [
            {"table": "A", "code": "DS-1", "title": "Distributed Systems", "ects": "12", "term": "spring"},
            {"table": "A", "code": "ML-2", "title": "Machine Learning", "ects": "12", "term": "spring"},
            {"table": "A", "code": "DE-1", "title": "German A2", "ects": "6", "term": "spring"},
            {"table": "B", "code": "CE401", "title": "Distributed Computing", "ects": "18", "term": "spring"},
            {"table": "B", "code": "CE402", "title": "Artificial Intelligence", "ects": "12", "term": "spring"},
        ],
    }


def started_agreement(world, applicant=None, *, content=None, call=None):
    """An agreement with a first version and the receiving coordinator named."""
    application = approved_application(world, applicant, call=call)
    agreement = services.la_start(application_id=application.pk, actor=application.applicant)
    services.la_contact_set(
        agreement_id=agreement.pk, actor=application.applicant, name=RECEIVING[0], email=RECEIVING[1]
    )
    services.la_save(agreement_id=agreement.pk, actor=application.applicant, content=content or good_content())
    agreement.refresh_from_db()
    return agreement


def emailed_token(email_address=RECEIVING[1]):
    """The token in the last signing-link email sent to this address."""
    for message in reversed(mail.outbox):
        if email_address in message.to:
            match = re.search(r"/learning/(\d+)/sign/([\w-]+)/", message.body)
            if match:
                return int(match.group(1)), match.group(2)
    raise AssertionError("no signing link was emailed")
