// Package query runs an analyst's ad-hoc SQL against the lake's views and
// writes the result in a chosen format. Only a single SELECT is accepted,
// parameters are bound (never spliced into the text), results are streamed,
// and errors point at the line of the analyst's .sql file.
package query

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/mcnamara/mcnamara/sql/duck"
)

// Formats the results can be written in.
var Formats = []string{"table", "csv", "json", "markdown", "parquet"}

// Request is one query.
type Request struct {
	// Name is the file the SQL came from ("-e" for inline), for messages.
	Name string
	SQL  string
	// Params bind DuckDB named parameters ($name) by name.
	Params map[string]string
	Format string
	// MaxRows caps the table format (terminals); 0 = 1000.
	MaxRows int
}

// Error is a query error located in the analyst's file.
type Error struct {
	Name string
	Line int // 0 when unknown
	Err  error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Name, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Name, e.Err)
}
func (e *Error) Unwrap() error { return e.Err }

var duckLine = regexp.MustCompile(`\nLINE (\d+):`)

// locate turns a DuckDB error into an *Error at the analyst's line. The SQL
// is sent exactly as written, so DuckDB's LINE n is the file's line n.
func (r Request) locate(err error) error {
	msg := err.Error()
	line := 0
	if m := duckLine.FindStringSubmatchIndex(msg); m != nil {
		line, _ = strconv.Atoi(msg[m[2]:m[3]])
		msg = strings.TrimSpace(msg[:m[0]])
	}
	return &Error{Name: r.Name, Line: line, Err: errors.New(msg)}
}

// Run parses the query on conn, checks it is a single SELECT whose
// parameters match Params exactly, and streams the result to w.
func Run(ctx context.Context, conn *sql.Conn, r Request, w io.Writer) error {
	if !validFormat(r.Format) {
		return fmt.Errorf("--format %q: want one of %s", r.Format, strings.Join(Formats, ", "))
	}
	if strings.TrimSpace(stripComments(r.SQL)) == "" {
		return &Error{Name: r.Name, Err: errors.New("no SQL to run")}
	}
	// Parse first: only one SELECT may run (no DML, COPY, ATTACH, SET…).
	var parsed string
	// The function takes a constant only; the text is quoted, not run.
	if err := conn.QueryRowContext(ctx, "SELECT CAST(json_serialize_sql("+duck.Quote(r.SQL)+") AS VARCHAR)").Scan(&parsed); err != nil {
		return fmt.Errorf("parse query: %w", err)
	}
	var p struct {
		Error      bool              `json:"error"`
		Message    string            `json:"error_message"`
		Type       string            `json:"error_type"`
		Statements []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(parsed), &p); err != nil {
		return fmt.Errorf("parse query: %w", err)
	}
	switch {
	case p.Error && p.Type == "not implemented":
		return &Error{Name: r.Name, Err: errors.New("only a single SELECT (or WITH … SELECT) query can run here: the lake is read-only")}
	case p.Error:
		// A syntax error: let the prepare below report it with its line.
	case len(p.Statements) != 1:
		return &Error{Name: r.Name, Err: fmt.Errorf("the file holds %d statements; put one SELECT per file", len(p.Statements))}
	}
	var args []any
	if !p.Error {
		// Parsed: DuckDB serializes SELECT statements only, and the parse
		// names the parameters; binding it twice (a prepare, then the
		// query) cost a millisecond a query.
		var st struct {
			Params []struct {
				Key string `json:"key"`
			} `json:"named_param_map"`
		}
		if err := json.Unmarshal(p.Statements[0], &st); err != nil {
			return fmt.Errorf("parse query: %w", err)
		}
		var names []string
		for _, kv := range st.Params {
			names = append(names, kv.Key)
		}
		sort.Strings(names)
		var err error
		if args, err = r.bindParams(names); err != nil {
			return err
		}
	} else {
		// the prepare reports the syntax error with its line (or, should
		// DuckDB prepare what it could not serialize, names its parameters)
		names, err := r.prepare(ctx, conn)
		if err != nil {
			return err
		}
		if args, err = r.bindParams(names); err != nil {
			return err
		}
	}
	if r.Format == "parquet" {
		return writeParquet(ctx, conn, r, args, w)
	}
	rows, err := conn.QueryContext(ctx, r.SQL, args...)
	if err != nil {
		return r.locate(err)
	}
	defer rows.Close()
	switch r.Format {
	case "csv":
		err = writeCSV(rows, w)
	case "json":
		err = writeJSON(rows, w)
	case "markdown":
		err = writeMarkdown(rows, w)
	default:
		max := r.MaxRows
		if max <= 0 {
			max = 1000
		}
		err = writeTable(rows, w, max)
	}
	if err != nil {
		var qe *Error
		if errors.As(err, &qe) {
			return err
		}
		return r.locate(err)
	}
	return nil
}

func validFormat(f string) bool {
	for _, x := range Formats {
		if f == x {
			return true
		}
	}
	return false
}

// stripComments removes -- line comments (to spot an empty file).
func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if i := strings.Index(l, "--"); i >= 0 {
			l = l[:i]
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// ParseParams turns name=value flags into a map; a malformed one is an error.
func ParseParams(kv []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range kv {
		k, v, ok := strings.Cut(p, "=")
		k = strings.TrimPrefix(strings.TrimSpace(k), "$")
		if !ok || k == "" {
			return nil, fmt.Errorf("--param %q: want name=value", p)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("--param %s given twice", k)
		}
		out[k] = v
	}
	return out, nil
}

// prepare prepares the query to report why it does not parse, with its
// line, or that it is no single SELECT; else it returns the names of its
// parameters.
func (r Request) prepare(ctx context.Context, conn *sql.Conn) (names []string, err error) {
	err = conn.Raw(func(dc any) error {
		stmt, err := dc.(driver.ConnPrepareContext).PrepareContext(ctx, r.SQL)
		if err != nil {
			return r.locate(err)
		}
		defer stmt.Close()
		ds, ok := stmt.(*duckdb.Stmt)
		if !ok {
			return fmt.Errorf("unexpected driver statement %T", stmt)
		}
		typ, err := ds.StatementType()
		if err != nil {
			return err
		}
		if typ != duckdb.STATEMENT_TYPE_SELECT {
			return &Error{Name: r.Name, Err: errors.New("only a single SELECT (or WITH … SELECT) query can run here: the lake is read-only")}
		}
		for i := 1; i <= ds.NumInput(); i++ {
			name, err := ds.ParamName(i)
			if err != nil {
				return err
			}
			names = append(names, name)
		}
		return nil
	})
	return names, err
}

// bindParams matches the parameters the query names with Params: each
// named one must be given, and each given one used. Positional ones ($1,
// $2, …; --param 1=VALUE) are passed in their order: database/sql names
// must begin with a letter.
func (r Request) bindParams(names []string) ([]any, error) {
	var args []any
	used := map[string]bool{}
	pos := map[int]any{}
	for _, name := range names {
		used[name] = true
		v, ok := r.Params[name]
		if !ok {
			return nil, &Error{Name: r.Name, Err: fmt.Errorf("the query uses parameter $%s but it was not given: pass --param %s=VALUE", name, name)}
		}
		if i, err := strconv.Atoi(name); err == nil && i > 0 {
			pos[i] = v
			continue
		}
		args = append(args, sql.Named(name, v))
	}
	top := 0
	for i := range pos {
		top = max(top, i)
	}
	for i := 1; i <= top; i++ {
		v, ok := pos[i]
		if !ok {
			return nil, &Error{Name: r.Name, Err: fmt.Errorf("the query uses positional parameters up to $%d but not $%d: number them from $1 without gaps", top, i)}
		}
		args = append(args, v)
	}
	var unused []string
	for k := range r.Params {
		if !used[k] {
			unused = append(unused, k)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return nil, &Error{Name: r.Name, Err: fmt.Errorf("--param %s given but the query never uses it (write $%s in the SQL, or drop the flag)", strings.Join(unused, ", "), unused[0])}
	}
	return args, nil
}
