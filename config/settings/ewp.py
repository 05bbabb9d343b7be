"""Erasmus Without Paper (agreements/ewp/): who we are on the EWP network, how an EWP request is authenticated,
and whether the worker may fetch a partner's IIA from a URL. Every value can be set from the environment."""

import environ

env = environ.Env()

# Our institution's SCHAC code: the hei-id of the first partner of every IIA we serve.
EWP_HEI_ID = env("EWP_HEI_ID", default="korpu.example.edu")
# The ounit-id our Organizational Units API gives each department, by department code (e.g. "ce=140,math=141");
# a department without one is left out of the IIA (EWP: skip an ounit-id that is not known).
EWP_OUNIT_IDS = env.dict("EWP_OUNIT_IDS", default={})
# A recommended language skill is required in student-studies and staff-teaching conditions; a condition that
# names none is served with this language and no CEFR level.
EWP_DEFAULT_LANGUAGE = env("EWP_DEFAULT_LANGUAGE", default="en")
# The one function that authenticates a request to the EWP endpoints (index, get, approval): a dotted path to a
# callable taking the request and answering an agreements.ewp.auth.EwpCaller or None (401). Locally an API token
# (knox) of a user who may see the agreements; in production a function checking EWP's HTTP signatures against
# the EWP registry (see agreements/ewp/auth.py).
EWP_REQUEST_AUTHENTICATOR = env("EWP_REQUEST_AUTHENTICATOR", default="agreements.ewp.auth.api_token_caller")
# The most iia_id values one get or approval request may name (the manifest's max-iia-ids).
EWP_MAX_IIA_IDS = env.int("EWP_MAX_IIA_IDS", default=50)
# The largest partner XML (IIA copy or approval) accepted, uploaded or fetched.
EWP_MAX_XML_BYTES = env.int("EWP_MAX_XML_BYTES", default=2 * 1024 * 1024)
# Whether the worker may fetch a partner's IIA or approval from an https URL a coordinator gives; off by default.
EWP_FETCH_ENABLED = env.bool("EWP_FETCH_ENABLED", default=False)
EWP_FETCH_TIMEOUT_SECONDS = env.float("EWP_FETCH_TIMEOUT_SECONDS", default=15.0)
