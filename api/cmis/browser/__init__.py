"""The CMIS 1.1 Browser binding (JSON over GET and POST) at ``/cmis/browser``."""
