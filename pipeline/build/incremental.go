package build

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	mcsql "github.com/mcnamara/mcnamara/sql"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// aggregateModels summarise the marts over everyone; an incremental build
// runs them over the merged marts. The other models run over the
// recomputed persons only (journey_flows is merged by its counts).
var aggregateModels = map[string]bool{
	"07_gap.sql":                     true,
	"09_kpi_outcome_correlation.sql": true,
	"10_coverage.sql":                true,
}

// scopedMarts are the marts the person-level models make; an incremental
// build keeps them as scope_<mart> and merges them with the previous ones.
var scopedMarts = []string{"outcome_links", "journeys", "contact_facts", "journey_flows"}

const (
	// maxClosureRounds bounds closure.sql; cases chaining across more
	// persons than that are cheaper to rebuild.
	maxClosureRounds = 10
	// maxScopeShare: when the persons new data touches have more than this
	// share of the contacts, a full build is cheaper than a merge.
	maxScopeShare = 0.5
)

// fallback is why an incremental build gave way to a full one.
type fallback struct{ reason string }

func (f fallback) Error() string { return "full build needed: " + f.reason }

// Update brings the marts up to date with the batches in o.Batches. When
// the marts were made by the same SQL (settings, catalog, models) from a
// subset of those batches, it recomputes only the persons the new batches
// touch (their contacts, journeys and outcome links; sql/incremental) and
// merges them into the previous marts, then recomputes the aggregate marts;
// the result equals a full Build (tested). Otherwise, or when the new data
// reaches too far, it runs Build and says why in Result.FullReason.
func Update(ctx context.Context, db *sql.DB, lakeDir string, o Options) (Result, error) {
	log := o.logger()
	steps, err := Script(o)
	if err != nil {
		return Result{}, err
	}
	dir := filepath.Join(lakeDir, lake.MartsDir)
	prev, newBatches, reason, err := incrementalBase(dir, steps, o)
	if err != nil {
		return Result{}, err
	}
	if reason == "" && len(newBatches) == 0 {
		log.Info("marts are up to date with the lake", "batches", len(prev.Batches))
		return Result{UpToDate: true}, nil
	}
	if reason == "" {
		res, err := incremental(ctx, db, lakeDir, o, steps, prev, newBatches)
		var fb fallback
		if !errors.As(err, &fb) {
			return res, err
		}
		reason = fb.reason
	}
	log.Info("full build", "reason", reason)
	res, err := Build(ctx, db, lakeDir, o)
	res.FullReason = reason
	return res, err
}

// incrementalBase returns the previous build's record and the batches it
// lacks, or why a full build is needed.
func incrementalBase(dir string, steps []Step, o Options) (prev buildState, newBatches []string, reason string, err error) {
	if !o.AsOf.IsZero() {
		return prev, nil, "as_of is set", nil
	}
	prev, ok, err := readState(dir)
	if err != nil {
		return prev, nil, "", err
	}
	switch {
	case !ok:
		return prev, nil, "no record of a previous build", nil
	case prev.Format != stateFormat:
		return prev, nil, "the previous build was recorded by another version", nil
	case prev.Fingerprint != fingerprint(steps):
		return prev, nil, "settings, targets or models changed since the previous build", nil
	}
	for _, m := range Marts {
		p := filepath.Join(dir, m.Name+".parquet")
		if m.Month != "" {
			p = filepath.Join(dir, m.Name, schemaFile)
		}
		if _, err := os.Stat(p); err != nil {
			return prev, nil, fmt.Sprintf("mart %s is missing", m.Name), nil
		}
	}
	have := map[string]bool{}
	for _, b := range o.Batches {
		have[b] = true
	}
	seen := map[string]bool{}
	for _, b := range prev.Batches {
		if !have[b] {
			return prev, nil, fmt.Sprintf("batch %s of the previous build is no longer in the lake", b), nil
		}
		seen[b] = true
	}
	for _, b := range o.Batches {
		if !seen[b] {
			newBatches = append(newBatches, b)
			seen[b] = true
		}
	}
	return prev, newBatches, "", nil
}

// incremental recomputes the persons newBatches touch; see Update. A
// fallback error means a full build is needed and nothing was written.
func incremental(ctx context.Context, db *sql.DB, lakeDir string, o Options, steps []Step, prev buildState, newBatches []string) (Result, error) {
	start := time.Now()
	log := o.logger()
	dir := filepath.Join(lakeDir, lake.MartsDir)
	if err := lake.AttachBatches(ctx, db, lakeDir, newBatches, "new_"); err != nil {
		return Result{}, fmt.Errorf("build: incremental: %w", err)
	}
	conn, release, err := buildConn(ctx, db, o)
	if err != nil {
		return Result{}, err
	}
	defer release()
	exec := func(what, q string) error {
		t0 := time.Now()
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("build: incremental %s: %w", what, err)
		}
		log.Debug("incremental step done", "step", what, "elapsed", time.Since(t0).Round(time.Millisecond))
		return nil
	}
	count := func(what, q string) (int64, error) {
		var n int64
		if err := conn.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return 0, fmt.Errorf("build: incremental %s: %w", what, err)
		}
		return n, nil
	}
	var inputs string
	if err := conn.QueryRowContext(ctx, "SELECT current_database()").Scan(&inputs); err != nil {
		return Result{}, fmt.Errorf("build: incremental: %w", err)
	}
	inputs = duck.Ident(inputs) + ".main"
	contacts, err := contract.Lookup("contacts")
	if err != nil {
		return Result{}, fmt.Errorf("build: incremental: %w", err)
	}
	var columns []string
	for _, c := range contacts.Columns {
		columns = append(columns, duck.Ident(c.Name))
	}
	columns = append(columns, contract.BatchCol, contract.FileCol, contract.LineCol)
	sqlFile := func(name string) string {
		return strings.NewReplacer("{{inputs}}", inputs, "{{contact_columns}}", strings.Join(columns, ", ")).Replace(mcsql.Incremental(name))
	}

	if err := runStep(ctx, conn, steps[0], log); err != nil { // the prelude: variables, catalog
		return Result{}, err
	}
	for _, m := range append(slices.Clone(scopedMarts), "coverage") {
		q := fmt.Sprintf("CREATE OR REPLACE TEMP VIEW old_%s AS SELECT * FROM read_parquet(%s)", m, duck.Quote(lake.MartPattern(lakeDir, m)))
		if err := exec("attach previous "+m, q); err != nil {
			return Result{}, err
		}
	}
	if err := exec("batches", "SET VARIABLE new_batches = CAST("+duck.QuoteList(newBatches)+" AS VARCHAR[])"); err != nil {
		return Result{}, err
	}
	// Contacts only ever arrive, so the lake's end of data is the later of
	// the previous one and the new contacts' last start (seeds.sql
	// uses it: which open journeys it closes).
	if err := exec("end of data", `SET VARIABLE lake_data_end = (SELECT max(t) FROM (
	    SELECT data_end AS t FROM old_coverage UNION ALL SELECT max(started_at) FROM new_contacts))`); err != nil {
		return Result{}, err
	}
	if err := exec("seeds", sqlFile("seeds.sql")); err != nil {
		return Result{}, err
	}
	// closure.sql only adds rows, so an unchanged total means nothing grew.
	const sizes = "SELECT (SELECT count(*) FROM inc_persons) + (SELECT count(*) FROM inc_cases)"
	size, err := count("closure", sizes)
	if err != nil {
		return Result{}, err
	}
	for round := 1; ; round++ {
		if round > maxClosureRounds {
			return Result{}, fallback{fmt.Sprintf("cases link the touched persons to others over more than %d steps", maxClosureRounds)}
		}
		if err := exec("closure", sqlFile("closure.sql")); err != nil {
			return Result{}, err
		}
		next, err := count("closure", sizes)
		if err != nil {
			return Result{}, err
		}
		if next == size {
			break
		}
		size = next
	}
	persons, err := count("persons", "SELECT count(*) FROM inc_persons")
	if err != nil {
		return Result{}, err
	}
	touched, err := count("scope", "SELECT count(*) FROM inc_contacts WHERE person_id IN (SELECT person_id FROM inc_persons)")
	if err != nil {
		return Result{}, err
	}
	all, err := count("scope", "SELECT count(*) FROM inc_contacts")
	if err != nil {
		return Result{}, err
	}
	if float64(touched) > maxScopeShare*float64(all) {
		return Result{}, fallback{fmt.Sprintf("the new batches touch the persons of %d of %d contacts", touched, all)}
	}
	if err := exec("scope", sqlFile("scope.sql")); err != nil {
		return Result{}, err
	}
	// Whole journeys only: every contact of a replaced journey is recomputed.
	torn, err := count("check", `SELECT
	    (SELECT coalesce(sum(contacts), 0) FROM old_journeys o SEMI JOIN inc_removed_journeys r ON r.journey_id = o.journey_id)
	  - (SELECT count(journey_id) FROM inc_removed_contacts)`)
	if err != nil {
		return Result{}, err
	}
	if torn != 0 {
		return Result{}, fallback{"the previous journeys of the touched persons do not match their contacts"}
	}

	// The person-level models over the recomputed persons.
	var resolved map[string]int64
	captured := 0
	for _, s := range steps[1:] {
		if aggregateModels[s.Name] {
			continue
		}
		if err := runStep(ctx, conn, s, log); err != nil {
			return Result{}, err
		}
		if s.Name == "04_outcomes.sql" {
			if resolved, err = checkResolution(ctx, conn, prev.ResolutionJourneys); err != nil {
				return Result{}, err
			}
		}
		if captured, err = captureScope(ctx, conn, captured); err != nil {
			return Result{}, err
		}
	}
	if captured != len(scopedMarts) {
		return Result{}, fmt.Errorf("build: incremental: the models made %d of the marts %v", captured, scopedMarts)
	}
	for _, name := range []string{"contacts", "outcomes", "surveys", "identities", "outcome_events", "outcome_links", "journey_flows"} {
		if err := dropTemp(ctx, conn, name); err != nil {
			return Result{}, err
		}
	}

	// Merge, write, and run the aggregate models over the merged marts.
	w, err := newMartWriter(dir)
	if err != nil {
		return Result{}, err
	}
	defer w.cleanup()
	if err := exec("merge", sqlFile("merge.sql")); err != nil {
		return Result{}, err
	}
	for _, m := range Marts {
		if m.Month != "" {
			if err := w.writeMonths(ctx, conn, m.Name, m.Month, log); err != nil {
				return Result{}, err
			}
		}
	}
	if err := w.writeReady(ctx, conn, log); err != nil {
		return Result{}, err
	}
	for _, s := range steps[1:] {
		if !aggregateModels[s.Name] {
			continue
		}
		if err := runStep(ctx, conn, s, log); err != nil {
			return Result{}, err
		}
		if err := w.writeReady(ctx, conn, log); err != nil {
			return Result{}, err
		}
	}
	marts, err := w.commit(newState(steps, o, resolved, true))
	if err != nil {
		return Result{}, err
	}
	res := Result{Marts: marts, Duration: time.Since(start), Incremental: true, Persons: persons}
	log.Info("marts updated", "new_batches", len(newBatches), "persons_recomputed", persons,
		"contacts_recomputed", touched, "contacts", all, "elapsed", res.Duration.Round(time.Millisecond))
	return res, nil
}

// checkResolution recounts the journeys judged by events per source system
// after the merge. Which systems have any decides the resolution basis of
// every journey (04_outcomes.sql): when that set changes, a full build is
// needed. Otherwise resolution_systems, which the models computed over the
// recomputed persons only, is set to the whole lake's.
func checkResolution(ctx context.Context, conn *sql.Conn, prev map[string]int64) (map[string]int64, error) {
	scope, err := resolutionJourneys(ctx, conn, mcsql.Incremental("resolution.sql"))
	if err != nil {
		return nil, err
	}
	removed, err := resolutionJourneys(ctx, conn, mcsql.Incremental("resolution_removed.sql"))
	if err != nil {
		return nil, err
	}
	next := map[string]int64{}
	for _, m := range []map[string]int64{prev, scope} {
		for k, v := range m {
			next[k] += v
		}
	}
	for k, v := range removed {
		next[k] -= v
	}
	var before, after []string
	for _, k := range slices.Sorted(maps.Keys(next)) {
		if next[k] < 0 {
			return nil, fallback{"the previous build's record does not match its marts"}
		}
		if next[k] == 0 {
			delete(next, k)
			continue
		}
		after = append(after, k)
	}
	for _, k := range slices.Sorted(maps.Keys(prev)) {
		if prev[k] > 0 {
			before = append(before, k)
		}
	}
	if !slices.Equal(before, after) {
		return nil, fallback{fmt.Sprintf("the sources judged by resolution events changed from %v to %v", before, after)}
	}
	q := "CREATE OR REPLACE TEMP TABLE resolution_systems AS SELECT CAST(NULL AS VARCHAR) AS source_system WHERE false"
	if len(after) > 0 {
		q = "CREATE OR REPLACE TEMP TABLE resolution_systems AS SELECT unnest(CAST(" + duck.QuoteList(after) + " AS VARCHAR[])) AS source_system"
	}
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return nil, fmt.Errorf("build: incremental resolution systems: %w", err)
	}
	return next, nil
}

// captureScope keeps each person-level mart the models have made so far as
// the table scope_<mart>; a mart defined as a view is pointed at that table
// so the models after it read it once more, not recompute it.
func captureScope(ctx context.Context, conn *sql.Conn, done int) (int, error) {
	for _, m := range scopedMarts[done:] {
		kind, err := tempKind(ctx, conn, m)
		if err != nil {
			return done, err
		}
		if kind == "" {
			return done, nil
		}
		stmts := []string{fmt.Sprintf("CREATE OR REPLACE TEMP TABLE scope_%s AS SELECT * FROM %s", m, duck.Ident(m))}
		if kind == "VIEW" {
			stmts = append(stmts, fmt.Sprintf("CREATE OR REPLACE TEMP VIEW %s AS SELECT * FROM scope_%s", duck.Ident(m), m))
		}
		for _, q := range stmts {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return done, fmt.Errorf("build: incremental keep %s: %w", m, err)
			}
		}
		done++
	}
	return done, nil
}

// tempKind returns "VIEW", "LOCAL TEMPORARY" (a table) or "" (none) for a
// temp object.
func tempKind(ctx context.Context, conn *sql.Conn, name string) (string, error) {
	var kind string
	err := conn.QueryRowContext(ctx,
		"SELECT table_type FROM information_schema.tables WHERE table_name = ? AND table_catalog = 'temp'", name).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("look up %s: %w", name, err)
	}
	return kind, nil
}

func dropTemp(ctx context.Context, conn *sql.Conn, name string) error {
	kind, err := tempKind(ctx, conn, name)
	if err != nil || kind == "" {
		return err
	}
	what := "TABLE"
	if kind == "VIEW" {
		what = "VIEW"
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("DROP %s temp.main.%s", what, duck.Ident(name))); err != nil {
		return fmt.Errorf("build: incremental drop %s: %w", name, err)
	}
	return nil
}
