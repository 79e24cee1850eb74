package build

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// schemaFile, in a monthly mart's directory, has the mart's columns and no
// rows: the mart reads as empty, not as missing, when it has no months.
const schemaFile = "_schema.parquet"

// martWriter writes marts into a fresh temp directory inside dir and, on
// commit, renames them over the previous ones. A monthly mart (Marts.Month)
// is written whole (a full build) or, by an incremental build, as the
// months it changes (writeMonths).
type martWriter struct {
	dir, tmp string
	hook     lake.Hook // crash points (Options.Hook)
	// byMonth: write the month-wise marts a month at a time
	// (Options.WriteMonthly).
	byMonth bool
	written map[string]Mart
	// partial holds, for a monthly mart written in part, the months
	// rewritten (their files are in tmp/<mart>) and the months left empty.
	partial map[string]*monthChange
}

type monthChange struct{ written, emptied []string }

func newMartWriter(dir string, hook lake.Hook) (*martWriter, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create marts dir: %w", err)
	}
	if err := removeLeftovers(dir); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(dir, tempPrefix)
	if err != nil {
		return nil, fmt.Errorf("create marts temp dir: %w", err)
	}
	return &martWriter{dir: dir, tmp: tmp, hook: hook, written: map[string]Mart{}, partial: map[string]*monthChange{}}, nil
}

func (w *martWriter) cleanup() { os.RemoveAll(w.tmp) }

// writeReady writes the marts that exist now and were not written yet. A
// mart defined as a view is then redefined over its file(s).
func (w *martWriter) writeReady(ctx context.Context, conn *sql.Conn, log *slog.Logger) error {
	if len(w.written) == len(Marts) {
		return nil
	}
	// One look at the temp catalog per call, not one per mart: after
	// every one of ~25 steps, 13 lookups cost ~0.4 s of a 100k build.
	kinds, err := tempKinds(ctx, conn)
	if err != nil {
		return err
	}
	for _, m := range Marts {
		if _, done := w.written[m.Name]; done {
			continue
		}
		kind := kinds[m.Name]
		if kind == "" {
			continue // its model has not run yet
		}
		t0 := time.Now()
		var rows int64
		var src, path string
		var err error
		if m.Month != "" {
			path = filepath.Join(w.dir, m.Name)
			src = filepath.Join(w.tmp, m.Name, "*.parquet")
			rows, err = w.writeMonthly(ctx, conn, m.Name, m.Month, m.MonthWise && w.byMonth)
		} else {
			path = filepath.Join(w.dir, m.Name+".parquet")
			src = filepath.Join(w.tmp, m.Name+".parquet")
			q := "SELECT * FROM " + duck.Ident(m.Name)
			if m.OrderBy != "" {
				q += " ORDER BY " + m.OrderBy
			}
			rows, err = copyTo(ctx, conn, q, src, "", 0)
		}
		if err != nil {
			return fmt.Errorf("write mart %s: %w", m.Name, err)
		}
		if kind == "VIEW" {
			if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TEMP VIEW %s AS SELECT * FROM read_parquet(%s)",
				duck.Ident(m.Name), duck.Quote(src))); err != nil {
				return fmt.Errorf("read back mart %s: %w", m.Name, err)
			}
		}
		w.written[m.Name] = Mart{Name: m.Name, Path: path, Rows: rows}
		log.Debug("mart written", "mart", m.Name, "rows", rows, "elapsed", time.Since(t0).Round(time.Millisecond))
		if err := w.hook.At("build:mart-written:" + m.Name); err != nil {
			return err
		}
	}
	return nil
}

// monthRowGroup is the row-group size of the monthly marts' files. DuckDB's
// partitioned writer costs more the larger the row group it buffers per
// partition: at 32,768 rows a 1M-contact build is ~3% faster and peaks ~15%
// lower than at the default 122,880. A month an update rewrites is then a
// few row groups, written in parallel, rather than one.
const monthRowGroup = 32768

// copyTo writes the rows of query q to the Parquet file or, partitioned
// by the column partition, directory p and syncs it. rowGroup 0 is
// DuckDB's default size.
func copyTo(ctx context.Context, conn *sql.Conn, q, p, partition string, rowGroup int) (int64, error) {
	r, err := conn.ExecContext(ctx, copySQL(q, p, partition, rowGroup))
	if err != nil {
		return 0, err
	}
	rows, _ := r.RowsAffected()
	if partition == "" {
		if err := syncPath(p); err != nil {
			return 0, err
		}
	}
	return rows, nil
}

// copySQL is the COPY statement of copyTo.
func copySQL(q, p, partition string, rowGroup int) string {
	opts := "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1"
	if rowGroup > 0 {
		opts += fmt.Sprintf(", ROW_GROUP_SIZE %d", rowGroup)
	}
	if partition != "" {
		opts += ", PARTITION_BY (" + partition + ")"
	}
	return fmt.Sprintf("COPY (%s) TO %s (%s)", q, duck.Quote(p), opts)
}

// writeMonthly writes a whole monthly mart to tmp/<name>/: its schema file
// and one file per month, <YYYY-MM>.parquet (<YYYY-MM>_<n>.parquet should
// DuckDB split a month). byMonth writes each month of <name>_months with
// a COPY of its own (write_month set: in_write_month), else one write
// partitioned by month does.
func (w *martWriter) writeMonthly(ctx context.Context, conn *sql.Conn, name, month string, byMonth bool) (int64, error) {
	dst := filepath.Join(w.tmp, name)
	if err := os.Mkdir(dst, 0o755); err != nil {
		return 0, err
	}
	if _, err := copyTo(ctx, conn, "SELECT * FROM "+duck.Ident(name)+" LIMIT 0", filepath.Join(dst, schemaFile), "", 0); err != nil {
		return 0, err
	}
	var months []string
	if byMonth {
		var err error
		if months, err = martMonths(ctx, conn, name); err != nil {
			return 0, err
		}
	}
	if months == nil {
		parts := filepath.Join(w.tmp, name+".parts")
		rows, err := copyTo(ctx, conn, fmt.Sprintf("SELECT *, %s AS _month FROM %s", monthKey(month), duck.Ident(name)), parts, "_month", monthRowGroup)
		if err != nil {
			return 0, err
		}
		if err := moveMonths(parts, dst); err != nil {
			return 0, err
		}
		return rows, syncPath(dst)
	}
	var rows int64
	for _, m := range months {
		if _, err := conn.ExecContext(ctx, monthSQL(m)); err != nil {
			return 0, err
		}
		p := filepath.Join(dst, m+".parquet")
		n, err := copyTo(ctx, conn, "SELECT * FROM "+duck.Ident(name), p, "", monthRowGroup)
		if err != nil {
			return 0, fmt.Errorf("month %s: %w", m, err)
		}
		rows += n
	}
	if _, err := conn.ExecContext(ctx, monthSQL("")); err != nil {
		return 0, err
	}
	return rows, syncPath(dst)
}

// martMonths are the months (YYYY-MM) of a month-wise mart, from the
// table <name>_months its model makes; nil when a row has no month (the
// mart is then written whole).
func martMonths(ctx context.Context, conn *sql.Conn, name string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, "SELECT strftime(write_month, '%Y-%m') FROM "+duck.Ident(name+"_months")+" ORDER BY write_month NULLS FIRST")
	if err != nil {
		return nil, fmt.Errorf("months of %s: %w", name, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var m sql.NullString
		if err := rows.Scan(&m); err != nil {
			return nil, err
		}
		if !m.Valid {
			return nil, rows.Err()
		}
		out = append(out, m.String)
	}
	return out, rows.Err()
}

// moveMonths moves the files of a write partitioned by _month from parts
// into dst as <YYYY-MM>.parquet, <YYYY-MM>_1.parquet, …, syncs them and
// removes parts.
func moveMonths(parts, dst string) error {
	dirs, err := os.ReadDir(parts)
	if err != nil && !errors.Is(err, fs.ErrNotExist) { // no rows: no directory
		return err
	}
	for _, d := range dirs {
		key, ok := strings.CutPrefix(d.Name(), "_month=")
		if !ok || !d.IsDir() {
			return fmt.Errorf("unexpected %s in the partitioned write", d.Name())
		}
		written, err := os.ReadDir(filepath.Join(parts, d.Name()))
		if err != nil {
			return err
		}
		for i, f := range written {
			to := key + ".parquet"
			if i > 0 {
				to = fmt.Sprintf("%s_%d.parquet", key, i)
			}
			if err := os.Rename(filepath.Join(parts, d.Name(), f.Name()), filepath.Join(dst, to)); err != nil {
				return err
			}
			if err := syncPath(filepath.Join(dst, to)); err != nil {
				return err
			}
		}
	}
	return os.RemoveAll(parts)
}

// monthKey is the SQL of a row's month file name (Marts.Month; "none"
// should a row have no month).
func monthKey(month string) string { return "coalesce(" + month + ", 'none')" }

// monthFiles lists the files of a monthly mart directory by month.
func monthFiles(dir string) (map[string][]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".parquet") || strings.HasPrefix(name, "_") {
			continue
		}
		key, _, _ := strings.Cut(strings.TrimSuffix(name, ".parquet"), "_")
		out[key] = append(out[key], filepath.Join(dir, name))
	}
	return out, nil
}

// writeMonths writes, for an incremental build, the months of a monthly
// mart whose rows changed (sql/incremental/merge.sql: the previous rows
// that were not recomputed, inc_kept_<mart> over inc_month_<mart>, plus
// the recomputed rows scope_<mart> of that month) and points the mart's
// view at the kept and the new files.
func (w *martWriter) writeMonths(ctx context.Context, conn *sql.Conn, name, month string, key []string, log *slog.Logger) error {
	t0 := time.Now()
	prevDir := filepath.Join(w.dir, name)
	prev, err := monthFiles(prevDir)
	if err != nil {
		return fmt.Errorf("write mart %s: %w", name, err)
	}
	changed, err := changedMonths(ctx, conn, name, month, key)
	if err != nil {
		return fmt.Errorf("write mart %s: %w", name, err)
	}
	compared := time.Since(t0) // which months differ: the rest is rewriting them
	dst := filepath.Join(w.tmp, name)
	if err := os.Mkdir(dst, 0o755); err != nil {
		return fmt.Errorf("write mart %s: %w", name, err)
	}
	schema := filepath.Join(prevDir, schemaFile)
	ch := &monthChange{}
	files := []string{schema}
	for _, key := range changed {
		src := append([]string{schema}, prev[key]...)
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TEMP VIEW inc_month_%s AS SELECT * FROM read_parquet(%s)",
			name, duck.QuoteList(src))); err != nil {
			return fmt.Errorf("write mart %s month %s: %w", name, key, err)
		}
		p := filepath.Join(dst, key+".parquet")
		q := fmt.Sprintf("SELECT * FROM inc_kept_%[1]s UNION ALL BY NAME SELECT * FROM scope_%[1]s WHERE %[2]s = %[3]s",
			name, monthKey(month), duck.Quote(key))
		n, err := copyTo(ctx, conn, q, p, "", monthRowGroup)
		if err != nil {
			return fmt.Errorf("write mart %s month %s: %w", name, key, err)
		}
		if n == 0 {
			ch.emptied = append(ch.emptied, key)
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("write mart %s: %w", name, err)
			}
			continue
		}
		ch.written = append(ch.written, key)
		files = append(files, p)
	}
	for key, kept := range prev {
		if !slices.Contains(changed, key) {
			files = append(files, kept...)
		}
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TEMP VIEW %s AS SELECT * FROM read_parquet(%s)",
		duck.Ident(name), duck.QuoteList(files))); err != nil {
		return fmt.Errorf("read back mart %s: %w", name, err)
	}
	var rows int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM "+duck.Ident(name)).Scan(&rows); err != nil {
		return fmt.Errorf("count mart %s: %w", name, err)
	}
	w.partial[name] = ch
	w.written[name] = Mart{Name: name, Path: prevDir, Rows: rows}
	log.Debug("mart months written", "mart", name, "months", ch.written, "emptied", ch.emptied,
		"rows", rows, "compared", compared.Round(time.Millisecond), "elapsed", time.Since(t0).Round(time.Millisecond))
	return w.hook.At("build:mart-written:" + name)
}

// changedMonths returns the months in which the recomputed rows of a mart
// (scope_<mart>) differ from the previous rows they replace
// (inc_old_<mart>). Recomputing a person mostly reproduces their old
// journeys as they were; only the months that really change are rewritten.
// When the mart's key is unique in both, the rows are matched by it and
// compared whole, as structs: a key on one side only is a change, and so
// is any column that differs (NULLs equal). At 10M contacts that took
// 0.5 s for contact_facts where an EXCEPT ALL both ways over every column
// took 5.2 s (docs/performance.md); the EXCEPT ALL stays for other keys.
func changedMonths(ctx context.Context, conn *sql.Conn, name, month string, key []string) ([]string, error) {
	var keys []string
	for _, k := range key {
		keys = append(keys, duck.Ident(k))
	}
	k := strings.Join(keys, ", ")
	// a key that is not unique in the rows (outcome_links: a journey's
	// events) cannot pair them: those are compared as multisets
	var unique bool
	if len(key) > 0 {
		if err := conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT
	    (SELECT count(*) = count(DISTINCT (%[2]s)) FROM inc_old_%[1]s) AND (SELECT count(*) = count(DISTINCT (%[2]s)) FROM scope_%[1]s)`,
			name, k)).Scan(&unique); err != nil {
			return nil, err
		}
	}
	q := fmt.Sprintf(`SELECT DISTINCT %[2]s FROM (
	    (SELECT * FROM inc_old_%[1]s EXCEPT ALL SELECT * FROM scope_%[1]s)
	    UNION ALL
	    (SELECT * FROM scope_%[1]s EXCEPT ALL SELECT * FROM inc_old_%[1]s)) ORDER BY 1`, name, monthKey(month))
	if unique {
		q = fmt.Sprintf(`WITH o AS (SELECT %[3]s, %[2]s AS _m, t AS _row FROM inc_old_%[1]s t),
	    n AS (SELECT %[3]s, %[2]s AS _m, t AS _row FROM scope_%[1]s t)
	SELECT DISTINCT v.m FROM o FULL JOIN n USING (%[3]s)
	CROSS JOIN LATERAL (VALUES (o._m), (n._m)) v(m)
	WHERE o._row IS DISTINCT FROM n._row AND v.m IS NOT NULL
	ORDER BY 1`, name, monthKey(month), k)
	}
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// commit renames every written mart over the previous one and then records
// the build (state.go). The previous record is removed first: marts of two
// builds mixed by a crash mid-rename are never taken for a recorded build,
// so the next Update rebuilds fully.
func (w *martWriter) commit(st buildState) ([]Mart, error) {
	var out []Mart
	for _, m := range Marts {
		wm, ok := w.written[m.Name]
		if !ok {
			return nil, fmt.Errorf("build: the models did not make the mart %s", m.Name)
		}
		out = append(out, wm)
	}
	if err := syncPath(w.tmp); err != nil {
		return nil, fmt.Errorf("sync marts temp dir: %w", err)
	}
	if err := w.hook.At("build:before-commit"); err != nil {
		return nil, err
	}
	if err := removeState(w.dir); err != nil {
		return nil, err
	}
	for i, m := range out {
		var err error
		switch {
		case w.partial[m.Name] != nil:
			err = w.commitMonths(m.Name, w.partial[m.Name])
		case Marts[i].Month != "":
			err = w.commitDir(m.Name)
		default:
			err = os.Rename(filepath.Join(w.tmp, m.Name+".parquet"), m.Path)
		}
		if err != nil {
			return nil, fmt.Errorf("replace mart %s: %w", m.Name, err)
		}
		if i == 0 {
			if err := w.hook.At("build:mid-rename"); err != nil {
				return nil, err
			}
		}
	}
	if err := syncPath(w.dir); err != nil {
		return nil, fmt.Errorf("sync marts dir: %w", err)
	}
	if err := w.hook.At("build:before-record"); err != nil {
		return nil, err
	}
	if err := writeState(w.dir, st); err != nil {
		return nil, err
	}
	return out, nil
}

// commitDir puts a whole monthly mart in place of the previous one, file
// by file (a directory cannot be renamed over a full one, and a mart that
// is missing, even for a moment, is worse than one of two builds mixed),
// then removes the previous months the new mart does not have and a
// single-file mart of the same name an older version wrote.
func (w *martWriter) commitDir(name string) error {
	to := filepath.Join(w.dir, name)
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	files, err := os.ReadDir(filepath.Join(w.tmp, name))
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, f := range files {
		if err := os.Rename(filepath.Join(w.tmp, name, f.Name()), filepath.Join(to, f.Name())); err != nil {
			return err
		}
		keep[f.Name()] = true
	}
	prev, err := os.ReadDir(to)
	if err != nil {
		return err
	}
	for _, f := range prev {
		if !keep[f.Name()] {
			if err := os.RemoveAll(filepath.Join(to, f.Name())); err != nil {
				return err
			}
		}
	}
	if err := os.Remove(to + ".parquet"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return syncPath(to)
}

// commitMonths renames the rewritten months' files over the previous ones
// and removes the months left without rows.
func (w *martWriter) commitMonths(name string, ch *monthChange) error {
	dir := filepath.Join(w.dir, name)
	prev, err := monthFiles(dir)
	if err != nil {
		return err
	}
	for _, key := range ch.written {
		to := filepath.Join(dir, key+".parquet")
		if err := os.Rename(filepath.Join(w.tmp, name, key+".parquet"), to); err != nil {
			return err
		}
		for _, f := range prev[key] {
			if f != to {
				if err := os.Remove(f); err != nil {
					return err
				}
			}
		}
	}
	for _, key := range ch.emptied {
		for _, f := range prev[key] {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	return syncPath(dir)
}

func removeLeftovers(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read marts dir: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), tempPrefix) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("remove leftover %s: %w", e.Name(), err)
			}
		}
	}
	return nil
}
