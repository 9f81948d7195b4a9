#!/usr/bin/env bash
# The one command to set up and run Roundtable on a fresh Debian 12 machine:
#   deploy/run.sh [roundtable flags...]
# Installs packages, builds, and starts the server with an embedded redis-server
# (data in ./data, AOF on) unless --redis URL is given. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/setup.sh
exec build/roundtable --web-root web-client "$@"
