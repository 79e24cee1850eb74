package sql

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestModels checks the embedded models' headers and the order derived
// from them.
func TestModels(t *testing.T) {
	ms, err := parseModels(modelFS)
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, m := range ms {
		pos[m.Name] = i
	}
	placeholder := regexp.MustCompile(`\{\{[a-z_]+\}\}`)
	for _, m := range ms {
		for _, r := range m.Reads {
			if p, ok := pos[r]; ok && p > pos[m.Name] {
				t.Errorf("%s runs before %s, which it reads", m.Name, r)
			}
		}
		// a relation is read only by models that declare it
		for _, other := range ms {
			if other.Name != m.Name && regexp.MustCompile(`\b(FROM|JOIN|query_table\(')\s*`+m.Name+`\b`).MatchString(other.SQL) &&
				!slices.Contains(other.Reads, m.Name) {
				t.Errorf("%s reads %s without declaring it", other.Name, m.Name)
			}
		}
		if ps := placeholder.FindAllString(m.SQL, -1); len(ps) > 0 && !slices.Contains([]string{"contact_base", "contact_facts", "gap_cells", "gap", "kpi_outcome_correlation"}, m.Name) {
			t.Errorf("%s: placeholders %v outside contact_base.sql, contact_facts.sql, gap_cells.sql, gap.sql and kpi_outcome_correlation.sql", m.Name, ps)
		}
	}
	var marts []string
	for _, m := range Marts() {
		marts = append(marts, m.Name)
	}
	// the analysts' interface (DESIGN.md); a new mart is added here too
	for _, want := range []string{"contact_facts", "journeys", "gap", "journey_flows", "outcome_links", "kpi_outcome_correlation", "coverage", "metric_targets"} {
		if !slices.Contains(marts, want) {
			t.Errorf("mart %s is missing (have %v)", want, marts)
		}
	}
	if !strings.Contains(Macros(), "MACRO person_of") {
		t.Error("_macros.sql lacks person_of")
	}
}

// TestModelHeaders: a broken header is refused with what to fix.
func TestModelHeaders(t *testing.T) {
	file := func(header, body string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(header + "-- about\n" + body)}
	}
	ok := func(name string) string { return "CREATE OR REPLACE TEMP TABLE " + name + " AS SELECT 1;\n" }
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"good", fstest.MapFS{
			"models/b.sql": file("-- model: b\n-- reads: a\n-- scope: aggregate\n-- mart: file\n", ok("b")),
			"models/a.sql": file("-- model: a\n-- reads: contacts\n-- scope: person\n", ok("a")),
		}, ""},
		{"name", fstest.MapFS{"models/a.sql": file("-- model: x\n-- scope: person\n", ok("a"))}, `model "x", want the file's name "a"`},
		{"unknown read", fstest.MapFS{"models/a.sql": file("-- model: a\n-- reads: nope\n-- scope: person\n", ok("a"))}, `reads "nope", which is no model and no source`},
		{"cycle", fstest.MapFS{
			"models/a.sql": file("-- model: a\n-- reads: b\n-- scope: person\n", ok("a")),
			"models/b.sql": file("-- model: b\n-- reads: a\n-- scope: person\n", ok("b")),
		}, "read each other in a cycle"},
		{"scope", fstest.MapFS{"models/a.sql": file("-- model: a\n-- scope: global\n", ok("a"))}, `scope "global"`},
		{"person mart without key", fstest.MapFS{"models/a.sql": file("-- model: a\n-- scope: person\n-- mart: file\n", ok("a"))}, "needs key"},
		{"mart", fstest.MapFS{"models/a.sql": file("-- model: a\n-- scope: aggregate\n-- mart: weekly x\n", ok("a"))}, `mart "weekly x"`},
		{"merge", fstest.MapFS{"models/a.sql": file("-- model: a\n-- scope: person\n-- mart: file\n-- merge: add n\n", ok("a"))}, `merge "add n"`},
		{"does not create it", fstest.MapFS{"models/a.sql": file("-- model: a\n-- scope: person\n", ok("b"))}, "does not create the relation a"},
		{"cells of a person mart", fstest.MapFS{"models/a.sql": file("-- model: a\n-- scope: person\n-- mart: file\n-- key: k\n-- cells: month\n", ok("a"))}, "cells is for aggregate marts"},
		{"cells of a monthly mart", fstest.MapFS{"models/a.sql": file("-- model: a\n-- scope: aggregate\n-- mart: monthly m\n-- cells: month\n", ok("a"))}, "cells is for aggregate marts"},
		{"cells without cells_from", fstest.MapFS{"models/a.sql": file("-- model: a\n-- scope: aggregate\n-- mart: file\n-- cells: month\n", ok("a"))}, "from getvariable('cells_from') on"},
		{"parts without its variables", fstest.MapFS{"models/a.sql": file("-- model: a\n-- scope: person\n-- parts: person\n", ok("a"))}, "parts: want"},
		{"parts of something else", fstest.MapFS{"models/a.sql": file("-- model: a\n-- scope: person\n-- parts: case\n", "-- getvariable('person_part')\n"+ok("a"))}, "parts: want"},
		{"twice", fstest.MapFS{"models/a.sql": file("-- model: a\n-- scope: person\n-- scope: person\n", ok("a"))}, "scope given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := parseModels(tt.files)
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want == "" && (len(ms) != 2 || ms[0].Name != "a" || ms[1].Name != "b" || ms[1].Mart == nil):
				t.Fatalf("models = %+v, want a then the mart b", ms)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
