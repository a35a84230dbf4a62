#!/usr/bin/env bash
# Install (if missing) and start PostgreSQL 15 from the Debian packages on loopback,
# create the role and database the catalogue tests use, and print their URL:
#
#   export RECUEIL_TEST_DATABASE_URL="$(scripts/ci-postgres.sh)"
#
# Idempotent: running it again reuses the cluster, the role and the database.
# Only the URL goes to stdout; progress goes to stderr.
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_PORT="${PG_PORT:-5432}"
DB_USER="${RECUEIL_TEST_DB_USER:-recueil}"
DB_PASSWORD="${RECUEIL_TEST_DB_PASSWORD:-recueil}"
DB_NAME="${RECUEIL_TEST_DB_NAME:-recueil_test}"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

log() { echo "ci-postgres: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d "/usr/lib/postgresql/${PG_VERSION}" ]; then
  log "installing PostgreSQL ${PG_VERSION}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends "postgresql-${PG_VERSION}" >&2
fi

if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "${PG_VERSION} ${PG_CLUSTER}"; then
  log "creating cluster ${PG_VERSION}/${PG_CLUSTER}"
  $SUDO pg_createcluster "${PG_VERSION}" "${PG_CLUSTER}" --port "${PG_PORT}" >&2
fi

status="$(pg_lsclusters -h | awk -v v="${PG_VERSION}" -v c="${PG_CLUSTER}" '$1==v && $2==c {print $4}')"
if [ "${status}" != "online" ]; then
  log "starting cluster ${PG_VERSION}/${PG_CLUSTER}"
  $SUDO pg_ctlcluster "${PG_VERSION}" "${PG_CLUSTER}" start >&2
fi
port="$(pg_lsclusters -h | awk -v v="${PG_VERSION}" -v c="${PG_CLUSTER}" '$1==v && $2==c {print $3}')"

as_postgres() {
  if [ "$(id -un)" = "postgres" ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    sudo -u postgres "$@"
  fi
}
psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "${port}" "$@"; }

# Wait until the server accepts connections (a fresh start takes a moment).
for _ in $(seq 1 30); do
  if as_postgres pg_isready -q -p "${port}"; then break; fi
  sleep 1
done

if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '${DB_USER}'")" != "1" ]; then
  log "creating role ${DB_USER}"
  psql_admin -c "CREATE ROLE \"${DB_USER}\" LOGIN PASSWORD '${DB_PASSWORD}'"
else
  psql_admin -c "ALTER ROLE \"${DB_USER}\" LOGIN PASSWORD '${DB_PASSWORD}'"
fi
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '${DB_NAME}'")" != "1" ]; then
  log "creating database ${DB_NAME}"
  psql_admin -c "CREATE DATABASE \"${DB_NAME}\" OWNER \"${DB_USER}\" ENCODING 'UTF8' TEMPLATE template0"
fi
# The tests create one schema per test inside this database.
psql_admin -d "${DB_NAME}" -c "GRANT CREATE ON DATABASE \"${DB_NAME}\" TO \"${DB_USER}\"; ALTER SCHEMA public OWNER TO \"${DB_USER}\""

# Password login on loopback is what the default Debian pg_hba.conf allows (scram-sha-256).
PGPASSWORD="${DB_PASSWORD}" psql -X -q -h 127.0.0.1 -p "${port}" -U "${DB_USER}" -d "${DB_NAME}" \
  -c "SELECT 1" >/dev/null

echo "postgresql+psycopg://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${port}/${DB_NAME}"
