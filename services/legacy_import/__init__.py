"""Bulk import of legacy files: retro-digitised paper files and other DMSs' xdomea exports.

``manifest`` and ``manifest_csv`` read the documented manifest, ``xdomea_source`` reads
0503 messages; both yield the plain values of ``model``.  ``run`` creates the records
through the ordinary record and document services, writing each object together with its
ledger row (``ledger``), so that a run can be repeated after a crash; ``report`` sums up.
"""
