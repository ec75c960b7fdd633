"""Extraction of the EN 16931 business terms from UBL and CII trees (see ``extract.py``)."""
