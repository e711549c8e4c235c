"""The names the seed's tests import from its SQLAlchemy models. The tests only name them;
the rows they stand for live in the server's store, made through its API."""
