"""The listening app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from listening import config as config_module
from listening import urls
from listening.extensions import babel, csrf, db, login_manager, migrate
from listening.i18n import N_

ROOT = config_module.INSTANCE_DIR.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then LISTENING_* from the environment, then `config`."""
    app = Flask(
        __name__,
        static_folder="static",
        static_url_path="/assets",
        instance_path=str(config_module.INSTANCE_DIR),
    )
    from listening.requests import CleanRequest

    app.request_class = CleanRequest
    from listening.ids import AsciiIntegerConverter

    app.url_map.converters["int"] = AsciiIntegerConverter  # before any route is added
    configure(app, config)
    configure_templates(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_signals(app)
    from listening import compression, ratelimit, security

    security.init_app(app)
    ratelimit.init_app(app)
    compression.init_app(app)
    return app


def warm_models(app: Flask) -> list[str]:
    """Load now, not on a first request, the models a web worker uses: the redaction model
    (every saved answer is redacted) and, when jobs run in-process, the encoder (with Redis
    they run in `themes worker`). Returns what it loaded."""
    from listening.intake.redaction import find_pii
    from listening.themes import runs

    find_pii("Warm-up: call Ada on 07700 900123.")
    find_pii("Chamo-me Ada, ligue 912 345 678.", language="pt")  # the other languages' layer
    if app.config.get("REDIS_URL"):
        return ["redaction"]
    runs.load_model()
    return ["redaction", "encoder"]


def start_background_work(app: Flask) -> bool:
    """Without Redis (jobs in-process): queue the sweep (`themes.sweep`) once as this web
    worker starts, so answers a stopped process left unscreened or unassigned are done; no
    request waits for it. With Redis, `themes worker` sweeps as it starts. True if queued."""
    if app.config.get("REDIS_URL"):
        return False
    from listening import jobs
    from listening.themes.sweep import sweep_job

    with app.app_context():
        jobs.enqueue(sweep_job)
    return True


def configure(app: Flask, config: dict[str, Any] | None) -> None:
    app.config.from_object(config_module.Config)
    app.config.from_prefixed_env("LISTENING")
    app.config.update(config or {})
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.database_url(app.config["DATABASE_URL"])
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = urls.trusted_hosts(
            app.config["PUBLIC_URL"], app.config["EXTRA_HOSTS"]
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.secret_key_fallback()


def configure_templates(app: Flask) -> None:
    app.jinja_options = {
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader(
            [
                FileSystemLoader(str(ROOT / "templates")),
                PackageLoader("nhsuk_frontend_jinja"),
            ]
        ),
        "autoescape": True,
        "extensions": ["jinja2.ext.do"],
    }


def register_extensions(app: Flask) -> None:
    from listening import audit  # noqa: F401  (the AuditEvent model)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = N_("Sign in to continue.")
    login_manager.localize_callback = gettext  # in the page's language
    login_manager.login_message_category = "info"
    from listening.accounts import auth

    login_manager.user_loader(auth.load_user)
    login_manager.request_loader(auth.load_user_from_request)
    from listening.language import language_name

    app.add_template_filter(language_name)
    from listening import i18n

    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(ROOT / "translations"),
    )
    app.before_request(i18n.forget_previous_locale)
    app.after_request(i18n.vary_on_language)
    app.jinja_env.globals["locales"] = i18n.LOCALES
    app.context_processor(i18n.template_context)
    app.add_template_filter(i18n.day_text, "day")
    app.add_template_filter(i18n.translate, "tr")


def register_blueprints(app: Flask) -> None:
    """Each feature's pages, and its JSON API under /api/v1."""
    from listening.accounts import bp as accounts_bp
    from listening.accounts import tour as _accounts_tour  # noqa: F401
    from listening.accounts import views as _accounts_views  # noqa: F401
    from listening.assembly import api as _assembly_api  # noqa: F401
    from listening.assembly import api_bp as assembly_api_bp
    from listening.assembly import bp as assembly_bp
    from listening.assembly import views as _assembly_views  # noqa: F401
    from listening.intake import api as _intake_api  # noqa: F401
    from listening.intake import api_bp as intake_api_bp
    from listening.intake import bp as intake_bp
    from listening.intake import safeguarding_bp
    from listening.intake import views as _intake_views  # noqa: F401
    from listening.themes import bp as themes_bp
    from listening.themes import round_views as _round_views  # noqa: F401
    from listening.themes import views as _themes_views  # noqa: F401

    app.register_blueprint(accounts_bp)
    app.register_blueprint(intake_bp, url_prefix="/intake")
    app.register_blueprint(intake_api_bp, url_prefix="/api/v1")
    app.register_blueprint(safeguarding_bp, url_prefix="/safeguarding")
    app.register_blueprint(themes_bp, url_prefix="/themes")
    app.register_blueprint(assembly_bp)
    app.register_blueprint(assembly_api_bp, url_prefix="/api/v1")
    from listening.assembly import cache as assembly_cache

    assembly_cache.init_app(app)
    from listening.privacy import bp as privacy_bp
    from listening.privacy import views as _privacy_views  # noqa: F401

    app.register_blueprint(privacy_bp, url_prefix="/admin/privacy")
    from listening.report import bp as report_bp
    from listening.report import views as _report_views  # noqa: F401

    app.register_blueprint(report_bp)
    from listening.follow import bp as follow_bp
    from listening.follow import views as _follow_views  # noqa: F401
    from listening.pages import bp as pages_bp
    from listening.pages import views as _pages_views  # noqa: F401

    app.register_blueprint(follow_bp, url_prefix="/follow")
    app.register_blueprint(pages_bp)
    from listening import core

    app.register_blueprint(core.bp)


def register_signals(app: Flask) -> None:
    """Features hear about lower features' events through signals, never by being imported."""
    from listening import signals
    from listening.themes import tasks as themes_tasks

    signals.conversations_submitted.connect(themes_tasks.on_conversations_submitted)
    signals.responses_flagged.connect(themes_tasks.on_responses_flagged)
    from listening.assembly import quotes as assembly_quotes

    assembly_quotes.init_app(app)  # approved quotes of flagged or reworded answers come down
    # intake's safeguarding check uses the themes encoder, passed in (intake is below themes)
    app.extensions["sentence_encoder"] = themes_tasks.encode_texts


def register_errorhandlers(app: Flask) -> None:
    from listening import errors

    errors.register(app)


def register_commands(app: Flask) -> None:
    from listening import cli

    cli.register(app)
