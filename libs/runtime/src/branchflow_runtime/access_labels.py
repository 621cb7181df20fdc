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
        Data.REFERRALS: NC_("Data", "referral forms"),
        Data.REFERRAL_DAY: NC_("Data", "the day's referrals and suggestions"),
        Data.REFERRAL_COUNTS: NC_("Data", "referral counts per staff"),
        Data.APPRAISAL: NC_("Data", "monthly referral summary"),
        Data.REGISTER: NC_("Data", "the follow-up register"),
        Data.REGISTER_ACCESS_LOG: NC_("Data", "the follow-up register's access log"),
        Data.MARKETING: NC_("Data", "targeted marketing"),
    },
    Action: {
        Action.RECORD_OBSERVATION: NC_("Action", "record observations"),
        Action.WRITE_FACTS: NC_("Action", "change customer facts"),
        Action.FILE_REFERRAL: NC_("Action", "file referrals"),
        Action.HANDLE_SUGGESTIONS: NC_("Action", "handle suggested referrals"),
        Action.CONFIRM_REFERRAL: NC_("Action", "confirm referrals"),
        Action.WITHDRAW_REFERRAL: NC_("Action", "withdraw referrals"),
        Action.CLOSE_DAY: NC_("Action", "close the day"),
        Action.REOPEN_DAY: NC_("Action", "reopen a closed day"),
        Action.WRITE_REGISTER: NC_("Action", "write in the follow-up register"),
        Action.RECORD_MARKETING: NC_("Action", "record targeted marketing"),
    },
}
register_labels(RUNTIME_CATALOGUE, LABELS)
