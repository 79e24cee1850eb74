package build

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/google/renameio/v2"

	"github.com/mcnamara/mcnamara/pipeline/lake"
)

// StateFile, in lake/marts, records the build that made the marts: what
// Update needs to know to recompute only what later batches touch.
const StateFile = "_build.json"

// stateFormat changes when the record's meaning does.
const stateFormat = 2

type buildState struct {
	Format int `json:"format"`
	// Fingerprint is the SHA-256 of the build's SQL (settings, catalog,
	// targets and models): marts of other SQL are not merged into.
	Fingerprint string `json:"fingerprint"`
	// Batches the input views held.
	Batches []string `json:"batches"`
	// ResolutionJourneys counts, per contact source system, the journeys
	// with a resolution event that have a contact of that system (the
	// model resolution_systems).
	ResolutionJourneys map[string]int64 `json:"resolution_journeys"`
	BuiltAt            time.Time        `json:"built_at"`
	Incremental        bool             `json:"incremental"`
}

func fingerprint(steps []Step) string {
	h := sha256.New()
	fmt.Fprintf(h, "format %d\n", stateFormat)
	for _, s := range steps {
		fmt.Fprintf(h, "%s\n%d\n%s\n", s.Name, len(s.SQL), s.SQL)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func newState(steps []Step, o Options, resolved map[string]int64, incremental bool) buildState {
	batches := slices.Clone(o.Batches)
	slices.Sort(batches)
	return buildState{
		Format:             stateFormat,
		Fingerprint:        fingerprint(steps),
		Batches:            slices.Compact(batches),
		ResolutionJourneys: resolved,
		BuiltAt:            time.Now().UTC(),
		Incremental:        incremental,
	}
}

// readState returns the record of the build that made the marts in dir;
// ok is false when there is none.
func readState(dir string) (st buildState, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("read build record: %w", err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		// Not fatal: the next build is a full one and rewrites it.
		return st, false, nil
	}
	return st, true, nil
}

func writeState(dir string, st buildState) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode build record: %w", err)
	}
	if err := renameio.WriteFile(filepath.Join(dir, StateFile), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write build record: %w", err)
	}
	return nil
}

func removeState(dir string) error {
	err := os.Remove(filepath.Join(dir, StateFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove build record: %w", err)
	}
	return nil
}

// resolutionJourneys reads per-system journey counts (resolution_systems,
// or resolution_removed.sql).
func resolutionJourneys(ctx context.Context, conn *sql.Conn, q string) (map[string]int64, error) {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("build: count journeys judged by events: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var sys string
		var n int64
		if err := rows.Scan(&sys, &n); err != nil {
			return nil, fmt.Errorf("build: count journeys judged by events: %w", err)
		}
		out[sys] = n
	}
	return out, rows.Err()
}

// MartsStatus says what the marts of a lake were built from.
type MartsStatus struct {
	// Recorded is false when there is no build record: never built, or a
	// build was interrupted while replacing the marts.
	Recorded    bool
	BuiltAt     time.Time
	Incremental bool
	// Modelled counts the lake's batches the marts hold, Pending those
	// they lack, Gone the recorded batches no longer in the lake.
	Modelled, Pending, Gone int
}

// Status compares the build record in lakeDir/marts with the lake's
// batches.
func Status(lakeDir string, batches []string) (MartsStatus, error) {
	st, ok, err := readState(filepath.Join(lakeDir, lake.MartsDir))
	if err != nil || !ok {
		return MartsStatus{}, err
	}
	s := MartsStatus{Recorded: true, BuiltAt: st.BuiltAt, Incremental: st.Incremental}
	recorded := map[string]bool{}
	for _, b := range st.Batches {
		recorded[b] = true
	}
	inLake := map[string]bool{}
	for _, b := range batches {
		inLake[b] = true
		if recorded[b] {
			s.Modelled++
		} else {
			s.Pending++
		}
	}
	for _, b := range st.Batches {
		if !inLake[b] {
			s.Gone++
		}
	}
	return s, nil
}
