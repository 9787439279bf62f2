"""Audio production: probing, the segment catalogue, loudness, session assembly, month render, bundles."""
