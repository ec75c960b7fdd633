"""Records management: the active file plan, Akten, Vorgänge and filing."""
