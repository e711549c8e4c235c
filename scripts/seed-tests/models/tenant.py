class Tenant:
    """The seed's model name; the row is in the server's store."""
