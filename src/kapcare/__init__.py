"""kapcare: a platform for clinics that deliver ketamine-assisted psychotherapy."""

__version__ = "0.1.0"
