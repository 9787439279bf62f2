"""The model's constraints, one module per rule type; each has build(vars) and adds its constraints and penalty terms."""

from . import (
    bulletin, each_segment, max_per_session, min_gap, prefer_sessions, quota, reference, session,
    spread
)

# Hard limits first, then obligations, then wishes (the order only affects variable naming).
MODULES = [session, max_per_session, min_gap, bulletin, each_segment, quota, prefer_sessions, spread,
           reference]
