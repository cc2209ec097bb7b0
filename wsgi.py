"""gunicorn entry point: `gunicorn wsgi:app`; CLI: `flask --app wsgi …`."""

from listening import create_app

app = create_app()
