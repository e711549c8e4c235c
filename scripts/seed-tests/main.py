"""The seed imports its FastAPI `app` from here. This server is not that app: the tests reach
the live `studioloop serve` at STUDIOLOOP_URL over HTTP instead (see conftest.py)."""
app = None
