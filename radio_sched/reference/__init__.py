"""What a province keeps as reference: divisions, session templates, off-air days, presets, plan rules."""
