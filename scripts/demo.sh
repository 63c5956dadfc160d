#!/usr/bin/env bash
# Create the SQLite database, load the demo city once, and serve the platform on 127.0.0.1:8000
# with the background-task worker beside it.
set -euo pipefail
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-kejin.settings.demo}
py=.venv/bin/python
mkdir -p var
$py manage.py migrate --noinput -v0
$py manage.py load_demo --if-empty
$py manage.py collectstatic --noinput -v0
$py manage.py db_worker --queue-name default >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo
echo "kejin is serving on http://127.0.0.1:8000  (demo password for every account: Kejin#2026demo)"
echo "accounts: see README.md; stop with Ctrl-C"
.venv/bin/gunicorn kejin.wsgi --bind 127.0.0.1:8000 --workers 2 --threads 4 --access-logfile -
