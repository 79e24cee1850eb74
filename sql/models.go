package sql

import (
	"embed"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// modelFS holds the marts' SQL: ordered files an analyst can read, copy and
// run against the lake (see docs/definitions.md for what they compute and
// the few placeholders the build fills in from the metric catalog).
//
//go:embed models/*.sql
var modelFS embed.FS

// Model is one embedded model file.
type Model struct {
	Name string // file name, e.g. "02_contacts.sql"
	SQL  string
}

// Models returns the model files in the order they run (by file name).
func Models() []Model {
	entries, err := fs.ReadDir(modelFS, "models")
	if err != nil {
		panic(err) // embedded at compile time: cannot fail
	}
	var out []Model
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := modelFS.ReadFile(path.Join("models", e.Name()))
		if err != nil {
			panic(err)
		}
		out = append(out, Model{Name: e.Name(), SQL: string(b)})
	}
	slices.SortFunc(out, func(a, b Model) int { return strings.Compare(a.Name, b.Name) })
	return out
}

//go:embed incremental/*.sql
var incrementalFS embed.FS

// Incremental returns the named SQL file of the incremental build
// (sql/incremental/NAME), which recomputes only the persons new batches
// touch and merges them into the previous marts.
func Incremental(name string) string {
	b, err := incrementalFS.ReadFile(path.Join("incremental", name))
	if err != nil {
		panic(err) // names are constants of pipeline/build, checked by its tests
	}
	return string(b)
}
