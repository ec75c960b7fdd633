"""xdomea messages: the plain values (``model``), writing, reading and schema checks."""
