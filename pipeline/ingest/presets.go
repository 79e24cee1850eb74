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
