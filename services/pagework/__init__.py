"""Page work before filing: split, merge, rotate and drop pages of unfiled documents."""
