"""Referral, in plain Python: forms and their status machine, suggestions, the not-premium rule,
the close of business, the follow-up register, targeted marketing, counts. No framework imports."""
