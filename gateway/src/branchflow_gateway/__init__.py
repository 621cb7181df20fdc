"""Branchflow GraphQL gateway."""
