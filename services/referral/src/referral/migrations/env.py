from branchflow_runtime.messaging.tables import messaging_metadata
from branchflow_runtime.migrations import run_env
from referral.adapters.tables import metadata

run_env([metadata, messaging_metadata], lock_name="referral-migrations")
