#!/usr/bin/env bash
# bench/night.sh BIN NAME [full]: the nightly update measured on a copy of a
# built lake, as docs/performance.md's second-night tables were.
#
#   BENCH_DIR  the 10M directory of `make bench-large CONTACTS=10000000`
#              (default $TMPDIR/mcnamara-large-10000000), holding
#              mcnamara.toml, night2/ (python3 bench/nextday.py gen night2)
#              and BASE
#   BASE       the lake to start from (default lake-base: a hard-link copy,
#              `cp -al lake lake-base`, of the lake after night 1). A model
#              change makes the first update of an older lake a full build:
#              PREFULL=1 runs that full build first (its own record), or
#              start from a lake the new models built.
#   RECORD     the benchtool results file (default $BENCH_DIR/night.jsonl)
#
# Copies BASE to NAME (hard links: the build writes new files, never into
# the old ones), ingests night2/*, runs the update with --log-level debug
# (NAME.update.log: each step's time) and, with "full", a full build of the
# same lake for the ratio. `benchtool collect -in RECORD …` makes the JSON.
set -euo pipefail
BIN=$(realpath "$1") NAME=$2
D=${BENCH_DIR:-${TMPDIR:-/tmp}/mcnamara-large-10000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=${TOOL:-$ROOT/bin/benchtool}
REC=${RECORD:-$D/night.jsonl}
cd "$D"
rm -rf "$NAME" && cp -al "${BASE:-lake-base}" "$NAME"
sed "s#$D/lake\"#$D/$NAME\"#" mcnamara.toml >"$NAME.toml"
run() { # run STAGE LOG ARGS…
	local stage=$1 log=$2
	shift 2
	"$T" run -record "$REC" -stage "${stage}_$NAME" -size 10000000 -unit contacts -bytes "$D/$NAME/marts" -ok 0 -- "$BIN" "$@" 2>"$log"
}
if [ "${PREFULL:-0}" = 1 ]; then
	run prefull "$NAME.prefull.log" build --config "$NAME.toml" --full
fi
# ingest exits 3 when some rows were rejected
"$BIN" ingest --config "$NAME.toml" night2/* >"$NAME.ingest.log" 2>&1 || [ $? = 3 ]
run update "$NAME.update.log" build --config "$NAME.toml" --log-level debug
if [ "${3:-}" = full ]; then
	run rebuild "$NAME.full.log" build --config "$NAME.toml" --full
fi
