"""The access policy's kinds of data and actions as a person reads them (in refusals)."""

from branchflow_runtime.access import Action, Data
from branchflow_runtime.i18n import NC_, RUNTIME_CATALOGUE, register_labels

LABELS = {
    Data: {
        Data.GUIDANCE: NC_("Data", "guidance given to customers"),
        Data.IDENTIFICATION: NC_("Data", "identifications"),
        Data.COUNTS: NC_("Data", "branch figures"),
        Data.TRACE: NC_("Data", "trace ids"),
        Data.TIER: NC_("Data", "customer tier"),
        Data.SCORE: NC_("Data", "rating score"),
        Data.EXPLANATION: NC_("Data", "rating explanation"),
        Data.AMOUNTS: NC_("Data", "amounts of money"),
        Data.FACTS: NC_("Data", "customer facts"),
        Data.PERSONAL_DATA: NC_("Data", "personal data"),
    },
    Action: {
        Action.RECORD_OBSERVATION: NC_("Action", "record observations"),
        Action.WRITE_FACTS: NC_("Action", "change customer facts"),
    },
}
register_labels(RUNTIME_CATALOGUE, LABELS)
