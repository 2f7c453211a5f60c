"""DSS info messages and info-message reports (bundle preload/activation, deployment health, governance)."""
from __future__ import annotations

SEVERITIES = ("SUCCESS", "INFO", "WARNING", "ERROR")


def message(severity: str, code: str, title: str, text: str, fatal: bool = False) -> dict:
    """One DSS info message."""
    return {"severity": severity, "isFatal": fatal, "code": code, "title": title, "message": text, "details": text}


def info_messages(messages: list[dict]) -> dict:
    """DSS's info-messages report (``DSSInfoMessages``) built from ``messages``."""
    severities = [m["severity"] for m in messages]
    worst = max(severities, key=SEVERITIES.index) if severities else None
    return {
        "messages": messages,
        "anyMessage": bool(messages),
        "success": "SUCCESS" in severities,
        "warning": "WARNING" in severities,
        "error": "ERROR" in severities,
        "fatal": any(m["isFatal"] for m in messages),
        "maxSeverity": worst,
    }
