"""Identification, in plain Python: facts, observed signals, the comprehensive rating and the
guidance a lobby is given. No framework imports."""
