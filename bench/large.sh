#!/usr/bin/env bash
# make bench-large: CONTACTS contacts end to end with the real CLI, each
# stage a process of its own measured by `benchtool run` (wall time, the
# process's peak RSS from wait4, the bytes it wrote):
#
#   generate  366 days of daily exports, streamed to disk by the generator
#   ingest    days 1–365 as one batch (one file per export)
#   build     a full build of the marts
#   report    the HTML report
#   ingest1   day 366 (the nightly batch)
#   update    the incremental build of that day
#   rebuild   (BENCH_REBUILD=1) a full build of all 366 days, for the ratio
#
# Settings: CONTACTS (default 100000000), BENCH_DIR (default
# $TMPDIR/mcnamara-large-$CONTACTS; generated files are kept there and
# reused), MEMORY_LIMIT (default 8GiB, DuckDB's memory_limit), THREADS
# (default 2), SPILL_DIR (DuckDB's temp_directory, default
# $BENCH_DIR/spill), INTERMEDIATES ([lake] intermediates: auto, the
# default, memory or file), STAGES (the stages to run after generate,
# default "ingest build report ingest1 update"; e.g. "build" rebuilds the
# lake of an earlier run), BENCH_RECORD (the results file; default
# bench/results/large-$CONTACTS-<time>.jsonl). At the end the results are
# collected into bench/results/<commit>-<time>.json.
set -euo pipefail

CONTACTS=${CONTACTS:-100000000}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/mcnamara-large-$CONTACTS}
MEMORY_LIMIT=${MEMORY_LIMIT:-8GiB}
THREADS=${THREADS:-2}
SPILL_DIR=${SPILL_DIR:-$BENCH_DIR/spill}
INTERMEDIATES=${INTERMEDIATES:-auto}
STAGES=${STAGES:-ingest build report ingest1 update}
DAYS=366
START=2025-06-02
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/bin/mcnamara}
TOOL=${TOOL:-$ROOT/bin/benchtool}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
BENCH_RECORD=${BENCH_RECORD:-$ROOT/bench/results/large-$CONTACTS-$STAMP.jsonl}
mkdir -p "$BENCH_DIR" "$SPILL_DIR" "$(dirname "$BENCH_RECORD")"

# the binaries of this run, copied: a rebuild during the hours it takes
# must not change the code later stages run
cp "$BIN" "$BENCH_DIR/mcnamara" && BIN=$BENCH_DIR/mcnamara
cp "$TOOL" "$BENCH_DIR/benchtool" && TOOL=$BENCH_DIR/benchtool

gen=$BENCH_DIR/gen
lake=$BENCH_DIR/lake
cfg=$BENCH_DIR/mcnamara.toml
cat >"$cfg" <<EOF
[lake]
dir = "$lake"
business_timezone = "America/New_York"
memory_limit = "$MEMORY_LIMIT"
threads = $THREADS
temp_directory = "$SPILL_DIR"
intermediates = "$INTERMEDIATES"
EOF

stage() { # stage NAME BYTES-PATH OK-CODES COMMAND…
	local name=$1 bytes=$2 ok=$3
	shift 3
	echo "== $(date -u +%T) $name: $1 $2 … ($# arguments)" >&2
	"$TOOL" run -record "$BENCH_RECORD" -stage "large_$name" -size "$CONTACTS" -unit contacts -bytes "$bytes" -ok "$ok" -watch "$SPILL_DIR" -- "$@"
}
want() { [[ " $STAGES " == *" $1 "* ]]; }

# the files of days FROM..TO (1-based) of every export
days() {
	local from=$1 to=$2 d
	for ((d = from; d <= to; d++)); do
		ls "$gen"/*_"$(date -u -d "$START + $((d - 1)) days" +%F)".* 2>/dev/null || true
	done
}

if [ ! -e "$gen/ground_truth.json" ]; then
	rm -rf "$gen"
	stage generate "$gen" 0 "$BIN" generate --out "$gen" --contacts "$CONTACTS" --days $DAYS --start $START --seed 1 --daily
fi
# The history arrives as one backfill: each export's days 1–365 joined
# into one file (ingesting 2,190 daily files in one batch checks every
# file's keys against the batch's earlier files, a cost of the batch
# shape, not of the data), the daily files removed to spare the disk.
hist=$BENCH_DIR/history
if [ ! -e "$hist/done" ]; then
	rm -rf "$hist" && mkdir -p "$hist"
	mapfile -t all < <(days 1 $((DAYS - 1)))
	for ex in acd_calls.csv chat_sessions.jsonl store_visits.csv crm_events.csv surveys.csv identity_map.csv; do
		base=${ex%.*} ext=${ex##*.}
		files=()
		for f in "${all[@]}"; do [[ $(basename "$f") == "${base}_"* ]] && files+=("$f"); done
		[ ${#files[@]} -gt 0 ] || continue
		if [ "$ext" = csv ]; then
			{ head -n 1 "${files[0]}"; tail -q -n +2 "${files[@]}"; } >"$hist/$ex"
		else
			cat "${files[@]}" >"$hist/$ex"
		fi
		rm -f "${files[@]}"
	done
	touch "$hist/done"
fi
history=("$hist"/*.csv "$hist"/*.jsonl)
mapfile -t night < <(days $DAYS $DAYS)
echo "history: ${#history[@]} files, night: ${#night[@]} files" >&2
if want ingest; then
	rm -rf "$lake"
	# ingest exits 3 when some rows were rejected (the generator plants a few)
	stage ingest "$lake" 0,3 "$BIN" ingest --config "$cfg" "${history[@]}"
fi
want build && stage build "$lake/marts" 0 "$BIN" build --config "$cfg" --full
want report && stage report "$BENCH_DIR/report.html" 0 "$BIN" report --config "$cfg" --out "$BENCH_DIR/report.html"
want ingest1 && stage ingest1 "$lake" 0,3 "$BIN" ingest --config "$cfg" "${night[@]}"
want update && stage update "$lake/marts" 0 "$BIN" build --config "$cfg"
if [ "${BENCH_REBUILD:-0}" = 1 ]; then
	stage rebuild "$lake/marts" 0 "$BIN" build --config "$cfg" --full
fi
"$TOOL" collect -in "$BENCH_RECORD" -dir "$ROOT/bench/results" -command "make bench-large CONTACTS=$CONTACTS MEMORY_LIMIT=$MEMORY_LIMIT INTERMEDIATES=$INTERMEDIATES STAGES='$STAGES'"
