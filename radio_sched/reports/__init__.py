"""What came back and what it means: as-run reports, outcomes, the audit and its report, overviews."""
