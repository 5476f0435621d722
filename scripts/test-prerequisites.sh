#!/usr/bin/env bash
# What `npm test` needs besides npm packages: PostgreSQL on 127.0.0.1:5432 with a database `test`
# (or TEST_DATABASE_URL), pg_dump, Debian's Chromium and Firefox ESR, and the independent email
# checks: Debian's SpamAssassin and dkimpy (python3-dkim). Each is started or installed
# when this machine allows it (root with apt-get, pg_ctlcluster); otherwise the run stops here with
# one line saying what to do. Nothing is ever skipped silently.
set -euo pipefail

need() {
  printf 'npm test needs %s: %s\n' "$1" "$2" >&2
  exit 1
}
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then
    echo "Installing $* from Debian's packages (once per machine)…" >&2
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ---- PostgreSQL ----
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  pg_isready -q -d "$TEST_DATABASE_URL" || need "the PostgreSQL server of TEST_DATABASE_URL" "it does not answer"
else
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
      for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
    pg_isready -q -h 127.0.0.1 -p 5432 ||
      need "PostgreSQL on 127.0.0.1:5432 (trust auth)" "start it (pg_ctlcluster <version> main start) or set TEST_DATABASE_URL"
  fi
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 ||
    psql -q -h 127.0.0.1 -U postgres -c 'CREATE DATABASE test'
fi
command -v pg_dump >/dev/null || { can_install && apt_install postgresql-client; } ||
  need "pg_dump" "apt-get install -y postgresql-client"

# ---- Browsers (no npm package may download one on these machines) ----
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
firefox="${FIREFOX_PATH:-/usr/bin/firefox-esr}"
missing=()
[ -x "$chromium" ] || missing+=(chromium)
[ -x "$firefox" ] || missing+=(firefox-esr)
if [ ${#missing[@]} -gt 0 ]; then
  if can_install && [ -z "${CHROMIUM_PATH:-}${FIREFOX_PATH:-}" ]; then
    apt_install "${missing[@]}"
  else
    need "${missing[*]}" "install Debian's packages (apt-get install -y ${missing[*]}) or set CHROMIUM_PATH and FIREFOX_PATH"
  fi
fi

# ---- Independent email checks (test/mail/independent-checks.test.ts): judges nobody here wrote ----
spamassassin="${SPAMASSASSIN_PATH:-/usr/bin/spamassassin}"
[ -x "$spamassassin" ] || { can_install && [ -z "${SPAMASSASSIN_PATH:-}" ] && apt_install spamassassin; } ||
  need "SpamAssassin" "apt-get install -y spamassassin (or set SPAMASSASSIN_PATH)"
dkimpy_python="${DKIMPY_PYTHON:-/usr/bin/python3}"
"$dkimpy_python" -c 'import dkim' 2>/dev/null || { can_install && [ -z "${DKIMPY_PYTHON:-}" ] && apt_install python3-dkim; } ||
  need "dkimpy for $dkimpy_python" "apt-get install -y python3-dkim (or set DKIMPY_PYTHON to a Python that has it)"
