package sql

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// modelFS holds the marts' SQL: one file per relation, named after it, each
// opening with a header that declares what it reads and how it is written
// (see Model). The build derives the run order and the list of marts from
// the headers; nothing else lists them. docs/architecture.md shows how a
// mart is added.
//
//go:embed models/*.sql
var modelFS embed.FS

// Sources are the relations the models read that no model makes: the lake's
// input views and the metric catalog's two tables (the build's prelude).
var Sources = []string{"contacts", "outcomes", "surveys", "identities", "kpi_catalog", "kpi_targets", "cost_rates"}

// Scope says how a model takes part in an incremental build.
type Scope string

const (
	// ScopePerson: its rows belong to persons; an incremental build runs
	// it unchanged over the persons new data touches and merges the rows.
	ScopePerson Scope = "person"
	// ScopeAggregate: it summarises everyone; an incremental build runs it
	// over the merged marts, as a full build does.
	ScopeAggregate Scope = "aggregate"
	// ScopeLake: a fact of the whole lake that person-scoped models read;
	// an incremental build runs it over the touched persons and merges it
	// with the previous build's before the models that read it run: a mart
	// of counts by its "merge: sum … by …", another by a merge
	// pipeline/build knows by name.
	ScopeLake Scope = "lake"
)

// Model is one model file and its header:
//
//	-- model: journeys
//	-- reads: contact_seq, journey_events, resolution_systems
//	-- scope: person
//	-- mart: monthly strftime(make_timestamp(epoch_us(first_contact_at)), '%Y-%m')
//	-- key: journey_id
//
// mart is "file" (lake/marts/<name>.parquet, rows as produced), "order by
// <columns>" (a file, rows in that order) or "monthly <expression>" (a
// directory of one file per month, the expression giving a row's YYYY-MM),
// and absent for relations that are not marts. key names the columns that
// identify the rows an incremental build replaces (person-scoped marts);
// "merge: sum <columns> by <columns>" instead merges a person-scoped mart
// of counts by adding the recomputed rows and subtracting the replaced ones.
// "cells: month" marks an aggregate mart of monthly cells (Model.Cells).
type Model struct {
	Name  string // the relation it makes, and its file's name without .sql
	SQL   string
	Reads []string
	Scope Scope
	// Mart is nil for relations that are not written to lake/marts.
	Mart *Mart
	Key  []string
	// SumColumns and SumBy are the "merge: sum … by …" of a mart of counts.
	SumColumns, SumBy []string
	// Cells is the "cells: <column>" of an aggregate mart whose rows are
	// cells of one business month each (the column: its first day), made
	// from the contact_facts rows of that month alone and from the end of
	// data only through contact_settled; its model reads only the months
	// from getvariable('cells_from') on, and an incremental build keeps
	// the previous build's cells of the months before.
	Cells string
	// Parts is the "parts: person" of a model a full build of a lake too
	// big for memory runs in parts of the persons (pipeline/build
	// PersonParts): its one statement reads only the persons with
	// hash(person_id) % getvariable('person_parts') =
	// getvariable('person_part').
	Parts string
}

// Mart says how a model's relation is written.
type Mart struct {
	// Month is the SQL of the YYYY-MM a row is filed under ("" for a
	// single-file mart).
	Month string
	// OrderBy is the order rows are written in ("": as produced, to spare
	// a sort of the big ones).
	OrderBy string
}

// macrosFile is run after the prelude and before every model.
const macrosFile = "models/_macros.sql"

// Macros returns the SQL of the shared macros (person_of, journey_node,
// contact_settled, flow_edges).
func Macros() string {
	b, err := modelFS.ReadFile(macrosFile)
	if err != nil {
		panic(err) // embedded at compile time
	}
	return string(b)
}

// Models returns the models in run order: every model after the models it
// reads, ties by name. The embedded headers are checked by the package's
// tests; a broken one panics here.
func Models() []Model {
	ms, err := parseModels(modelFS)
	if err != nil {
		panic(err)
	}
	return ms
}

// Marts returns the models written to lake/marts, in run order.
func Marts() []Model {
	var out []Model
	for _, m := range Models() {
		if m.Mart != nil {
			out = append(out, m)
		}
	}
	return out
}

func parseModels(fsys fs.FS) ([]Model, error) {
	entries, err := fs.ReadDir(fsys, "models")
	if err != nil {
		return nil, err
	}
	byName := map[string]Model{}
	var names []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") || strings.HasPrefix(e.Name(), "_") {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join("models", e.Name()))
		if err != nil {
			return nil, err
		}
		m, err := parseHeader(strings.TrimSuffix(e.Name(), ".sql"), string(b))
		if err != nil {
			return nil, fmt.Errorf("sql/models/%s: %w", e.Name(), err)
		}
		byName[m.Name] = m
		names = append(names, m.Name)
	}
	for _, n := range names {
		for _, r := range byName[n].Reads {
			if _, ok := byName[r]; !ok && !slices.Contains(Sources, r) {
				return nil, fmt.Errorf("sql/models/%s.sql: reads %q, which is no model and no source (%s)", n, r, strings.Join(Sources, ", "))
			}
		}
	}
	// Kahn's algorithm, the ready model first by name: a stable order.
	done := map[string]bool{}
	for _, s := range Sources {
		done[s] = true
	}
	var out []Model
	for len(out) < len(names) {
		var ready []string
		for _, n := range names {
			if done[n] {
				continue
			}
			ok := true
			for _, r := range byName[n].Reads {
				ok = ok && done[r]
			}
			if ok {
				ready = append(ready, n)
			}
		}
		if len(ready) == 0 {
			var left []string
			for _, n := range names {
				if !done[n] {
					left = append(left, n)
				}
			}
			return nil, fmt.Errorf("sql/models: the models %s read each other in a cycle", strings.Join(left, ", "))
		}
		slices.Sort(ready)
		done[ready[0]] = true
		out = append(out, byName[ready[0]])
	}
	return out, nil
}

// parseHeader reads the "-- key: value" lines the file opens with.
func parseHeader(name, text string) (Model, error) {
	m := Model{SQL: text}
	seen := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(line, "-- ")
		if !ok {
			break
		}
		key, val, ok := strings.Cut(rest, ":")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if !ok || !slices.Contains([]string{"model", "reads", "scope", "mart", "key", "merge", "cells", "parts"}, key) {
			break // the header ends where the description starts
		}
		if seen[key] {
			return m, fmt.Errorf("header: %s given twice", key)
		}
		seen[key] = true
		switch key {
		case "model":
			m.Name = val
		case "reads":
			m.Reads = list(val)
		case "scope":
			m.Scope = Scope(val)
		case "mart":
			mart, err := parseMart(val)
			if err != nil {
				return m, err
			}
			m.Mart = &mart
		case "key":
			m.Key = list(val)
		case "merge":
			cols, by, ok := strings.Cut(strings.TrimPrefix(val, "sum "), " by ")
			if !strings.HasPrefix(val, "sum ") || !ok {
				return m, fmt.Errorf("header: merge %q: want \"sum <columns> by <columns>\"", val)
			}
			m.SumColumns, m.SumBy = list(cols), list(by)
		case "cells":
			m.Cells = val
		case "parts":
			m.Parts = val
		}
	}
	switch {
	case m.Name != name:
		return m, fmt.Errorf("header: model %q, want the file's name %q (a file per relation, named after it)", m.Name, name)
	case !slices.Contains([]Scope{ScopePerson, ScopeAggregate, ScopeLake}, m.Scope):
		return m, fmt.Errorf("header: scope %q: want person, aggregate or lake", m.Scope)
	case m.Scope == ScopePerson && m.Mart != nil && len(m.Key) == 0 && len(m.SumColumns) == 0:
		return m, fmt.Errorf("header: a person-scoped mart needs key (the rows it replaces) or merge: sum … by …")
	case m.Scope != ScopePerson && len(m.Key) > 0:
		return m, fmt.Errorf("header: key is for person-scoped marts")
	case m.Scope == ScopeAggregate && len(m.SumColumns) > 0:
		return m, fmt.Errorf("header: merge is for person- and lake-scoped marts")
	case m.Cells != "" && (m.Scope != ScopeAggregate || m.Mart == nil || m.Mart.Month != ""):
		return m, fmt.Errorf("header: cells is for aggregate marts written as one file")
	case m.Cells != "" && !strings.Contains(text, "getvariable('cells_from')"):
		return m, fmt.Errorf("header: cells: %s reads contact_facts from getvariable('cells_from') on", name)
	case m.Parts != "" && (m.Parts != "person" || !strings.Contains(text, "getvariable('person_part')")):
		return m, fmt.Errorf("header: parts: want \"parts: person\" and a model that reads getvariable('person_parts') and getvariable('person_part')")
	case !strings.Contains(text, "TEMP TABLE "+name+" AS") && !strings.Contains(text, "TEMP VIEW "+name+" AS"):
		return m, fmt.Errorf("does not create the relation %s (CREATE OR REPLACE TEMP TABLE|VIEW %s AS)", name, name)
	}
	return m, nil
}

func parseMart(val string) (Mart, error) {
	switch {
	case val == "file":
		return Mart{}, nil
	case strings.HasPrefix(val, "order by "):
		return Mart{OrderBy: strings.TrimPrefix(val, "order by ")}, nil
	case strings.HasPrefix(val, "monthly "):
		return Mart{Month: strings.TrimPrefix(val, "monthly ")}, nil
	}
	return Mart{}, fmt.Errorf("header: mart %q: want file, order by <columns> or monthly <expression>", val)
}

func list(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

//go:embed incremental/*.sql
var incrementalFS embed.FS

// Incremental returns the named SQL file of the incremental build
// (sql/incremental/NAME), which finds the persons new batches touch and
// restricts the person-scoped models' inputs to them.
func Incremental(name string) string {
	b, err := incrementalFS.ReadFile(path.Join("incremental", name))
	if err != nil {
		panic(err) // names are constants of pipeline/build, checked by its tests
	}
	return string(b)
}
