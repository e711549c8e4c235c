class Booking:
    """The seed's model name; the row is in the server's store."""


class ClassSchedule:
    """The seed's model name; the row is in the server's store."""


class Class:
    """The seed's model name; the row is in the server's store."""
