"""Audio: probing, the segment library, loudness, session assembly and per-station bundles."""
