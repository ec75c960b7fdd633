"""CMIS 1.1 over eakte's records, independent of the binding (Browser, AtomPub).

The bindings under ``api/cmis/`` parse requests and render answers; everything they
show or change goes through these modules, which use the same scoped queries, write
checks, content checks and audit trail as the REST API.
"""
