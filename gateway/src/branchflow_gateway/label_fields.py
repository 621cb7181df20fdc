"""A code's label as a GraphQL field beside it (``source`` → ``sourceLabel``), worded when the
field is resolved, in the language of the operation (``language``): a row kept or pushed reads in
each caller's language. The field shows what its code shows (``access.check_labels``)."""

from enum import Enum

import strawberry

from branchflow_runtime.i18n import label_of


def label_field(code: str, enum: type[Enum], *, optional: bool = False, description: str | None = None):
    """The label of the attribute ``code`` read as a code of ``enum`` (a value that is none of its
    codes is shown as it is); ``optional``: the code may be null, and so is its label."""
    if optional:

        def resolve_optional(root) -> str | None:
            return label_of(enum, getattr(root, code))

        return strawberry.field(resolver=resolve_optional, description=description)

    def resolve(root) -> str:
        return label_of(enum, getattr(root, code))

    return strawberry.field(resolver=resolve, description=description)
