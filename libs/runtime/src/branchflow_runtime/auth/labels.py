"""The staff roles as a person reads them (DOMAIN.md, "Who works in a branch")."""

from branchflow_runtime.auth.tokens import Role
from branchflow_runtime.i18n import NC_, RUNTIME_CATALOGUE, register_labels

LABELS = {
    Role: {
        Role.LOBBY_MANAGER: NC_("Role", "Lobby manager"),
        Role.TELLER: NC_("Role", "Teller"),
        Role.WEALTH_MANAGER: NC_("Role", "Wealth manager"),
        Role.MARKETING_MANAGER: NC_("Role", "Marketing manager"),
        Role.SERVICE_QUALITY_OFFICER: NC_("Role", "Service quality officer"),
        Role.DEPUTY_BRANCH_HEAD: NC_("Role", "Deputy branch head"),
        Role.BRANCH_HEAD: NC_("Role", "Branch head"),
        Role.HEAD_OFFICE: NC_("Role", "Head office"),
        Role.OPS: NC_("Role", "Operations"),
    }
}
register_labels(RUNTIME_CATALOGUE, LABELS)
