package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "mcnamara.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStarterLoads(t *testing.T) {
	f, err := Load(write(t, Starter()), true)
	if err != nil {
		t.Fatalf("the starter config does not load: %v", err)
	}
	if f.Lake.BusinessTimezone != "America/New_York" || len(f.Sources) != 1 {
		t.Errorf("unexpected starter: %+v", f)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"unknown key", "[lake]\ndirr = 'x'\n", "mcnamara.toml:2:1: unknown key dirr in [lake]; did you mean dir?"},
		{"unknown top-level key", "title = 'x'\n[lake]\ndir = 'l'\n", "mcnamara.toml:1:1: unknown key title in top level\n"},
		{"unknown key, no near one", "[run]\n  colour = 'red'\n", "mcnamara.toml:2:3: unknown key colour in [run]\n"},
		{"unknown key in a source", "[[sources]]\nname='a'\npreset='x'\nfiles=['a']\n[[sources]]\nname='b'\ntable='contacts'\ncolums=3\nfiles=['b']\n",
			"mcnamara.toml:8:1: unknown key colums in [sources]; did you mean columns?"},
		{"unknown key in a target", "[metrics.targets.csat_score]\ndefualt = 4\n",
			"mcnamara.toml:2:1: unknown key defualt in [metrics.targets.csat_score]; did you mean default?"},
		{"syntax", "[lake\n", "mcnamara.toml:2:6: expected"},
		{"no name", "[[sources]]\npreset = 'x'\nfiles = ['a']\n", "mcnamara.toml:1:1: [[sources]] #1: name is required"},
		{"two kinds", "[lake]\ndir = 'l'\n\n[[sources]]\nname='a'\npreset = 'x'\nmapping='m.sql'\nfiles = ['a']\n", `mcnamara.toml:4:1: source "a": give exactly one of preset, mapping or columns`},
		{"no files", "[[sources]]\nname='a'\npreset = 'x'\n", `mcnamara.toml:1:1: source "a": files (a list of globs) is required`},
		{"dup name", "[[sources]]\nname='a'\npreset='x'\nfiles=['a']\n[[sources]] # again\n  name = 'a'\npreset='x'\nfiles=['a']\n", `mcnamara.toml:6:3: source "a": name used twice`},
		{"time zone", "[run]\nkeep_reports = 3\n[lake]\ndir = 'l'\n  business_timezone = 'Mars/Olympus'\n", `mcnamara.toml:5:3: [lake] business_timezone "Mars/Olympus"`},
		{"metrics", "[lake]\ndir = 'l'\n[metrics.targets.no_such_metric]\ndefault = 3\n", "mcnamara.toml:3:1: [metrics]"},
		{"paper", "[report]\npdf = true\n  paper = 'A5'\n", `mcnamara.toml:3:3: [report] paper "A5": want a4 or letter`},
		{"drill_top", "[report]\ntitle = 'x'\n  drill_top = -2\n", `mcnamara.toml:3:3: [report] drill_top = -2: want 0 (the default) to 1000 journeys a list`},
		{"unknown key in [build]", "[build]\nrepeat_window = 3\n", "mcnamara.toml:2:1: unknown key repeat_window in [build]; did you mean repeat_window_days?"},
		{"build", "[lake]\ndir = 'l'\n[build]\nrepeat_window_days = 0\n", "mcnamara.toml:3:1: build.repeat_window_days = 0: want a positive number of days"},
		{"costs", "[costs]\ncurrency = 'dollars'\n", `mcnamara.toml:1:1: [costs]: costs.currency = "dollars"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(write(t, tt.text), true)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.toml"), false); err != nil {
		t.Errorf("a missing optional config is not an error: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.toml"), true); err == nil {
		t.Error("a missing required config must be an error")
	}
}

func TestRenamesCompileToMapping(t *testing.T) {
	p := write(t, `
[[sources]]
name = "email"
table = "contacts"
timezone = "Europe/London"
files = ["x.csv"]
[sources.columns]
contact_id = "TicketID"
started_at = "Created"
[sources.formats]
started_at = "%d/%m/%Y %H:%M"
[sources.constants]
channel = "email"
`)
	f, err := Load(p, true)
	if err != nil {
		t.Fatal(err)
	}
	name, text, err := f.MappingSQL(f.Sources[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := p + " [source email]"; name != want {
		t.Errorf("mapping name = %q, want %q", name, want)
	}
	// The header lines ingest.ParseMapping reads, then the SELECT.
	for _, want := range []string{"-- table: contacts\n", "-- source_system: email\n", "-- timezone: Europe/London\n",
		"-- format started_at: %d/%m/%Y %H:%M\n", `"TicketID" AS "contact_id"`, `'email' AS "channel"`, "read_csv({{file}}"} {
		if !strings.Contains(text, want) {
			t.Errorf("compiled SQL lacks %q:\n%s", want, text)
		}
	}
	if _, _, err := f.MappingSQL(Source{Name: "p", Preset: "synth_acd"}); err == nil {
		t.Error("a preset source has no mapping text of its own; want an error")
	}
}

// FuzzLoad: any file text either loads or fails with an error naming the
// file; it never panics (the locators scan the text by hand).
func FuzzLoad(f *testing.F) {
	f.Add(Starter())
	f.Add("[lake]\ndirr = 'x'\n")
	f.Add("[[sources]]\nname='a'\ncolums=3\n[sources.columns]\nx='y'\n")
	f.Add("[metrics.targets.csat_score]\ndefualt = 4\n'quoted key' = 1\n")
	f.Add("a.b.c = 1\n[x.\"y\".z]\nq = [1, 2]\n")
	f.Fuzz(func(t *testing.T, text string) {
		p := filepath.Join(t.TempDir(), "mcnamara.toml")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(p, true); err != nil && !strings.Contains(err.Error(), p) && !strings.HasPrefix(err.Error(), "config") {
			t.Errorf("error does not name the file: %v", err)
		}
	})
}
