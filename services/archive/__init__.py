"""Archive transfer (xdomea Aussonderung), destruction with proof and its records."""
