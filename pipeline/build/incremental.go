package build

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	mcsql "github.com/mcnamara/mcnamara/sql"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// personMarts are the marts of person-scoped models (from their headers):
// an incremental build keeps the recomputed rows as scope_<mart> and merges
// them with the previous ones.
func personMarts() []MartSpec {
	var out []MartSpec
	for _, m := range Marts {
		if m.Model.Scope == mcsql.ScopePerson {
			out = append(out, m)
		}
	}
	return out
}

// incrementalMarts are the marts an incremental build merges: the
// person-scoped ones and the lake-scoped marts of counts.
func incrementalMarts() []MartSpec {
	out := personMarts()
	for _, m := range Marts {
		if m.Model.Scope == mcsql.ScopeLake && len(m.Model.SumColumns) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// cellMarts are the aggregate marts of monthly cells ("cells: month"):
// an incremental build recomputes their months from cells_from on and
// keeps the previous build's earlier ones.
func cellMarts() []MartSpec {
	var out []MartSpec
	for _, m := range Marts {
		if m.Model.Cells != "" {
			out = append(out, m)
		}
	}
	return out
}

// cellsFromSQL sets cells_from, the first month whose cells an incremental
// build recomputes: the earlier of the first month whose contact_facts
// rows changed (cf, the merge's rewritten and emptied months) and the
// month of the first contact whose repeat window was still open at the
// previous end of data (contact_settled can turn true for it). Before it
// a month's contacts and their settledness are as the previous build saw
// them. Without a record of the months (cf nil) every month is recomputed.
func cellsFromSQL(cf *monthChange) string {
	if cf == nil {
		return "SET VARIABLE cells_from = DATE '0001-01-01'"
	}
	first := "NULL"
	if months := slices.Concat(cf.written, cf.emptied); len(months) > 0 {
		first = duck.Quote(slices.Min(months) + "-01")
	}
	return fmt.Sprintf(`SET VARIABLE cells_from = (SELECT coalesce(min(m), DATE '0001-01-01') FROM (
	    SELECT CAST(%s AS DATE) AS m
	    UNION ALL
	    SELECT CAST(date_trunc('month', CAST(timezone(getvariable('time_zone'), data_end - getvariable('repeat_window')) AS DATE)) AS DATE)
	    FROM old_coverage))`, first)
}

func martSpec(m mcsql.Model) MartSpec {
	for _, s := range Marts {
		if s.Name == m.Name {
			return s
		}
	}
	return MartSpec{Name: m.Name, Model: m}
}

// removedBy names, for the key of a person-scoped mart, the table of the
// keys whose previous rows an incremental build replaces (scope.sql).
var removedBy = map[string]string{
	"journey_id":                "inc_removed_journeys",
	"source_system, contact_id": "inc_removed_contacts",
}

// shadowed are the input views scope.sql replaces by the touched persons'
// rows for the person-scoped models.
var shadowed = []string{"contacts", "outcomes", "surveys", "identities"}

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
func incremental(ctx context.Context, db *sql.DB, lakeDir string, o Options, steps []Step, prev buildState, newBatches []string) (_ Result, err error) {
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
	contacts, err := contract.Lookup("contacts")
	if err != nil {
		return Result{}, fmt.Errorf("build: incremental: %w", err)
	}
	var columns []string
	for _, c := range contacts.Columns {
		columns = append(columns, duck.Ident(c.Name))
	}
	columns = append(columns, contract.BatchCol, contract.FileCol, contract.LineCol)
	fill := map[string]string{"inputs": duck.Ident(inputs) + ".main", "contact_columns": strings.Join(columns, ", ")}
	// seeds.sql's tables hold every contact's key and every event of the
	// lake: for a lake that does not fit memory_limit they go in the
	// intermediates' file (compressed, evicted without spilling). As temp
	// tables, 100M contacts' spilled 20 GB before the first model ran. The
	// tables of the touched persons (a few % of the lake) stay temp tables:
	// in the file their models took twice as long.
	seedsInFile := false
	sqlFile := func(name string) (string, error) {
		q, err := fillSQL("sql/incremental/"+name, mcsql.Incremental(name), fill)
		if seedsInFile && name == "seeds.sql" {
			q = inScratch(q)
		}
		return q, err
	}
	run := func(name string) error {
		q, err := sqlFile(name)
		if err != nil {
			return err
		}
		// statement by statement, for the debug log's time of each
		for _, st := range statements(q) {
			if err := exec(strings.TrimSuffix(name, ".sql")+" "+statementTarget(st), st); err != nil {
				return err
			}
		}
		return nil
	}

	for _, s := range steps[:2] { // the prelude (variables, catalog) and the macros
		if err := runStep(ctx, conn, s, log); err != nil {
			return Result{}, err
		}
	}
	if o.IntermediatesOnDisk() {
		file, closeScratch, serr := openScratch(ctx, conn, o, lakeDir)
		if serr != nil {
			return Result{}, serr
		}
		defer closeScratch(&err)
		if err := exec("intermediates", attachScratchSQL(file, inputs)); err != nil {
			return Result{}, err
		}
		seedsInFile = true
		log.Info("the lake's keys and events in a database file", "file", file, "contacts", o.Contacts, "memory_limit", o.MemoryLimit)
	}
	for _, m := range append(append(incrementalMarts(), cellMarts()...), MartSpec{Name: "coverage"}) {
		q := fmt.Sprintf("CREATE OR REPLACE TEMP VIEW old_%s AS SELECT * FROM read_parquet(%s)", m.Name, duck.Quote(lake.MartPattern(lakeDir, m.Name)))
		if err := exec("attach previous "+m.Name, q); err != nil {
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
	if err := run("seeds.sql"); err != nil {
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
		if err := run("closure.sql"); err != nil {
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
	if err := run("scope.sql"); err != nil {
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

	// The person-scoped models, unchanged, over the recomputed persons; a
	// lake-scoped one is merged with the previous build's record.
	var resolved map[string]int64
	for _, s := range steps[2:] {
		if s.Model.Scope == mcsql.ScopeAggregate {
			continue
		}
		if err := runStep(ctx, conn, s, log); err != nil {
			return Result{}, err
		}
		switch {
		case s.Model.Scope == mcsql.ScopeLake && s.Model.Name == "resolution_systems":
			if resolved, err = checkResolution(ctx, conn, prev.ResolutionJourneys); err != nil {
				return Result{}, err
			}
		case s.Model.Scope == mcsql.ScopeLake && s.Model.Mart != nil && len(s.Model.SumColumns) > 0:
			// merged now: the models after it read the whole lake's
			if err := keepScope(ctx, conn, s.Model.Name); err != nil {
				return Result{}, err
			}
			if err := mergeMart(ctx, conn, nil, martSpec(s.Model), log); err != nil {
				return Result{}, err
			}
		case s.Model.Scope == mcsql.ScopeLake:
			return Result{}, fmt.Errorf("build: incremental: no merge for the lake-scoped model %s (pipeline/build/incremental.go)", s.Model.Name)
		case s.Model.Mart != nil:
			if err := keepScope(ctx, conn, s.Model.Name); err != nil {
				return Result{}, err
			}
		}
	}
	for _, name := range shadowed {
		if err := dropTemp(ctx, conn, name); err != nil {
			return Result{}, err
		}
	}

	// Merge, write, and run the aggregate models over the merged marts.
	w, err := newMartWriter(dir, o.Hook)
	if err != nil {
		return Result{}, err
	}
	defer w.cleanup()
	if err := run("merge.sql"); err != nil {
		return Result{}, err
	}
	for _, m := range personMarts() {
		if err := mergeMart(ctx, conn, w, m, log); err != nil {
			return Result{}, err
		}
	}
	if err := w.writeReady(ctx, conn, log); err != nil {
		return Result{}, err
	}
	if err := exec("cells from", cellsFromSQL(w.partial["contact_facts"])); err != nil {
		return Result{}, err
	}
	var cellsFrom time.Time
	if err := conn.QueryRowContext(ctx, "SELECT getvariable('cells_from')").Scan(&cellsFrom); err != nil {
		return Result{}, fmt.Errorf("build: incremental cells from: %w", err)
	}
	log.Debug("cells recomputed from", "month", cellsFrom.Format(time.DateOnly))
	// The merged marts now read their files: the working tables go, so
	// the aggregate models have the memory.
	if err := dropWorking(ctx, conn); err != nil {
		return Result{}, err
	}
	for _, s := range steps[2:] {
		if s.Model.Scope != mcsql.ScopeAggregate {
			continue
		}
		if err := runStep(ctx, conn, s, log); err != nil {
			return Result{}, err
		}
		if c := s.Model.Cells; c != "" {
			// the months before cells_from: the previous build's cells
			if err := exec("cells kept "+s.Model.Name, fmt.Sprintf("INSERT INTO %[1]s BY NAME SELECT * FROM old_%[2]s WHERE %[3]s < getvariable('cells_from')",
				duck.Ident(s.Model.Name), s.Model.Name, duck.Ident(c))); err != nil {
				return Result{}, err
			}
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

// mergeMart makes a person-scoped mart of the previous rows and the
// recomputed ones, as its header says: a mart with a key replaces the
// previous rows of the keys recomputed (monthly marts file by file, only
// the months that changed); a mart of counts ("merge: sum … by …") adds the
// recomputed rows and subtracts the replaced journeys' (merge.sql,
// inc_removed_<mart>).
func mergeMart(ctx context.Context, conn *sql.Conn, w *martWriter, m MartSpec, log *slog.Logger) error {
	exec := func(q string) error {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("build: incremental merge %s: %w", m.Name, err)
		}
		return nil
	}
	if err := dropTemp(ctx, conn, m.Name); err != nil {
		return err
	}
	name := duck.Ident(m.Name)
	if len(m.Model.SumColumns) > 0 {
		// the mart's own column order, the sums in place
		rows, err := conn.QueryContext(ctx, "SELECT column_name FROM (DESCRIBE scope_"+m.Name+")")
		if err != nil {
			return fmt.Errorf("build: incremental merge %s: %w", m.Name, err)
		}
		var out []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			if slices.Contains(m.Model.SumColumns, c) {
				c = fmt.Sprintf("CAST(sum(%[1]s) AS BIGINT) AS %[1]s", c)
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		by := strings.Join(m.Model.SumBy, ", ")
		var neg []string
		for _, c := range m.Model.SumColumns {
			neg = append(neg, "-"+c)
		}
		cols := strings.Join(m.Model.SumColumns, ", ")
		return exec(fmt.Sprintf(`CREATE OR REPLACE TEMP VIEW %[1]s AS
			SELECT %[2]s FROM (
			    SELECT %[3]s, %[4]s FROM old_%[5]s
			    UNION ALL SELECT %[3]s, %[4]s FROM scope_%[5]s
			    UNION ALL SELECT %[3]s, %[6]s FROM inc_removed_%[5]s)
			GROUP BY %[3]s HAVING sum(%[7]s) <> 0`,
			name, strings.Join(out, ", "), by, cols, m.Name, strings.Join(neg, ", "), m.Model.SumColumns[0]))
	}
	key := strings.Join(m.Model.Key, ", ")
	removed, ok := removedBy[key]
	if !ok {
		return fmt.Errorf("build: incremental: mart %s: no table of replaced keys for key (%s) (removedBy, pipeline/build/incremental.go)", m.Name, key)
	}
	var on []string
	for _, k := range m.Model.Key {
		on = append(on, fmt.Sprintf("r.%[1]s = o.%[1]s", duck.Ident(k)))
	}
	match := strings.Join(on, " AND ")
	if kind, err := tempKind(ctx, conn, "inc_old_"+m.Name); err != nil {
		return err
	} else if kind == "" {
		if err := exec(fmt.Sprintf("CREATE OR REPLACE TEMP TABLE inc_old_%s AS SELECT * FROM old_%s o WHERE EXISTS (SELECT 1 FROM %s r WHERE %s)",
			m.Name, m.Name, removed, match)); err != nil {
			return err
		}
	}
	if m.Month == "" {
		return exec(fmt.Sprintf(`CREATE OR REPLACE TEMP VIEW %s AS
			SELECT * FROM old_%[2]s o WHERE NOT EXISTS (SELECT 1 FROM %[3]s r WHERE %[4]s)
			UNION ALL BY NAME SELECT * FROM scope_%[2]s`, name, m.Name, removed, match))
	}
	// writeMonths points inc_month_<mart> at one month's previous file at
	// a time; inc_kept_<mart> is what of it stays.
	if err := exec(fmt.Sprintf("CREATE OR REPLACE TEMP VIEW inc_month_%[1]s AS SELECT * FROM old_%[1]s WHERE false", m.Name)); err != nil {
		return err
	}
	if err := exec(fmt.Sprintf("CREATE OR REPLACE TEMP VIEW inc_kept_%[1]s AS SELECT * FROM inc_month_%[1]s o WHERE NOT EXISTS (SELECT 1 FROM %[2]s r WHERE %[3]s)",
		m.Name, removed, match)); err != nil {
		return err
	}
	return w.writeMonths(ctx, conn, m.Name, m.Month, m.Model.Key, log)
}

// checkResolution recounts the journeys judged by events per source system
// after the merge. Which systems have any decides the resolution basis of
// every journey (04_outcomes.sql): when that set changes, a full build is
// needed. Otherwise resolution_systems, which the models computed over the
// recomputed persons only, is set to the whole lake's.
func checkResolution(ctx context.Context, conn *sql.Conn, prev map[string]int64) (map[string]int64, error) {
	scope, err := resolutionJourneys(ctx, conn, "SELECT source_system, journeys FROM resolution_systems")
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
	q := "CREATE OR REPLACE TEMP TABLE resolution_systems AS SELECT CAST(NULL AS VARCHAR) AS source_system, CAST(NULL AS BIGINT) AS journeys WHERE false"
	if len(after) > 0 {
		var rows []string
		for _, k := range after {
			rows = append(rows, fmt.Sprintf("(%s, %d)", duck.Quote(k), next[k]))
		}
		q = "CREATE OR REPLACE TEMP TABLE resolution_systems (source_system VARCHAR, journeys BIGINT); INSERT INTO resolution_systems VALUES " + strings.Join(rows, ", ")
	}
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return nil, fmt.Errorf("build: incremental resolution systems: %w", err)
	}
	return next, nil
}

// keepScope keeps a person-scoped mart the models have just made as the
// table scope_<mart>; a mart defined as a view is pointed at that table so
// the models after it read it once more, not recompute it.
func keepScope(ctx context.Context, conn *sql.Conn, m string) error {
	kind, err := tempKind(ctx, conn, m)
	if err != nil {
		return err
	}
	stmts := []string{fmt.Sprintf("CREATE OR REPLACE TEMP TABLE scope_%s AS SELECT * FROM %s", m, duck.Ident(m))}
	if kind == "VIEW" {
		stmts = append(stmts, fmt.Sprintf("CREATE OR REPLACE TEMP VIEW %s AS SELECT * FROM scope_%s", duck.Ident(m), m))
	}
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("build: incremental keep %s: %w", m, err)
		}
	}
	return nil
}

// tempKind returns "VIEW", "LOCAL TEMPORARY" or "BASE TABLE" (a table
// of the intermediates' file) or "" (none) for a working object.
func tempKind(ctx context.Context, conn *sql.Conn, name string) (string, error) {
	_, kind, err := tempObject(ctx, conn, name)
	return kind, err
}

// tempObject returns the catalog and kind of a working object: a temp one
// first, as name resolution finds it.
func tempObject(ctx context.Context, conn *sql.Conn, name string) (catalog, kind string, err error) {
	err = conn.QueryRowContext(ctx,
		"SELECT table_catalog, table_type FROM information_schema.tables WHERE table_name = ? AND table_catalog IN ('temp', '"+scratchCatalog+"') ORDER BY table_catalog <> 'temp' LIMIT 1", name).Scan(&catalog, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("look up %s: %w", name, err)
	}
	return catalog, kind, nil
}

// tempKinds is tempKind of every temp object and every table of the
// intermediates' database file.
func tempKinds(ctx context.Context, conn *sql.Conn) (map[string]string, error) {
	// a full build's tables are in the intermediates' file when chosen
	rows, err := conn.QueryContext(ctx, "SELECT table_name, table_type FROM information_schema.tables WHERE table_catalog IN ('temp', '"+scratchCatalog+"')")
	if err != nil {
		return nil, fmt.Errorf("list temp tables: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, kind string
		if err := rows.Scan(&name, &kind); err != nil {
			return nil, err
		}
		out[name] = kind
	}
	return out, rows.Err()
}

func dropTemp(ctx context.Context, conn *sql.Conn, name string) error {
	catalog, kind, err := tempObject(ctx, conn, name)
	if err != nil || kind == "" {
		return err
	}
	what := "TABLE"
	if kind == "VIEW" {
		what = "VIEW"
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("DROP %s %s.main.%s", what, duck.Ident(catalog), duck.Ident(name))); err != nil {
		return fmt.Errorf("build: incremental drop %s: %w", name, err)
	}
	return nil
}

// dropWorking drops the incremental build's working tables (inc_…,
// scope_…) once the merged marts are written and read from their files.
func dropWorking(ctx context.Context, conn *sql.Conn) error {
	kinds, err := tempKinds(ctx, conn)
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(kinds)) {
		if kinds[name] != "VIEW" && (strings.HasPrefix(name, "inc_") || strings.HasPrefix(name, "scope_")) {
			if err := dropTemp(ctx, conn, name); err != nil {
				return err
			}
		}
	}
	return nil
}

// statements splits one of the sql/incremental files into its statements:
// comment lines dropped, a statement ending with ";" at the end of a line
// (those files keep to that; none has ";" ending a line inside a string).
func statements(q string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.Lines(q) {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(strings.TrimRight(line, " \t\r\n"), ";") {
			if st := strings.TrimSpace(cur.String()); st != ";" {
				out = append(out, st)
			}
			cur.Reset()
		}
	}
	if st := strings.TrimSpace(cur.String()); st != "" {
		out = append(out, st)
	}
	return out
}

var statementObject = regexp.MustCompile(`(?i)\b(?:TABLE|VIEW|INTO)\s+([A-Za-z0-9_.]+)`)

// statementTarget names what a statement makes or fills ("" if none).
func statementTarget(st string) string {
	if m := statementObject.FindStringSubmatch(st); m != nil {
		return m[1]
	}
	return ""
}
