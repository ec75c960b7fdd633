"""CMIS 1.1 for specialist procedures and portals: the Browser and AtomPub bindings."""
