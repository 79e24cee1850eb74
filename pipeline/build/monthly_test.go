package build_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcnamara/mcnamara/pipeline/build"
)

// TestMonthlyWriteEqualsWhole: contact_facts written a month at a time
// (write_month set: in_write_month, near_write_month) is the same mart,
// row for row, as written whole by one partitioned write; every month's
// file holds that month's rows only; and the record is the same (an
// Update after either is incremental).
func TestMonthlyWriteEqualsWhole(t *testing.T) {
	ctx := context.Background()
	for fixture, months := range map[string]int{"testdata/basic": 2, "testdata/events": 1} {
		t.Run(filepath.Base(fixture), func(t *testing.T) {
			db := openDB(t)
			attachFixture(t, db, fixture)
			got := map[int]map[string][][]string{}
			fingerprints := map[int]string{}
			for _, by := range []int{build.WriteWhole, build.WriteByMonth} {
				for _, mode := range []string{build.IntermediatesMemory, build.IntermediatesFile} {
					o := basicOptions(t)
					o.ByMonth, o.Intermediates, o.TempDir = by, mode, t.TempDir()
					lakeDir := t.TempDir()
					if _, err := build.Build(ctx, db, lakeDir, o); err != nil {
						t.Fatalf("by month %d, %s: %v", by, mode, err)
					}
					rs := martRows(t, db, lakeDir)
					fp := fingerprint(t, lakeDir)
					if prev, ok := got[by]; ok {
						if diff := cmp.Diff(prev, rs); diff != "" {
							t.Errorf("by month %d: %s differs from memory:\n%s", by, mode, diff)
						}
					}
					got[by], fingerprints[by] = rs, fp
					files, err := filepath.Glob(filepath.Join(lakeDir, "marts", "contact_facts", "[0-9]*.parquet"))
					if err != nil || len(files) < months {
						t.Fatalf("contact_facts files %v (%v): the fixture spans %d months", files, err, months)
					}
					for _, f := range files {
						month, _, _ := strings.Cut(strings.TrimSuffix(filepath.Base(f), ".parquet"), "_")
						stray := rows(t, db, fmt.Sprintf("SELECT count(*) FROM read_parquet('%s') WHERE strftime(business_date, '%%Y-%%m') <> '%s'", f, month))
						if stray[1][0] != "0" {
							t.Errorf("by month %d: %s holds %s rows of other months", by, f, stray[1][0])
						}
					}
				}
			}
			if fingerprints[build.WriteByMonth] != fingerprints[build.WriteWhole] {
				t.Errorf("fingerprints %v: how contact_facts is written must not be in the record", fingerprints)
			}
			for _, m := range build.Marts {
				if diff := cmp.Diff(got[build.WriteWhole][m.Name], got[build.WriteByMonth][m.Name]); diff != "" {
					t.Errorf("mart %s differs (-whole +by month):\n%s", m.Name, diff)
				}
			}
			if len(got[build.WriteWhole]["contact_facts"]) == 0 {
				t.Errorf("%s: an empty contact_facts proves nothing", fixture)
			}
		})
	}
}

// TestMonthWiseMarts: contact_facts is the mart written month by month.
func TestMonthWiseMarts(t *testing.T) {
	var got []string
	for _, m := range build.Marts {
		if m.MonthWise {
			got = append(got, m.Name)
		}
	}
	if diff := cmp.Diff([]string{"contact_facts"}, got); diff != "" {
		t.Errorf("month-wise marts (-want +got):\n%s", diff)
	}
}

func TestWriteMonthly(t *testing.T) {
	for _, c := range []struct {
		mode, limit string
		contacts    int64
		by          int
		want        bool
	}{
		{"", "8GiB", 100_000_000, build.WriteAuto, true}, // the intermediates on disk
		{"", "819MiB", 10_000_000, build.WriteAuto, true},
		{"", "8GiB", 1_000_000, build.WriteAuto, false}, // fits: written whole
		{build.IntermediatesFile, "8GiB", 1_000_000, build.WriteAuto, true},
		{"", "", 100_000_000, build.WriteAuto, false},
		{"", "8GiB", 100_000_000, build.WriteWhole, false},
		{"", "", 10, build.WriteByMonth, true},
	} {
		o := build.DefaultOptions()
		o.Intermediates, o.MemoryLimit, o.Contacts, o.ByMonth = c.mode, c.limit, c.contacts, c.by
		if got := o.WriteMonthly(); got != c.want {
			t.Errorf("%q, memory_limit %q, %d contacts, by %d: by month %v, want %v", c.mode, c.limit, c.contacts, c.by, got, c.want)
		}
	}
}

// TestWriteScriptByMonth: the script DuckDB alone runs writes contact_facts
// month by month as the build does, given the months, and resets the
// month after.
func TestWriteScriptByMonth(t *testing.T) {
	o := build.DefaultOptions()
	o.ByMonth, o.ScriptMonths = build.WriteByMonth, []string{"2025-01", "2025-02"}
	steps, err := build.WriteScript(o, filepath.Join(os.TempDir(), "w"))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, s := range steps {
		all.WriteString(s.SQL)
	}
	sql := all.String()
	for _, want := range []string{"SET VARIABLE write_month = DATE '2025-02-01';", "contact_facts.month.2025-01.parquet", "RESET VARIABLE write_month;", "journeys.parts"} {
		if !strings.Contains(sql, want) {
			t.Errorf("the script lacks %q", want)
		}
	}
}
