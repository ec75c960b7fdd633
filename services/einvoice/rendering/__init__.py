"""German HTML and PDF views of an extracted invoice and its validation result."""
