"""REST API (FastAPI). Thin: parse, authorize, call a handler or a view, shape the answer. A module
per concern; this one assembles their routes into the service's router, in the order the OpenAPI
document lists them.

Who may do what is ``referral.access``; the routes' role lists are its sets. Forbidden
transitions are a 409 with a ``code`` and a ``detail`` saying why; input that cannot be right is
a 422 naming the field. Reads of the follow-up register go through ``referral.register``, which
records each one."""

from branchflow_runtime.http_errors import service_router
from referral.entrypoints.api import close_of_business, figures, forms, marketing, register, suggestions
from referral.entrypoints.schemas import RefusalOut

REFUSALS = {409: {"model": RefusalOut, "description": "the state forbids it; `detail` says why"}}
router = service_router(responses=REFUSALS)
for concern in (forms, suggestions, close_of_business, figures, register, marketing):
    router.include_router(concern.router)
