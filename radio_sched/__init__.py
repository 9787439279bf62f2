"""radio-sched: plan, produce and audit what commune radio stations broadcast."""

__version__ = "0.1.0"
