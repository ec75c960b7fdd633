"""Access control: who the caller is, what they may do, and what they may see.

Every read of documents, Akten, review tasks, e-invoices, audit events and the like goes
through :mod:`services.access.visibility`; routers, CLI, web pages and CMIS never decide
visibility themselves, they pass a :class:`~services.access.scope.Scope` down.
"""
