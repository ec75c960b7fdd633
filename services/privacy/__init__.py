"""Reports for data-protection officers (GDPR / DSGVO).

Who read the files about a person, and when (:mod:`.access_report`); what eakte keeps
about them, why and how long (:mod:`.disclosure`, the Art. 15 list); both as German PDFs
(:mod:`.render_pdf`).  The officer's role reads no content, so the reports run on the
system scope and return metadata only, never a document's content or text.  Each report
is itself an audit event whose object is a hash of the subject, not the subject in clear.
"""
