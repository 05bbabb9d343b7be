from django.apps import AppConfig


class DocRequestConfig(AppConfig):
    """A third kind of case that exists only in the tests: a department asks the IRO for a document, a coordinator
    and then the head review it. Built by following docs/ARCHITECTURE.md "Adding a kind of case", to prove that a
    new kind needs its own flow module, one registration and its own domain code — nothing shared."""

    name = "tests.docrequest"
    label = "docrequest"

    def ready(self) -> None:
        from tests.docrequest import flows, web  # noqa: F401 - each registers itself
