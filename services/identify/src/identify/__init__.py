"""The identify service (识别)."""
