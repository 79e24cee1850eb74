package lake

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// AttachInputs creates one DuckDB view per contract table (contacts,
// outcomes, surveys, identities) over the lake's committed files, plus the
// view rejects. A table with no files yet is an empty view of the right
// columns and types, so models and ad-hoc queries always bind.
func AttachInputs(ctx context.Context, db *sql.DB, root string) error {
	batches, err := ReadManifest(root)
	if err != nil {
		return err
	}
	files, err := TableFiles(root, batches)
	if err != nil {
		return err
	}
	for _, t := range contract.Tables {
		q := emptyView(t)
		if fs := files[t.Name]; len(fs) > 0 {
			if q, err = tableView(ctx, db, t, fs); err != nil {
				return fmt.Errorf("attach table %s: %w", t.Name, err)
			}
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE VIEW %s AS %s", duck.Ident(t.Name), q)); err != nil {
			return fmt.Errorf("attach table %s: %w", t.Name, err)
		}
	}
	rq := emptyRejects
	rf, err := RejectFiles(root, batches)
	if err != nil {
		return err
	}
	if len(rf) > 0 {
		rq = fmt.Sprintf("SELECT * FROM read_parquet(%s, union_by_name = true)", duck.QuoteList(rf))
	}
	if _, err := db.ExecContext(ctx, "CREATE OR REPLACE VIEW rejects AS "+rq); err != nil {
		return fmt.Errorf("attach rejects: %w", err)
	}
	return nil
}

// AttachBatches creates one view per contract table, named prefix + table,
// over the files of the given batches only (an incremental build reads
// what is new without scanning the whole lake).
func AttachBatches(ctx context.Context, db *sql.DB, root string, ids []string, prefix string) error {
	all, err := ReadManifest(root)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var batches []Batch
	for _, b := range all {
		if want[b.ID] {
			batches = append(batches, b)
		}
	}
	files, err := TableFiles(root, batches)
	if err != nil {
		return err
	}
	for _, t := range contract.Tables {
		q := emptyView(t)
		if fs := files[t.Name]; len(fs) > 0 {
			if q, err = tableView(ctx, db, t, fs); err != nil {
				return fmt.Errorf("attach new %s: %w", t.Name, err)
			}
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE VIEW %s AS %s", duck.Ident(prefix+t.Name), q)); err != nil {
			return fmt.Errorf("attach new %s: %w", t.Name, err)
		}
	}
	return nil
}

// AttachMarts creates one view per mart in lake/marts (see MartPattern).
// It returns the mart names found (none before the first build).
func AttachMarts(ctx context.Context, db *sql.DB, root string) ([]string, error) {
	dir := filepath.Join(root, MartsDir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read marts: %w", err)
	}
	var names []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".parquet")
		if e.IsDir() {
			// a monthly mart; a build's temp directory, or a mart directory
			// a crash left before its first file, is none
			files, _ := filepath.Glob(filepath.Join(dir, e.Name(), "*.parquet"))
			name, ok = e.Name(), !strings.HasPrefix(e.Name(), ".") && len(files) > 0
		}
		if !ok {
			continue
		}
		q := fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT * FROM read_parquet(%s)",
			duck.Ident(name), duck.Quote(MartPattern(root, name)))
		if _, err := db.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("attach mart %s: %w", name, err)
		}
		names = append(names, name)
	}
	return names, nil
}

// MartPattern is what read_parquet reads for a mart: lake/marts/<mart>.parquet,
// or for a mart kept in monthly files (the big ones, so that a nightly
// update rewrites only the months it changes) lake/marts/<mart>/*.parquet.
func MartPattern(root, name string) string {
	dir := filepath.Join(root, MartsDir, name)
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return filepath.Join(dir, "*.parquet")
	}
	return dir + ".parquet"
}

// emptyRejects is the layout of lake/_rejects files: raw is the record's
// text, raw_bytes its bytes as they are in the file, mapped (JSON) the
// values the mapping made of it. Files of older versions have no
// raw_bytes nor mapped (NULL through the view) and a JSON raw.
const emptyRejects = `SELECT CAST(NULL AS VARCHAR) AS _batch_id, CAST(NULL AS VARCHAR) AS "table",
	CAST(NULL AS VARCHAR) AS _source_file, CAST(NULL AS BIGINT) AS _source_line,
	CAST(NULL AS VARCHAR) AS "column", CAST(NULL AS VARCHAR) AS reason, CAST(NULL AS VARCHAR) AS raw,
	CAST(NULL AS BLOB) AS raw_bytes, CAST(NULL AS VARCHAR) AS mapped
	WHERE false`

// copyFile is the name the ingest gives the files of one COPY (a batch's
// source file, pipeline/ingest): <batch>_f<NNN>_<i>.parquet, one in each
// date partition.
var copyFile = regexp.MustCompile(`^(.+_f[0-9]+)_[0-9]+\.parquet$`)

// copyOf names the COPY that wrote a lake file; a file named otherwise is
// a COPY of its own.
func copyOf(file string) string {
	if m := copyFile.FindStringSubmatch(filepath.Base(file)); m != nil {
		return m[1]
	}
	return file
}

// tableView reads a table's files as the contract's columns. Files are
// grouped by their columns, read per group and stacked, rather than read
// with union_by_name: that reconciles every file's schema each time a query
// binds the view, which over a year of daily files costs far more than the
// query itself. The files one COPY wrote have its columns, so one footer
// is read per COPY, not per file: at 10M contacts over 366 days, 1,500
// footers took 0.3 s of every command's start.
func tableView(ctx context.Context, db *sql.DB, t contract.Table, files []string) (string, error) {
	var reps []string
	seen := map[string]bool{}
	for _, f := range files {
		if c := copyOf(f); !seen[c] {
			seen[c] = true
			reps = append(reps, f)
		}
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(
		"SELECT file_name, string_agg(name, ',' ORDER BY name) FROM parquet_schema(%s) WHERE num_children IS NULL OR num_children = 0 GROUP BY file_name",
		duck.QuoteList(reps)))
	if err != nil {
		return "", err
	}
	defer rows.Close()
	schemaOf := map[string]string{}
	for rows.Next() {
		var file, cols string
		if err := rows.Scan(&file, &cols); err != nil {
			return "", err
		}
		schemaOf[copyOf(file)] = cols
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	var order []string
	groups := map[string][]string{}
	for _, f := range files {
		k := schemaOf[copyOf(f)]
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f)
	}
	parts := make([]string, 0, len(order))
	for _, k := range order {
		src := fmt.Sprintf("read_parquet(%s, hive_partitioning = %t)", duck.QuoteList(groups[k]), t.Time != "")
		q, err := contractView(ctx, db, t, src)
		if err != nil {
			return "", err
		}
		parts = append(parts, q)
	}
	return strings.Join(parts, "\nUNION ALL\n"), nil
}

// contractView selects the contract's columns from src, NULL for any the
// files predate (a column added to the contract later), so a lake written
// by an older version stays readable by the current models.
func contractView(ctx context.Context, db *sql.DB, t contract.Table, src string) (string, error) {
	rows, err := db.QueryContext(ctx, "SELECT column_name FROM (DESCRIBE SELECT * FROM "+src+")")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", err
		}
		have[n] = true
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	var cols []string
	for _, c := range t.Columns {
		if have[c.Name] {
			cols = append(cols, duck.Ident(c.Name))
		} else {
			cols = append(cols, fmt.Sprintf("CAST(NULL AS %s) AS %s", c.Type, duck.Ident(c.Name)))
		}
	}
	cols = append(cols, contract.BatchCol, contract.FileCol, contract.LineCol)
	if t.Time != "" {
		cols = append(cols, duck.Ident(contract.DateCol))
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + src, nil
}

func emptyView(t contract.Table) string {
	cols := make([]string, 0, len(t.Columns)+4)
	for _, c := range t.Columns {
		cols = append(cols, fmt.Sprintf("CAST(NULL AS %s) AS %s", c.Type, duck.Ident(c.Name)))
	}
	cols = append(cols,
		"CAST(NULL AS VARCHAR) AS "+contract.BatchCol,
		"CAST(NULL AS VARCHAR) AS "+contract.FileCol,
		"CAST(NULL AS BIGINT) AS "+contract.LineCol)
	if t.Time != "" {
		cols = append(cols, "CAST(NULL AS DATE) AS "+duck.Ident(contract.DateCol))
	}
	return "SELECT " + strings.Join(cols, ", ") + " WHERE false"
}
