"""E-invoices (XRechnung, EN 16931, ZUGFeRD/Factur-X): safe parsing, recognition, validation.

Pure domain code over lxml; no database and no web framework.
"""
