"""Persistence: every SQL statement of the service, a module per family of tables.

Each function takes a connection (so callers own transactions) and a `scope`: the creator
whose rows it may see or change, or ALL_CREATORS for the admin key and the service's own
jobs. A creator key's requests always pass that creator.
"""
