"""The fixtures the seed's tests ask for, over a live `studioloop serve`: STUDIOLOOP_URL is
where it listens, STUDIOLOOP_LOG its output (where development mode prints verification codes)."""
import os

import httpx
import pytest

from tests.fixtures.live import LiveStore
from tests.fixtures.users import create_test_user


@pytest.fixture
async def client():
    async with httpx.AsyncClient(base_url=os.environ["STUDIOLOOP_URL"], timeout=30) as http:
        yield http


@pytest.fixture
async def db_session(client):
    return LiveStore(client, os.environ["STUDIOLOOP_LOG"])


@pytest.fixture
async def authenticated_user_headers(db_session):
    db_session.member = await create_test_user(db_session)
    return db_session.bearer(db_session.member.token)
