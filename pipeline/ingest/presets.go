package ingest

import (
	"fmt"

	mcsql "github.com/mcnamara/mcnamara/sql"
)

// Preset returns the shipped mapping called name (sql/presets), parsed.
func Preset(name string) (Mapping, error) {
	text, err := mcsql.Preset(name)
	if err != nil {
		return Mapping{}, fmt.Errorf("preset %q: %w (list them with `mcnamara ingest --list-presets`)", name, err)
	}
	return ParseMapping("preset "+name, text)
}

// Presets returns every shipped mapping, by name.
func Presets() ([]Mapping, error) {
	var out []Mapping
	for _, n := range mcsql.PresetNames() {
		m, err := Preset(n)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// MatchSources pairs files with the mappings whose match globs accept their
// names, as `mcnamara ingest FILE…` does: a file goes through every mapping
// that matches it (one export can feed two tables: a complaint file yields
// contacts and dispute outcomes), one Source per mapping, in the order they
// first match. unmatched are the files no mapping accepts.
func MatchSources(files []string, mappings []Mapping) (sources []Source, unmatched []string) {
	index := map[string]int{} // mapping name → its source
	for _, f := range files {
		matched := false
		for _, m := range mappings {
			if !m.Matches(f) {
				continue
			}
			matched = true
			i, ok := index[m.Name]
			if !ok {
				i = len(sources)
				index[m.Name] = i
				sources = append(sources, Source{Mapping: m})
			}
			sources[i].Files = append(sources[i].Files, f)
		}
		if !matched {
			unmatched = append(unmatched, f)
		}
	}
	return sources, unmatched
}
