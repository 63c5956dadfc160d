#!/usr/bin/env bash
# pytest that treats "no tests collected" (exit 5) as a failure with a clear message.
set -uo pipefail
.venv/bin/pytest "$@"
rc=$?
if [ $rc -eq 5 ]; then
  echo "pytest collected no tests for: $*" >&2
  exit 1
fi
exit $rc
