package ingest_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/pipeline/ingest"
)

// TestMatchSources: files go to every preset whose globs take their names
// (a CFPB extract feeds two tables), one source per preset in the order
// first matched; a file no preset takes is returned as unmatched.
func TestMatchSources(t *testing.T) {
	presets, err := ingest.Presets()
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"in/acd_calls_2026-01-05.csv", "in/cfpb_a.csv", "in/notes.txt", "in/acd_calls.csv", "in/cfpb_b.csv"}
	sources, unmatched := ingest.MatchSources(files, presets)
	got := map[string][]string{}
	var order []string
	for _, s := range sources {
		got[s.Mapping.Name] = s.Files
		order = append(order, s.Mapping.Name)
	}
	want := map[string][]string{
		"preset synth_acd":       {"in/acd_calls_2026-01-05.csv", "in/acd_calls.csv"},
		"preset cfpb_complaints": {"in/cfpb_a.csv", "in/cfpb_b.csv"},
		"preset cfpb_disputes":   {"in/cfpb_a.csv", "in/cfpb_b.csv"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"preset synth_acd", "preset cfpb_complaints", "preset cfpb_disputes"}, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"in/notes.txt"}, unmatched); diff != "" {
		t.Errorf("unmatched (-want +got):\n%s", diff)
	}
}
