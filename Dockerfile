# The portal's production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/var/lib/baiyun-talent

# pango and fonts render the PDF cards and guides (Noto CJK; HanaMin for CJK Extensions A to F; Noto Sans Arabic
# and Noto Serif Tibetan for Uyghur and Tibetan names); gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
       fonts-noto-cjk fonts-hanazono fonts-noto-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 portal && mkdir -p "$VAR_DIR" && chown portal "$VAR_DIR"
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Translations and static files as production serves them (DEBUG=false: hashed names and their manifest).
RUN scripts/build-static
# The card PDFs' font, cut from the system's Noto Sans CJK SC (cards.fonts).
RUN DEBUG=true python manage.py card_fonts

USER portal
EXPOSE 8000
ENV WEB_CONCURRENCY=4
CMD ["gunicorn", "-c", "python:baiyun_talent.gunicorn_conf", "baiyun_talent.wsgi:application", "--bind", "0.0.0.0:8000"]
