"""Sign-in by email link, the current user, and sign-out."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from api.deps import SESSION_COOKIE, CurrentSession, DbSession, LimitLookups, SettingsDep, client_ip
from api.errors import ERROR_RESPONSES
from schemas.auth import MeOut, SignedIn, SignInAccepted, SignInRequest, VerifyIn
from services.auth import signin

router = APIRouter(prefix="/auth", tags=["auth"], responses=ERROR_RESPONSES)


@router.post(
    "/sign-in",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SignInAccepted,
    summary="Mail a sign-in link",
    description="Always answers the same way, whether or not the address has an account. "
    "Limited per address and per client IP (429 with Retry-After).",
)
async def request_sign_in(data: SignInRequest, request: Request, db: DbSession) -> SignInAccepted:
    await signin.request_sign_in(
        db, email=data.email, next_path=data.next, requested_ip=client_ip(request)
    )
    return SignInAccepted(
        detail="Check your mail: we sent a sign-in link that works for 15 minutes."
    )


@router.post(
    "/verify",
    dependencies=[LimitLookups],
    response_model=SignedIn,
    summary="Use a sign-in link",
    description="Trades the link's token for a session cookie. A link works once.",
)
async def verify(
    data: VerifyIn, response: Response, db: DbSession, settings: SettingsDep
) -> SignedIn:
    new = await signin.redeem_login_link(db, token=data.token)
    response.set_cookie(
        SESSION_COOKIE,
        new.token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return SignedIn(
        id=new.user.id,
        email=new.user.email,
        name=new.user.name,
        is_organizer=new.user.is_organizer,
        csrf_token=new.csrf_token,
        next=new.next_path,
    )


@router.get("/me", response_model=MeOut, summary="Who is signed in")
async def me(signed_in: CurrentSession, response: Response) -> MeOut:
    response.headers["Cache-Control"] = "no-store"  # it carries the CSRF token
    user = signed_in.user
    return MeOut(
        id=user.id,
        email=user.email,
        name=user.name,
        is_organizer=user.is_organizer,
        csrf_token=signed_in.session.csrf_token,
    )


@router.post("/sign-out", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out this browser")
async def sign_out(
    signed_in: CurrentSession, response: Response, db: DbSession, settings: SettingsDep
) -> None:
    await signin.close_session(db, session_id=signed_in.session.id)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies
    )
