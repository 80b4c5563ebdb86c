"""A tiny stand-in for INLOOP's settings: every value from the environment
(the env file the playbook writes from the vault), as the real app reads it.
A missing required variable stops with its name."""
import os
from urllib.parse import unquote, urlparse


def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"environment variable {name} is not set")
    return value


def database(url):
    parts = urlparse(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }


SECRET_KEY = env("SECRET_KEY")
DEBUG = env("DEBUG", "False") == "True"
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS").split(",") if h]
ADMINS = [(a.split("@")[0], a) for a in env("ADMINS").split(",") if a]
DEFAULT_FROM_EMAIL = SERVER_EMAIL = env("FROM_EMAIL")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
GITHUB_SECRET = env("GITHUB_SECRET")
GIT_ROOT = env("GIT_ROOT")
CACHE_URL = env("CACHE_URL")
REDIS_URL = env("REDIS_URL")
MEDIA_ROOT = env("MEDIA_ROOT")
STATIC_ROOT = env("STATIC_ROOT")
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATICFILES_DIRS = [os.path.join(os.path.dirname(os.path.dirname(__file__)), "static")]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.staticfiles",
    "inloop.solutions",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
ROOT_URLCONF = "inloop.urls"
WSGI_APPLICATION = "inloop.wsgi.application"
DATABASES = {"default": database(env("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SITE_ID = 1
USE_TZ = True
# The task queue (huey in the real app; Debian has no huey package and the
# example has no package index: the stand-in queue is solutions/queue.py).
HUEY = {"name": "inloop", "url": REDIS_URL}
