package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mcnamara/mcnamara/pipeline/contract"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// load runs one file through its mapping and stages its good rows and
// rejects. Problems with the file as a whole come back as *FileError; the
// batch goes on with the other files.
func (l *loader) load(ctx context.Context, m Mapping, file string, in *lake.Input, idx int, more bool) error {
	table, err := contract.Lookup(m.Table)
	if err != nil {
		return &FileError{file, err}
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return &FileError{file, err}
	}
	exec := func(q string, args ...any) error {
		start := time.Now()
		_, err := l.exec(ctx, q, args...)
		l.opts.Logger.Debug("sql", "took", time.Since(start), "sql", firstLine(q))
		return err
	}
	// Naive timestamps in the file are read in the source's zone.
	if err := exec("SET TimeZone = " + duck.Quote(m.TimeZone)); err != nil {
		return fmt.Errorf("set time zone %s: %w", m.TimeZone, err)
	}
	defer exec("SET TimeZone = 'UTC'") //nolint:errcheck // best effort; next file sets it again

	prevScan, err := l.maxScanID(ctx)
	if err != nil {
		return err
	}
	bound := m.Bind(abs)
	mapped, err := l.describe(ctx, bound)
	if err != nil {
		if lake.IsStorageError(err) {
			return err // the lake's disk, not this file
		}
		return &FileError{file, readError(m, err)}
	}
	byName := map[string]outCol{}
	for _, col := range mapped {
		if _, ok := table.Column(col.Name); !ok && col.Name != contract.LineCol && col.Name != RejectCol {
			return &FileError{file, fmt.Errorf("mapping %s yields column %q, which is not in the %s contract (want some of %s)",
				m.Name, col.Name, table.Name, columnNames(table))}
		}
		byName[col.Name] = col
	}
	for _, col := range table.Columns {
		if _, ok := byName[col.Name]; !ok && col.Required && !(col.Name == "source_system" && m.SourceSystem != "") {
			return &FileError{file, fmt.Errorf("mapping %s yields no %s column, which %s requires", m.Name, col.Name, table.Name)}
		}
	}
	validated, err := validationSQL(table, m, byName, fmt.Sprintf("(%s) m", bound), time.Now())
	if err != nil {
		return err
	}
	stage := "CREATE OR REPLACE TEMP TABLE staged AS " + validated
	if err := exec(stage); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if lake.IsStorageError(err) {
			return fmt.Errorf("stage %s: %w", file, err)
		}
		return &FileError{file, fmt.Errorf("mapping %s failed on it: %w", m.Name, cleanDuckErr(err))}
	}
	defer exec("DROP TABLE IF EXISTS staged") //nolint:errcheck
	// A row's ordinal in the file is its rowid: the table is filled in
	// reader order (insertion order is preserved), so the load stays
	// parallel — row_number() OVER () would serialise it.
	if err := exec("CREATE OR REPLACE TEMP VIEW staged_rows AS SELECT rowid + 1 AS _ord, * FROM staged"); err != nil {
		return fmt.Errorf("stage view of %s: %w", file, err)
	}
	defer exec("DROP VIEW IF EXISTS staged_rows") //nolint:errcheck

	// Rows DuckDB's CSV reader refused: one reject per line.
	header := m.HeaderLines
	csvRejects := 0
	var scanned *dialect // the CSV dialect DuckDB read the file with, if it says
	hasRejects, err := l.rejectTablesExist(ctx)
	if err != nil {
		return err
	}
	if hasRejects {
		var hasHeader sql.NullBool
		var skip sql.NullInt64
		var delim, quoteCh, escape sql.NullString
		err := l.queryRow(ctx, `SELECT any_value(has_header), any_value(skip_rows), any_value(delimiter), any_value(quote), any_value(escape)
			FROM reject_scans WHERE scan_id > ?`, prevScan).Scan(&hasHeader, &skip, &delim, &quoteCh, &escape)
		if err == nil && hasHeader.Valid && header < 0 {
			header = int(skip.Int64)
			if hasHeader.Bool {
				header++
			}
		}
		if err == nil && hasHeader.Valid {
			found := scanDialect(delim.String, quoteCh.String, escape.String)
			scanned = &found
		}
		// DuckDB may report several errors per line (one per column it
		// tried); keep the first message of each error type.
		if err := exec(`CREATE OR REPLACE TEMP TABLE csv_rejects AS
			SELECT CAST(line AS BIGINT) AS line, min_by(col, pos) AS col, string_agg(msg, '; ' ORDER BY pos) AS reason, min_by(raw, pos) AS raw
			FROM (SELECT line, error_type, min_by(column_name, byte_position) AS col, min(byte_position) AS pos,
			             error_type || ': ' || min_by(error_message, byte_position) AS msg, min_by(csv_line, byte_position) AS raw
			      FROM reject_errors WHERE scan_id > ? GROUP BY line, error_type)
			GROUP BY line`, prevScan); err != nil {
			return fmt.Errorf("read csv rejects of %s: %w", file, err)
		}
		if err := l.queryRow(ctx, "SELECT count(*) FROM csv_rejects").Scan(&csvRejects); err != nil {
			return fmt.Errorf("count csv rejects of %s: %w", file, err)
		}
	} else {
		if err := exec(`CREATE OR REPLACE TEMP TABLE csv_rejects AS SELECT NULL::BIGINT AS line, NULL::VARCHAR AS col, NULL::VARCHAR AS reason, NULL::VARCHAR AS raw WHERE false`); err != nil {
			return err
		}
	}
	if header < 0 {
		header = 0
		if strings.Contains(m.SQL, "read_csv") {
			header = 1
		}
	}
	readDialect, textual := mappingDialect(m, scanned)
	// Empty lines the CSV reader skipped (rare: the hash pass noticed
	// one) count as lines too, as they do in its reject line numbers.
	var blank []int64
	if textual && l.blankLines {
		var rows int64
		if err := l.queryRow(ctx, "SELECT count(*) FROM staged").Scan(&rows); err != nil {
			return fmt.Errorf("count staged rows of %s: %w", file, err)
		}
		recs, err := recordsOf(abs, readDialect, int64(header), nil)
		if err != nil {
			return err
		}
		// only when the reader made no row of them (a one-column file reads
		// an empty line as a row)
		if recs.count-int64(header)-int64(len(recs.blank)) == rows+int64(csvRejects) {
			blank = recs.blank
		}
	}

	// The line of a good row: its ordinal plus the header plus the lines
	// before it that made no row, rejected or empty (c = how many good
	// rows precede each such line).
	lineExpr := fmt.Sprintf("coalesce(s._line, s._ord + %d)", header)
	lineJoin := ""
	if csvRejects > 0 || len(blank) > 0 {
		if err := exec("CREATE OR REPLACE TEMP TABLE rowless_lines AS SELECT line FROM csv_rejects"); err != nil {
			return fmt.Errorf("line numbers of %s: %w", file, err)
		}
		defer exec("DROP TABLE IF EXISTS rowless_lines") //nolint:errcheck
		for chunk := range slices.Chunk(blank, 10_000) {
			if err := exec("INSERT INTO rowless_lines SELECT unnest(" + intList(chunk) + ")"); err != nil {
				return fmt.Errorf("line numbers of %s: %w", file, err)
			}
		}
		if err := exec(fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE line_shifts AS
			SELECT c, max(idx) AS idx FROM (
				SELECT line - %d - row_number() OVER (ORDER BY line) AS c, row_number() OVER (ORDER BY line) AS idx FROM rowless_lines)
			GROUP BY c`, header)); err != nil {
			return fmt.Errorf("line numbers of %s: %w", file, err)
		}
		lineExpr = fmt.Sprintf("coalesce(s._line, s._ord + %d + coalesce(ls.idx, 0))", header)
		lineJoin = "ASOF LEFT JOIN line_shifts ls ON s._ord > ls.c"
	}

	// Duplicate keys: within the file (the first wins), against the lake,
	// and against files loaded earlier in this batch.
	key := keyCols(table, "")
	keyShow := keyCols(table, "s.")
	existing := fmt.Sprintf("SELECT %s, _batch_id FROM %s", key, duck.Ident(table.Name))
	if l.batchKeys[table.Name] {
		existing += fmt.Sprintf(" UNION ALL SELECT %s, 'this batch' FROM %s", key, duck.Ident("batch_keys_"+table.Name))
	}
	// Only the earlier rows whose key the file has: the file's keys are the
	// hash join's small side and the lake's keys stream past it. Grouping
	// every key of the lake first (a hash table of all of them) made a
	// night's 53k rows cost 44–47 s against 10M contacts and passed 12.5 GiB
	// of RSS against 100M, over an 8 GiB budget (docs/performance.md).
	var match []string
	for _, c := range table.Key {
		match = append(match, fmt.Sprintf("e.%[1]s = k.%[1]s", duck.Ident(c)))
	}
	existing = fmt.Sprintf(`SELECT %[1]s, min(_batch_id) AS _batch_id FROM (%[2]s) e
		SEMI JOIN (SELECT %[1]s FROM staged_rows WHERE _reason IS NULL) k ON %[3]s
		GROUP BY ALL`, key, existing, strings.Join(match, " AND "))
	dupSQL := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE duplicates AS
		SELECT s._ord, 'duplicate key (%[1]s) = (' || concat_ws(', ', %[2]s) || '): appears earlier in this file' AS reason
		FROM staged_rows s JOIN (SELECT %[3]s, min(_ord) AS first_ord FROM staged_rows WHERE _reason IS NULL GROUP BY ALL HAVING count(*) > 1) d
		  USING (%[3]s)
		WHERE s._reason IS NULL AND s._ord > d.first_ord
		UNION ALL
		SELECT s._ord, 'duplicate key (%[1]s) = (' || concat_ws(', ', %[2]s) || '): already loaded by ' || CASE e._batch_id WHEN 'this batch' THEN 'an earlier file of this batch' ELSE 'batch ' || e._batch_id END
		FROM staged_rows s JOIN (%[4]s) e USING (%[3]s)
		WHERE s._reason IS NULL`,
		strings.Join(table.Key, ", "), keyShow, key, existing)
	if err := exec(dupSQL); err != nil {
		return fmt.Errorf("duplicate check of %s: %w", file, err)
	}
	// Cheap counts first: a clean file (the usual case) skips the anti-join
	// against the duplicates and the rejects pass.
	var staged, invalid, dups, days int64
	span := "0"
	if table.Time != "" {
		// Days the good rows span: sizes the row groups of the partitions.
		span = fmt.Sprintf("coalesce(datediff('day', min(%[1]s) FILTER (_reason IS NULL), max(%[1]s) FILTER (_reason IS NULL)), 0)", duck.Ident(table.Time))
	}
	if err := l.queryRow(ctx, "SELECT count(*), count(_reason), (SELECT count(*) FROM duplicates), "+span+" FROM staged").Scan(&staged, &invalid, &dups, &days); err != nil {
		return fmt.Errorf("count staged rows of %s: %w", file, err)
	}

	// Good rows → partitioned Parquet in staging.
	contractCols := make([]string, len(table.Columns))
	for i, col := range table.Columns {
		contractCols[i] = "s." + duck.Ident(col.Name)
	}
	lineage := fmt.Sprintf("%s AS %s, %s AS %s, %s AS %s", duck.Quote(l.batch.ID), contract.BatchCol, duck.Quote(l.origin(file)), contract.FileCol, l.origLine(lineExpr), contract.LineCol)
	good := fmt.Sprintf("FROM staged_rows s %s WHERE s._reason IS NULL", lineJoin)
	if dups > 0 {
		good += " AND s._ord NOT IN (SELECT _ord FROM duplicates)"
	}
	pattern := fmt.Sprintf("%s_f%03d_{i}", l.batch.ID, idx)
	tableDir := filepath.Join(l.staging, table.Name)
	var copySQL string
	if table.Time != "" {
		copySQL = fmt.Sprintf(`COPY (SELECT %s, %s, CAST(timezone(%s, s.%s) AS DATE) AS %s %s)
			TO %s (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE %d, PARTITION_BY (%s), FILENAME_PATTERN %s, OVERWRITE_OR_IGNORE true)`,
			strings.Join(contractCols, ", "), lineage, duck.Quote(l.opts.BusinessTZ), duck.Ident(table.Time), contract.DateCol, good,
			duck.Quote(tableDir), partitionRowGroup(staged, days+2, l.opts.RowGroupSize), contract.DateCol, duck.Quote(pattern))
	} else {
		copySQL = fmt.Sprintf(`COPY (SELECT %s, %s %s) TO %s (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE %d)`,
			strings.Join(contractCols, ", "), lineage, good,
			duck.Quote(filepath.Join(tableDir, strings.ReplaceAll(pattern, "{i}", "0")+".parquet")), l.opts.RowGroupSize)
	}
	if err := os.MkdirAll(tableDir, 0o755); err != nil {
		return fmt.Errorf("create staging for %s: %w", table.Name, err)
	}
	before, err := l.stagedFiles(tableDir)
	if err != nil {
		return err
	}
	// Row order inside a partition file does not matter (lines are
	// columns), and not keeping it lets the writer run in parallel.
	// zstd level 1: the same size here as the default level, much faster.
	if err := exec("SET preserve_insertion_order = false"); err != nil {
		return err
	}
	var loaded int64
	err = l.queryRow(ctx, copySQL).Scan(&loaded)
	if err2 := exec("SET preserve_insertion_order = true"); err == nil {
		err = err2
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("write %s rows of %s: %w", table.Name, file, err)
	}
	after, err := l.stagedFiles(tableDir)
	if err != nil {
		return err
	}
	newFiles := slices.DeleteFunc(after, func(p string) bool { return slices.Contains(before, p) })
	if len(newFiles) > 0 {
		counts, err := l.rowCounts(ctx, newFiles)
		if err != nil {
			return err
		}
		for _, p := range newFiles {
			l.batch.Files = append(l.batch.Files, lake.File{Path: p, Table: table.Name, Rows: counts[p]})
		}
	}
	if err := l.opts.Hook.At("ingest:partition-written"); err != nil {
		return err
	}

	// Refused rows → _rejects with file, line, column, reason, the record
	// as it is in the file (raw_bytes; raw, its text) and the values the
	// mapping made of it (mapped).
	rejPath := path.Join(lake.RejectsDir, table.Name, fmt.Sprintf("%s_f%03d.parquet", l.batch.ID, idx))
	var rejected int64
	if invalid+dups+int64(csvRejects) > 0 {
		n, header, err := l.writeRejects(ctx, rejectsSpec{
			table: table, file: file, abs: abs, path: rejPath, lineExpr: lineExpr, lineJoin: lineJoin,
			dialect: readDialect, textual: textual, header: int64(header)})
		if err != nil {
			return err
		}
		rejected = n
		in.Header = header
	}
	if rejected > 0 {
		l.batch.RejectFiles = append(l.batch.RejectFiles, lake.File{Path: rejPath, Table: table.Name, Rows: rejected, Input: &idx})
	}
	in.RowsRead = staged + int64(csvRejects)
	in.RowsLoaded = loaded
	in.RowsRejected = rejected
	if in.RowsRead != in.RowsLoaded+in.RowsRejected {
		return fmt.Errorf("ingest %s: counts do not reconcile: read %d, loaded %d, rejected %d (a bug: please report it)",
			file, in.RowsRead, in.RowsLoaded, in.RowsRejected)
	}

	// Remember this file's keys for the next files of the batch.
	if !more {
		l.opts.Logger.Info("loaded file", "file", file, "table", table.Name, "read", in.RowsRead, "loaded", loaded, "rejected", rejected)
		return nil
	}
	if l.batchKeys == nil {
		l.batchKeys = map[string]bool{}
	}
	rememberSQL := fmt.Sprintf("INSERT INTO %s SELECT %s %s", duck.Ident("batch_keys_"+table.Name), keyCols(table, "s."), good)
	if !l.batchKeys[table.Name] {
		rememberSQL = fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s AS SELECT %s %s", duck.Ident("batch_keys_"+table.Name), keyCols(table, "s."), good)
	}
	if err := exec(rememberSQL); err != nil {
		return fmt.Errorf("remember keys of %s: %w", file, err)
	}
	l.batchKeys[table.Name] = true
	l.opts.Logger.Info("loaded file", "file", file, "table", table.Name, "read", in.RowsRead, "loaded", loaded, "rejected", rejected)
	return nil
}

// partitionRowGroup is the row-group size for rows spread over about days
// date partitions. DuckDB's partitioned writer costs more the larger the
// row group it buffers per partition, whatever the partition holds (1M
// rows over 315 days: 1.6 s at 122,880, 1.1 s at 2,048; over 32 days:
// 1.2 s at 122,880, 0.8 s at 8,192), so the size follows the rows a
// partition is expected to get, between 2,048 (DuckDB's vector) and 8,192,
// and never above limit.
func partitionRowGroup(rows, days int64, limit int) int {
	perDay := rows / max(days, 1)
	rg := int64(2048)
	for rg < 8192 && rg*2 <= perDay {
		rg *= 2
	}
	return int(min(rg, int64(limit)))
}

func (l *loader) rejectTablesExist(ctx context.Context) (bool, error) {
	var n int
	if err := l.queryRow(ctx, `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'reject_scans' AND temporary`).Scan(&n); err != nil {
		return false, fmt.Errorf("look up reject tables: %w", err)
	}
	return n > 0, nil
}

// maxScanID is the newest CSV reject scan so far (-1 before the first), so a
// file's rejects are those of later scans.
func (l *loader) maxScanID(ctx context.Context) (int64, error) {
	ok, err := l.rejectTablesExist(ctx)
	if err != nil || !ok {
		return -1, err
	}
	var id sql.NullInt64
	if err := l.queryRow(ctx, `SELECT max(scan_id) FROM reject_scans`).Scan(&id); err != nil {
		return 0, fmt.Errorf("read reject scans: %w", err)
	}
	return id.Int64, nil
}

func (l *loader) describe(ctx context.Context, q string) ([]outCol, error) {
	rows, err := l.query(ctx, "DESCRIBE SELECT * FROM ("+q+")")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []outCol
	seen := map[string]bool{}
	for rows.Next() {
		var name, typ string
		var null, key, def, extra sql.NullString
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, fmt.Errorf("column %q is yielded twice", name)
		}
		seen[name] = true
		out = append(out, outCol{Name: name, Type: typ})
	}
	return out, rows.Err()
}

// rowCounts reads the row counts of the staged files from their footers.
func (l *loader) rowCounts(ctx context.Context, rel []string) (map[string]int64, error) {
	abs := make([]string, len(rel))
	byAbs := map[string]string{}
	for i, p := range rel {
		abs[i] = duck.Quote(filepath.Join(l.staging, filepath.FromSlash(p)))
		byAbs[filepath.Join(l.staging, filepath.FromSlash(p))] = p
	}
	rows, err := l.query(ctx, "SELECT file_name, sum(num_rows) FROM parquet_file_metadata(["+strings.Join(abs, ", ")+"]) GROUP BY ALL")
	if err != nil {
		return nil, fmt.Errorf("count staged rows: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		out[byAbs[filepath.Clean(name)]] = n
	}
	return out, rows.Err()
}

func columnNames(t contract.Table) string {
	n := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		n[i] = c.Name
	}
	return strings.Join(n, ", ")
}

var missingColumn = regexp.MustCompile(`Referenced column "([^"]*)" not found`)

// readError explains why a mapping could not read a file, in the user's terms.
func readError(m Mapping, err error) error {
	msg := cleanDuckErr(err).Error()
	if c := missingColumn.FindStringSubmatch(msg); c != nil {
		_, cand, _ := strings.Cut(msg, "Candidate bindings: ")
		return fmt.Errorf("the file has no column %q, which mapping %s reads: check the export's header line, or the CSV dialect if the header was misread (closest columns found: %s)", c[1], m.Name, cand)
	}
	if strings.Contains(msg, "Error when sniffing file") {
		first, _, _ := strings.Cut(msg, "\n")
		return fmt.Errorf("cannot detect its CSV layout (%s): look for an unterminated quote or a non-CSV file, or state the dialect in mapping %s (delim, quote, columns, auto_detect = false)", strings.TrimSpace(first), m.Name)
	}
	return fmt.Errorf("mapping %s cannot read it: %s", m.Name, msg)
}

// cleanDuckErr drops DuckDB's multi-line SQL echo so file errors stay readable.
func cleanDuckErr(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "\n\nLINE "); i > 0 {
		msg = msg[:i]
	}
	return errors.New(strings.TrimSpace(msg))
}

// jsonPairs lists the contract columns of s as json_object arguments.
func jsonPairs(t contract.Table) string {
	p := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		p[i] = duck.Quote(c.Name) + ", s." + duck.Ident(c.Name)
	}
	return strings.Join(p, ", ")
}

func firstLine(q string) string {
	q = strings.TrimSpace(q)
	if i := strings.IndexByte(q, '\n'); i > 0 {
		q = q[:i]
	}
	if len(q) > 80 {
		q = q[:80]
	}
	return q
}

// rejectsSpec is what writeRejects needs of the file being loaded.
type rejectsSpec struct {
	table              contract.Table
	file, abs, path    string
	lineExpr, lineJoin string
	dialect            dialect
	textual            bool
	header             int64
}

// writeRejects stages the file's refused rows (validation, duplicates and
// the CSV reader's) with the bytes of their records, which a scan of the
// file finds by line. It returns their count and the file's header lines.
func (l *loader) writeRejects(ctx context.Context, r rejectsSpec) (int64, []byte, error) {
	exec := func(q string, args ...any) error {
		_, err := l.exec(ctx, q, args...)
		return err
	}
	if err := exec(fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE rejected AS
		SELECT %[1]s AS _source_line, s._column AS "column", s._reason AS reason, s._mapped AS mapped, NULL::VARCHAR AS csv_line
		FROM staged_rows s %[2]s WHERE s._reason IS NOT NULL
		UNION ALL
		SELECT %[1]s, NULL, d.reason, CAST(json_object(%[3]s) AS VARCHAR), NULL
		FROM (SELECT * FROM staged_rows WHERE _ord IN (SELECT _ord FROM duplicates)) s
		  JOIN duplicates d USING (_ord) %[2]s
		UNION ALL
		SELECT line, col, reason, NULL, raw FROM csv_rejects`, r.lineExpr, r.lineJoin, jsonPairs(r.table))); err != nil {
		return 0, nil, fmt.Errorf("collect rejects of %s: %w", r.file, err)
	}
	defer exec("DROP TABLE IF EXISTS rejected") //nolint:errcheck
	if err := exec("CREATE OR REPLACE TEMP TABLE reject_records (line BIGINT, raw VARCHAR, raw_bytes BLOB)"); err != nil {
		return 0, nil, err
	}
	defer exec("DROP TABLE IF EXISTS reject_records") //nolint:errcheck
	var header []byte
	if r.textual {
		want := map[int64]bool{}
		rows, err := l.query(ctx, "SELECT DISTINCT _source_line FROM rejected WHERE _source_line IS NOT NULL")
		if err != nil {
			return 0, nil, fmt.Errorf("rejected lines of %s: %w", r.file, err)
		}
		for rows.Next() {
			var n int64
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return 0, nil, err
			}
			want[n] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, nil, err
		}
		recs, err := recordsOf(r.abs, r.dialect, r.header, want)
		if err != nil {
			return 0, nil, err
		}
		header = recs.header
		if err := l.insertRecords(ctx, recs.records); err != nil {
			return 0, nil, fmt.Errorf("keep rejected records of %s: %w", r.file, err)
		}
	}
	dst := lake.StagingPath(l.root, l.batch.ID, r.path)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return 0, nil, fmt.Errorf("create rejects dir: %w", err)
	}
	var n int64
	if err := l.queryRow(ctx, fmt.Sprintf(`COPY (
		SELECT %[1]s AS _batch_id, %[2]s AS "table", %[3]s AS _source_file, %[4]s AS _source_line, "column", reason,
		       coalesce(b.raw, r.csv_line) AS raw, b.raw_bytes, mapped
		FROM rejected r LEFT JOIN reject_records b ON b.line = r._source_line
		ORDER BY r._source_line) TO %[5]s (FORMAT parquet, COMPRESSION zstd)`,
		duck.Quote(l.batch.ID), duck.Quote(r.table.Name), duck.Quote(l.origin(r.file)), l.origLine("r._source_line"),
		duck.Quote(dst))).Scan(&n); err != nil {
		return 0, nil, fmt.Errorf("write rejects of %s: %w", r.file, err)
	}
	return n, header, nil
}

// insertRecords fills reject_records with the records' bytes and their text (invalid
// UTF-8 shown as U+FFFD: the bytes stay exact in raw_bytes).
func (l *loader) insertRecords(ctx context.Context, recs map[int64][]byte) error {
	lines := slices.Sorted(maps.Keys(recs))
	for chunk := range slices.Chunk(lines, 500) {
		var q strings.Builder
		q.WriteString("INSERT INTO reject_records VALUES ")
		args := make([]any, 0, 3*len(chunk))
		for i, n := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?)")
			args = append(args, n, strings.ToValidUTF8(string(recs[n]), "\uFFFD"), recs[n])
		}
		if _, err := l.exec(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// intList is a SQL list literal of the numbers.
func intList(ns []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, n := range ns {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, n)
	}
	b.WriteByte(']')
	return b.String()
}
