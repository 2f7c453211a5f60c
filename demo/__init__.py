"""The offline GitOps demo (``make demo``): DSS emulator → offline plan → local "GitHub" → onboarding → pipeline."""
