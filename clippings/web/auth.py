"""Desk sign-in: ``/masuk`` and ``/keluar``, and the role check for the desk's pages.

Flask-Login keeps the account in the signed session cookie. The cookie holds the
account id plus a digest of its password hash (:func:`clippings.users.session_token`),
so ``kliping user passwd`` ends the sessions opened with the old password.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from clippings.users import ROLE_NAMES, authenticate, session_token, user_for_session
from clippings.web.db import get_db
from clippings.web.errors import error_page

bp = Blueprint("auth", __name__)
login_manager = LoginManager()

LOGIN_FAILED = "Nama pengguna atau kata sandi salah."


class DeskUser(UserMixin):
    """An account as the web app sees it; the password hash stays out of templates."""

    def __init__(self, row: dict) -> None:
        self.id = row["id"]
        self.username = row["username"]
        self.name = row["name"] or row["username"]
        self.role = row["role"]
        self.region = row["region"]
        self.opd = row["opd"]
        self._token = session_token(row)

    def get_id(self) -> str:
        return self._token


class LoginForm(FlaskForm):
    nama_pengguna = StringField("Nama pengguna", validators=[DataRequired(message="Isi nama pengguna.")])
    kata_sandi = PasswordField("Kata sandi", validators=[DataRequired(message="Isi kata sandi.")])


class LogoutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST, so another site cannot do it for you."""


@login_manager.user_loader
def _load_user(token: str) -> DeskUser | None:
    row = user_for_session(get_db(), token)
    return DeskUser(row) if row else None


def roles_required(*roles: str):
    """Sign-in required (redirect to /masuk), then one of ``roles`` (else a 403 page)."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                allowed = " atau ".join(ROLE_NAMES.get(r, r) for r in roles)
                return error_page(403, f"Halaman ini hanya untuk {allowed}. Anda masuk sebagai "
                                       f"{current_user.username} ({ROLE_NAMES.get(current_user.role, current_user.role)}).",
                                  title="Tidak berwenang")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: ``?next=https://elsewhere`` must not turn the login
    page into a redirector for phishing."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    form = LoginForm()
    next_page = _safe_next(request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_page or url_for("clips.new"))
    status = 200
    if form.validate_on_submit():
        row = authenticate(get_db(), form.nama_pengguna.data, form.kata_sandi.data)
        if row is not None:
            login_user(DeskUser(row))
            return redirect(next_page or url_for("clips.new"), code=303)
        form.kata_sandi.errors.append(LOGIN_FAILED)
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("web/login.html", form=form, next_page=next_page), status


@bp.post("/keluar")
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():  # CSRFProtect already refused a bad token
        return error_page(400)
    logout_user()
    flash("Anda sudah keluar.", "ok")
    return redirect(url_for("auth.login"), code=303)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.login_message_category = "warn"
    # "strong": a session cookie replayed from another browser or address is dropped.
    login_manager.session_protection = "strong"
    login_manager.init_app(app)
    app.register_blueprint(bp)
