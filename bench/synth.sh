#!/bin/sh
# Build the national-scale benchmark database from scratch and record time and peak memory.
#
#   BENCH_DB=capuy_bench bench/synth.sh [members]      (default 5600000)
#
# Drops and re-creates the PostgreSQL database $BENCH_DB on $PGHOST (default 127.0.0.1) as
# $PGUSER (default postgres), migrates it, then runs `capuy synth` under /usr/bin/time -v.
# Output: bench/out/synth.log (the command's own phase timings) and bench/out/synth-time.txt.
set -eu
cd "$(dirname "$0")/.."
: "${BENCH_DB:?set BENCH_DB to a database name you own (never 'test': CI uses it)}"
case "$BENCH_DB" in test | postgres | template0 | template1)
    echo "refusing to drop database '$BENCH_DB'" >&2
    exit 2
    ;;
esac
members=${1:-5600000}
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}"
export CAPUY_ENV="${CAPUY_ENV:-development}"
export DATABASE_URL="postgresql://$PGUSER@$PGHOST:5432/$BENCH_DB"
mkdir -p bench/out
dropdb --if-exists "$BENCH_DB"
createdb "$BENCH_DB"
.venv/bin/python -m capuy migrate --noinput -v0 --skip-checks
/usr/bin/time -v -o bench/out/synth-time.txt \
    .venv/bin/python -m capuy synth --skip-checks --members "$members" 2>&1 | tee bench/out/synth.log
grep -E "Elapsed|Maximum resident|User time|System time|Percent of CPU" bench/out/synth-time.txt
