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
func PresetNames() []string {
	entries, _ := fs.ReadDir(presets, "presets")
	var out []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".sql"); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Preset returns the text of the mapping named name.
func Preset(name string) (string, error) {
	b, err := presets.ReadFile(path.Join("presets", name+".sql"))
	if err != nil {
		return "", fmt.Errorf("no shipped mapping named %q (have: %s)", name, strings.Join(PresetNames(), ", "))
	}
	return string(b), nil
}
