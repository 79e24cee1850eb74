package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/metrics"
)

func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("mcnamara %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// TestMetricsFitsTerminal: the catalog table never runs past the width it
// is given (a 100-column terminal by default), names every metric, shows
// the SQL only when wide; json and csv carry every field.
func TestMetricsFitsTerminal(t *testing.T) {
	t.Setenv("COLUMNS", "")
	cat, err := config.Defaults().Catalog()
	if err != nil {
		t.Fatal(err)
	}
	entries := cat.Entries()
	for _, width := range []string{"", "80", "100", "149", "150", "220"} {
		args := []string{"metrics"}
		if width != "" {
			args = append(args, "--width", width)
		}
		out := runCLI(t, args...)
		limit := 100
		if width != "" {
			limit, _ = strconv.Atoi(width)
		}
		for i, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
			if n := utf8.RuneCountInString(l); n > limit {
				t.Errorf("width %d: line %d is %d columns: %q", limit, i+1, n, l)
			}
		}
		// names wrap after an underscore in narrow tables: put the first
		// column's pieces back together
		var names []string
		for _, l := range strings.Split(out, "\n") {
			cells := strings.Split(l, "│")
			if len(cells) < 3 {
				continue
			}
			part := strings.TrimSpace(cells[1])
			switch {
			case part == "":
			case len(names) > 0 && strings.HasSuffix(names[len(names)-1], "_"):
				names[len(names)-1] += part
			default:
				names = append(names, part)
			}
		}
		for _, e := range entries {
			if !slices.Contains(names, e.Name) {
				t.Errorf("width %d: metric %s missing (have %v)", limit, e.Name, names)
			}
		}
		if wide := strings.Contains(out, "AGGREGATES"); wide != (limit >= wideCatalog) {
			t.Errorf("width %d: SQL column shown = %v", limit, wide)
		}
		if strings.ContainsRune(out, '\x1b') {
			t.Errorf("width %d: escape sequences in the output", limit)
		}
	}
	var got []metrics.Entry
	if err := json.Unmarshal([]byte(runCLI(t, "metrics", "--format", "json")), &got); err != nil || len(got) != len(entries) {
		t.Fatalf("json: %d entries (%v), want %d", len(got), err, len(entries))
	}
	recs, err := csv.NewReader(strings.NewReader(runCLI(t, "metrics", "--format", "csv"))).ReadAll()
	if err != nil || len(recs) != len(entries)+1 || recs[0][0] != "metric" {
		t.Fatalf("csv: %d records (%v), want a header and %d", len(recs), err, len(entries))
	}
	for i, e := range entries {
		if r := recs[i+1]; r[0] != e.Name || r[7] != e.Aggregate || r[9] != e.Description {
			t.Errorf("csv row %d = %v, want %s", i+1, r, e.Name)
		}
	}
}
