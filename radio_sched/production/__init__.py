"""Audio production: segments, loudness, session rendering, bundles, speech."""
