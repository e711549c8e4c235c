# tests/integration/api/test_booking_endpoints.py
import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession
from datetime import datetime, timedelta
import uuid

from main import app
from models.user import User
from models.tenant import Tenant
from models.booking import Booking, ClassSchedule, Class
from tests.fixtures.users import create_test_user
from tests.fixtures.tenants import create_test_tenant
from tests.fixtures.bookings import create_test_class, create_test_schedule

@pytest.mark.asyncio
class TestBookingEndpoints:
    
    async def test_create_booking_success(
        self,
        client: AsyncClient,
        db_session: AsyncSession,
        authenticated_user_headers: dict
    ):
        # Setup test data
        tenant = await create_test_tenant(db_session)
        test_class = await create_test_class(db_session, tenant.id)
        schedule = await create_test_schedule(
            db_session, 
            test_class.id,
            start_time=datetime.utcnow() + timedelta(hours=2)
        )
        
        # Test booking creation
        booking_data = {
            "class_schedule_id": str(schedule.id),
            "credits_to_use": 1
        }
        
        response = await client.post(
            "/api/v1/bookings",
            json=booking_data,
            headers=authenticated_user_headers
        )
        
        assert response.status_code == 201
        booking = response.json()
        assert booking["class_schedule_id"] == str(schedule.id)
        assert booking["status"] == "confirmed"
        assert "qr_code" in booking
        
    async def test_create_booking_insufficient_credits(
        self,
        client: AsyncClient,
        db_session: AsyncSession,
        authenticated_user_headers: dict
    ):
        # Setup test data with high credit requirement
        tenant = await create_test_tenant(db_session)
        test_class = await create_test_class(
            db_session, 
            tenant.id,
            credits_required=100  # User has insufficient credits
        )
        schedule = await create_test_schedule(db_session, test_class.id)
        
        booking_data = {
            "class_schedule_id": str(schedule.id),
            "credits_to_use": 100
        }
        
        response = await client.post(
            "/api/v1/bookings",
            json=booking_data,
            headers=authenticated_user_headers
        )
        
        assert response.status_code == 402
        error = response.json()
        assert error["error"]["code"] == "INSUFFICIENT_CREDITS"
        
    async def test_create_booking_class_full(
        self,
        client: AsyncClient,
        db_session: AsyncSession,
        authenticated_user_headers: dict
    ):
        # Setup test data with no available spots
        tenant = await create_test_tenant(db_session)
        test_class = await create_test_class(db_session, tenant.id)
        schedule = await create_test_schedule(
            db_session, 
            test_class.id,
            available_spots=0  # No spots available
        )
        
        booking_data = {
            "class_schedule_id": str(schedule.id),
            "credits_to_use": 1
        }
        
        response = await client.post(
            "/api/v1/bookings",
            json=booking_data,
            headers=authenticated_user_headers
        )
        
        assert response.status_code == 409
        error = response.json()
        assert error["error"]["code"] == "CLASS_FULL"
        
    async def test_cancel_booking_success(
        self,
        client: AsyncClient,
        db_session: AsyncSession,
        authenticated_user_headers: dict
    ):
        # Setup test booking
        tenant = await create_test_tenant(db_session)
        test_class = await create_test_class(db_session, tenant.id)
        schedule = await create_test_schedule(db_session, test_class.id)
        
        # Create booking first
        booking_data = {
            "class_schedule_id": str(schedule.id),
            "credits_to_use": 1
        }
        
        create_response = await client.post(
            "/api/v1/bookings",
            json=booking_data,
            headers=authenticated_user_headers
        )
        booking_id = create_response.json()["id"]
        
        # Cancel the booking
        response = await client.delete(
            f"/api/v1/bookings/{booking_id}",
            headers=authenticated_user_headers
        )
        
        assert response.status_code == 200
        
        # Verify booking is cancelled
        get_response = await client.get(
            f"/api/v1/bookings/{booking_id}",
            headers=authenticated_user_headers
        )
        
        cancelled_booking = get_response.json()
        assert cancelled_booking["status"] == "cancelled"
