"""Pure business rules shared by nodes and the server: no I/O here."""
