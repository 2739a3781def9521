"""Inter-annotator agreement: measures (`measures`, `matching`), what to compare (`collect`),
the report dict (`report`) and its self-contained HTML page (`html`)."""

from annotator.agreement.report import Cancelled, agreement_report, project_agreement

__all__ = ["Cancelled", "agreement_report", "project_agreement"]
