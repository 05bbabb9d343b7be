"""Erasmus Without Paper for inter-institutional agreements: an Erasmus+ agreement as an IIAs API v7 `get`
response (build.py) with the official iia-hash (hashing.py, the official XSLT run by SaxonC), validated against
the vendored schemas (xml.py, bundle/); a partner's copy parsed and compared with ours condition by condition
(parse.py, compare.py); importing copies and approvals, approving, and the exchange status (services.py, models.py);
the pages, the REST API and the EWP-shaped endpoints (views.py, api.py, endpoints.py, auth.py)."""
