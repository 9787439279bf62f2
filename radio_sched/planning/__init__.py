"""The crossing between the database and the solver: instances, stored schedules, plan, re-plan, check, export."""
