"""The registry of each kind of case's pages and API bodies, for the shared task page, the decision API and the
inbox API. A kind's web layer registers here (from its app's ready()); this module imports nothing of the kinds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CaseWeb:
    # The page of a task of this kind: (request, task) -> response (the decision form, a coordinator's step...).
    task_page: Callable[..., Any]
    # The API body of a case after an action on one of its tasks: (request, case) -> DRF Response.
    case_response: Callable[..., Any]
    # The case as the decision API answers it (a serializer class, for the schema).
    case_detail_serializer: type
    # The case as the task list of the API shows it (a serializer class); its field is named after the kind.
    task_case_serializer: type
    # Describes that field in the OpenAPI schema.
    task_case_help: Any = ""


_WEB: dict[str, CaseWeb] = {}


def register_web(kind_key: str, web: CaseWeb) -> None:
    _WEB[kind_key] = web


def web_of(kind_key: str) -> CaseWeb:
    return _WEB[kind_key]


def registered_web() -> dict[str, CaseWeb]:
    return dict(_WEB)
