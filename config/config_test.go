package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
		{"unknown alert", "[lake]\ndir = 'l'\n\n[alerts.gap_rate]\nmax = 0.3\n",
			"mcnamara.toml:4:1: [alerts.gap_rate]: no such alert (alerts: gap_ratio, measured_fcr_ratio, rejected_ratio); did you mean [alerts.gap_ratio]?"},
		{"unknown alert, inline", "[alerts]\n  fcr = { min = 0.6 }\n", "mcnamara.toml:2:3: [alerts.fcr]: no such alert"},
		{"unknown key in an alert", "[alerts.measured_fcr_ratio]\nmin = 0.6\nwindow_day = 7\n",
			"mcnamara.toml:3:1: unknown key window_day in [alerts.measured_fcr_ratio]; did you mean window_days?"},
		{"alert without its bound", "[alerts.gap_ratio]\ndimensions = ['team']\n", "mcnamara.toml:1:1: [alerts.gap_ratio]: give max, the ratio past which it fires"},
		{"alert with the other bound", "[alerts.measured_fcr_ratio]\n\n  max = 0.6\n",
			"mcnamara.toml:3:3: [alerts.measured_fcr_ratio] max: measured_fcr_ratio fires when it is below its bound: give min"},
		{"alert bound not a ratio", "[alerts.rejected_ratio]\nmax = 5\n", "mcnamara.toml:2:1: [alerts.rejected_ratio] max: 5: want a ratio from 0 to 1"},
		{"alert bound negative", "[alerts.gap_ratio]\nmax = -0.1\n", "mcnamara.toml:2:1: [alerts.gap_ratio] max: -0.1: want a ratio from 0 to 1"},
		{"alert bound nan", "[alerts.gap_ratio]\nmax = nan\n", "mcnamara.toml:2:1: [alerts.gap_ratio] max: NaN: want a ratio from 0 to 1"},
		{"alert bound a string", "[alerts.gap_ratio]\nmax = '0.3'\n", "mcnamara.toml: toml: line 2"},
		{"alert dimension", "[alerts.gap_ratio]\nmax = 0.3\ndimensions = ['department', 'queue']\n",
			`mcnamara.toml:3:1: [alerts.gap_ratio] dimensions: "queue": want department, team, agent, channel, topic, all`},
		{"alert dimension twice", "[alerts.gap_ratio]\nmax = 0.3\ndimensions = ['team', 'team']\n", `mcnamara.toml:3:1: [alerts.gap_ratio] dimensions: "team" named twice`},
		{"alert dimensions empty", "[alerts.gap_ratio]\nmax = 0.3\ndimensions = []\n", "mcnamara.toml:3:1: [alerts.gap_ratio] dimensions: empty"},
		{"alert dimension of another kind", "[alerts.rejected_ratio]\nmax = 0\ndimensions = ['department']\n", `mcnamara.toml:3:1: [alerts.rejected_ratio] dimensions: "department": want batch, source`},
		{"alert window", "[alerts.measured_fcr_ratio]\nmin = 0.6\nwindow_days = 14\n",
			"mcnamara.toml:3:1: [alerts.measured_fcr_ratio] window_days: 14: want one of 1, 3, 7, 30"},
		{"alert window where none", "[alerts.gap_ratio]\nmax = 0.3\nwindow_days = 7\n", "mcnamara.toml:3:1: [alerts.gap_ratio] window_days: gap_ratio has no window"},
		{"alert min_count", "[alerts.gap_ratio]\nmax = 0.3\nmin_count = -1\n", "mcnamara.toml:3:1: [alerts.gap_ratio] min_count: -1: want zero or more claimed_success_contacts"},
		{"alerts flat", "[alerts]\ngap_ratio_max = 0.3\n", "mcnamara.toml: toml: line 2"},
		{"intermediates", "[lake]\ndir = 'l'\n  intermediates = 'disk'\n", `mcnamara.toml:3:3: [lake] intermediates "disk": want one of auto, memory, file`},
		{"intermediates not a string", "[lake]\nintermediates = true\n", "mcnamara.toml: toml: line 2"},
		{"intermediates misspelt", "[lake]\nintermediate = 'file'\n", "mcnamara.toml:2:1: unknown key intermediate in [lake]; did you mean intermediates?"},
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

// TestIntermediates: [lake] intermediates takes auto, memory or file, and
// is empty (auto) when absent.
func TestIntermediates(t *testing.T) {
	f, err := Load(write(t, "[lake]\ndir = 'l'\n"), true)
	if err != nil || f.Lake.Intermediates != "" {
		t.Fatalf("absent: %q, %v", f.Lake.Intermediates, err)
	}
	for _, m := range IntermediateModes {
		f, err := Load(write(t, "[lake]\nintermediates = '"+m+"'\n"), true)
		if err != nil || f.Lake.Intermediates != m {
			t.Errorf("intermediates = %q: got %q, %v", m, f.Lake.Intermediates, err)
		}
	}
}

// TestAlertRules: the [alerts] tables become rules in the kinds' order,
// with the kinds' defaults where a key is left out.
func TestAlertRules(t *testing.T) {
	f, err := Load(write(t, `
[alerts.rejected_ratio]
max = 0

[alerts]
gap_ratio = { max = 0.25, dimensions = ["team", "all"], min_count = 30 }

[alerts.measured_fcr_ratio]
min = 0.6
`), true)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := f.AlertRules()
	if err != nil {
		t.Fatal(err)
	}
	type rule struct {
		Name       string
		Threshold  float64
		Dimensions []string
		WindowDays int
		MinCount   int64
	}
	var got []rule
	for _, r := range rules {
		got = append(got, rule{r.Name, r.Threshold, r.Dimensions, r.WindowDays, r.MinCount})
	}
	want := []rule{
		{"gap_ratio", 0.25, []string{"team", "all"}, 0, 30},
		{"measured_fcr_ratio", 0.6, []string{"department", "all"}, 7, 0},
		{"rejected_ratio", 0, []string{"batch"}, 0, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if rules, err := Defaults().AlertRules(); err != nil || len(rules) != 0 {
		t.Errorf("no [alerts]: rules %v, %v; want none", rules, err)
	}
}

// TestStarterAlerts: the starter's [alerts] example, commented out so that
// a first run exits 0, loads once uncommented, with the rules it says.
func TestStarterAlerts(t *testing.T) {
	var b strings.Builder
	in := false
	for _, line := range strings.SplitAfter(Starter(), "\n") {
		if strings.HasPrefix(line, "# [alerts") {
			in = true
		} else if strings.TrimSpace(line) == "" {
			in = false
		}
		if in {
			if l, ok := strings.CutPrefix(line, "# "); ok && !strings.HasPrefix(l, "#") {
				line = l
			}
		}
		b.WriteString(line)
	}
	f, err := Load(write(t, b.String()), true)
	if err != nil {
		t.Fatalf("the starter with its [alerts] uncommented does not load: %v\n%s", err, b.String())
	}
	rules, err := f.AlertRules()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rules {
		names = append(names, r.Name)
	}
	if want := []string{"gap_ratio", "measured_fcr_ratio", "rejected_ratio"}; !slices.Equal(names, want) {
		t.Errorf("the starter's alerts are %v, want every kind: %v", names, want)
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
	f.Add("[alerts.gap_ratio]\nmax = 0.3\ndimensions = ['team']\n[alerts]\nfcr = { min = 1 }\n")
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
