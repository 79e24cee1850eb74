package sql

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestReportQueries checks that the embedded report queries parse into
// named, non-empty blocks, and that a malformed file is refused naming
// the file and line.
func TestReportQueries(t *testing.T) {
	if len(ReportQueries) == 0 {
		t.Fatal("no report queries embedded")
	}
	for section, qs := range ReportQueries {
		if len(qs) == 0 {
			t.Errorf("sql/report/%s.sql has no named query", section)
		}
		for name, q := range qs {
			if strings.HasSuffix(q, ";") || strings.TrimSpace(q) == "" {
				t.Errorf("%s.%s: %q", section, name, q)
			}
		}
	}
	cases := []struct {
		name, file string
		want       map[string]string
		err        string
	}{
		{"two blocks", "-- about\n\n-- name: a\nSELECT 1;\n-- name: b_2\n-- a comment\nSELECT 2\n", map[string]string{"a": "SELECT 1", "b_2": "-- a comment\nSELECT 2"}, ""},
		{"sql before a name", "SELECT 1;\n-- name: a\nSELECT 2;\n", nil, "sql/report/x.sql:1:1: SQL before the first"},
		{"duplicate", "-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;\n", nil, "sql/report/x.sql:3: query \"a\" is named twice"},
		{"empty", "-- name: a\n\n-- name: b\nSELECT 1\n", nil, "sql/report/x.sql:1: query \"a\" is empty"},
		{"bad name", "-- name: Bad-Name\nSELECT 1\n", nil, "sql/report/x.sql:1:1: bad query name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseReport(fstest.MapFS{"report/x.sql": {Data: []byte(c.file)}})
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got["x"]) != len(c.want) {
				t.Fatalf("got %q, want %q", got["x"], c.want)
			}
			for k, v := range c.want {
				if got["x"][k] != v {
					t.Errorf("%s = %q, want %q", k, got["x"][k], v)
				}
			}
		})
	}
}
