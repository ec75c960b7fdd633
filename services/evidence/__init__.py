"""Evidence (TR-ESOR style): daily hash trees over new content, anchored and exportable."""
