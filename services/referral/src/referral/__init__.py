"""The referral service (推介): referral forms, close of business, the follow-up register and
targeted marketing."""
