package sql

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// reportFS holds the report's queries: one file per report section
// (report/<section>.sql), each a run of named blocks, sqlc style:
//
//	-- name: weeks
//	-- The weekly KPI vs customer series.
//	SELECT ...;
//
// A block runs from its "-- name:" line to the next one; its name is what
// the section's Go code asks for, and its columns, in order, are the
// fields of the typed row it is read into (reports scans by position and
// checks the names). docs/architecture.md shows how a section is added.
//
//go:embed report/*.sql
var reportFS embed.FS

var blockName = regexp.MustCompile(`^-- name: ([a-z][a-z0-9_]*)\s*$`)

// ReportQueries are the named queries of the report's sections: section →
// name → SQL.
var ReportQueries = mustParseReport()

func mustParseReport() map[string]map[string]string {
	q, err := parseReport(reportFS)
	if err != nil {
		panic(err) // embedded at compile time; TestReportQueries checks them
	}
	return q
}

func parseReport(fsys fs.FS) (map[string]map[string]string, error) {
	files, err := fs.Glob(fsys, "report/*.sql")
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		section := strings.TrimSuffix(path.Base(f), ".sql")
		blocks := map[string]string{}
		name, line := "", 0
		var body []string
		flush := func() error {
			if name == "" {
				for i, l := range body { // a file's opening comment
					if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "--") {
						return fmt.Errorf("sql/%s:%d:1: SQL before the first `-- name:` line: start every query with `-- name: <query>`", f, i+1)
					}
				}
				return nil
			}
			q := strings.TrimSpace(strings.Join(body, "\n"))
			q = strings.TrimSpace(strings.TrimSuffix(q, ";"))
			if q == "" {
				return fmt.Errorf("sql/%s:%d: query %q is empty", f, line, name)
			}
			if _, dup := blocks[name]; dup {
				return fmt.Errorf("sql/%s:%d: query %q is named twice: give each query of a file its own name", f, line, name)
			}
			blocks[name] = q
			return nil
		}
		for i, l := range strings.Split(string(b), "\n") {
			if m := blockName.FindStringSubmatch(l); m != nil {
				if err := flush(); err != nil {
					return nil, err
				}
				name, line, body = m[1], i+1, nil
				continue
			}
			if strings.HasPrefix(l, "-- name:") {
				return nil, fmt.Errorf("sql/%s:%d:1: bad query name %q: use lower-case letters, digits and _", f, i+1, strings.TrimPrefix(l, "-- name:"))
			}
			body = append(body, l)
		}
		if err := flush(); err != nil {
			return nil, err
		}
		out[section] = blocks
	}
	return out, nil
}
