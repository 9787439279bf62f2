"""The monthly scheduler: a plain instance, a CP-SAT model (one module per rule), solve, explain, check."""
