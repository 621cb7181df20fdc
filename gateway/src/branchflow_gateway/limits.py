"""Limits on what one request may ask of the gateway."""

import functools

from strawberry.extensions.max_aliases import create_validator as alias_limit_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule


@functools.cache
def limit_rules(max_depth: int, max_aliases: int) -> tuple:
    """The depth and alias rules, made once. Strawberry's limiter extensions make a new rule
    class per instance, and the validation cache is keyed by the rule classes: with a new
    extension per request, no query was ever found in the cache (4 ms of validation each)."""
    return (
        depth_limit_rule(max_depth, None, None),
        alias_limit_rule(max_aliases),
    )
