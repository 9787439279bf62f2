"""The main job end to end on a preset: content, speech, plan, render, storm, as-run, re-plan, audit."""
