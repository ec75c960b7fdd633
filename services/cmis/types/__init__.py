"""The repository's types: built-ins, client-defined ones, their JSON and their changes."""
