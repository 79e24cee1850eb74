// Package sql holds the SQL the tool runs, as plain files an analyst can
// read and copy: source mappings (presets/), the models that build the
// marts (models/) and example queries (examples/). They are embedded in the
// binary.
package sql

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed presets/*.sql
var presets embed.FS

// PresetNames lists the shipped mappings, sorted.
func PresetNames() []string { return sqlNames(presets, "presets") }

// Preset returns the text of the mapping named name.
func Preset(name string) (string, error) {
	b, err := presets.ReadFile(path.Join("presets", name+".sql"))
	if err != nil {
		return "", fmt.Errorf("no shipped mapping named %q (have: %s)", name, strings.Join(PresetNames(), ", "))
	}
	return string(b), nil
}

// sqlNames lists the .sql files of dir without their extension, sorted.
func sqlNames(fsys fs.FS, dir string) []string {
	entries, _ := fs.ReadDir(fsys, dir)
	var out []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".sql"); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

//go:embed examples/*.sql
var examples embed.FS

// ExampleNames lists the example queries, sorted.
func ExampleNames() []string { return sqlNames(examples, "examples") }

// Example returns the text of the example query named name.
func Example(name string) (string, error) {
	b, err := examples.ReadFile(path.Join("examples", name+".sql"))
	if err != nil {
		return "", fmt.Errorf("no example query named %q (have: %s)", name, strings.Join(ExampleNames(), ", "))
	}
	return string(b), nil
}

// ExampleParams returns the `-- param NAME: VALUE  description` lines of a
// query's header: the parameters it takes, with an example value.
func ExampleParams(text string) map[string]string {
	out := map[string]string{}
	for _, l := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(l), "-- param ")
		if !ok {
			continue
		}
		name, val, ok := strings.Cut(rest, ":")
		if !ok {
			continue
		}
		if f := strings.Fields(val); len(f) > 0 {
			out[strings.TrimSpace(name)] = f[0]
		}
	}
	return out
}
