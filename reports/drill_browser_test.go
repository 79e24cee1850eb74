package reports

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// checkPanel compares an open drill-down panel, as the page shows it, with
// its list in the model.
func checkPanel(t *testing.T, where string, m *Model, want string, p *panelState) {
	t.Helper()
	if p == nil {
		t.Errorf("%s: no panel opened (want %s)", where, want)
		return
	}
	l := m.Drill.Lists[want]
	if p.Key != want || l == nil {
		t.Errorf("%s: panel %q opened, want %q", where, p.Key, want)
		return
	}
	var rows []string
	for _, r := range l.Rows {
		rows = append(rows, m.Drill.Journeys[r.J].Customer)
	}
	if p.Title != l.Title || strings.Join(p.Rows, "|") != strings.Join(rows, "|") {
		t.Errorf("%s: panel %q lists %q, want %q lists %q", where, p.Title, p.Rows, l.Title, rows)
	}
	if n := map[int64]string{0: "No journey", 1: "The one journey"}[l.Total]; (n == "" && !strings.Contains(p.Count, count(l.Total))) || !strings.Contains(p.Count, n) {
		t.Errorf("%s: the panel says %q, the list has %d journeys", where, p.Count, l.Total)
	}
}

// checkPanelCSV reads back a panel's CSV: a heading and a row per
// journey listed, the customers in order, and no cell a spreadsheet would
// evaluate (OWASP's CSV injection: =, +, -, @ at the start).
func checkPanelCSV(t *testing.T, where string, m *Model, want string, p *panelState) {
	t.Helper()
	if p == nil {
		return
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(p.CSV, "\ufeff"))).ReadAll()
	if err != nil {
		t.Errorf("%s: the panel's CSV: %v", where, err)
		return
	}
	l := m.Drill.Lists[want]
	if len(recs) != len(l.Rows)+1 || recs[0][0] != "customer" {
		t.Errorf("%s: the CSV has %d lines, want a heading and %d rows", where, len(recs), len(l.Rows))
		return
	}
	for i, r := range l.Rows {
		j := m.Drill.Journeys[r.J]
		got := recs[i+1][0]
		if rest, ok := strings.CutPrefix(got, "'"); ok && rest != "" && strings.ContainsRune("=+-@\t\r", rune(strings.TrimLeft(rest, " ")[0])) {
			got = rest // the quote that keeps a formula text
		}
		if got != j.Customer || recs[i+1][1] != j.ID {
			t.Errorf("%s: CSV row %d is %q %q, want %q %q", where, i+1, recs[i+1][0], recs[i+1][1], j.Customer, j.ID)
		}
		for _, cell := range recs[i+1] {
			if strings.TrimLeft(cell, " ") != "" && strings.ContainsRune("=+-@", rune(strings.TrimLeft(cell, " ")[0])) {
				if _, err := strconv.ParseFloat(cell, 64); err != nil {
					t.Errorf("%s: CSV cell %q would be evaluated by a spreadsheet", where, cell)
				}
			}
		}
	}
}

// TestBrowserDrill clicks and keys through every drill-down target in
// headless Chromium and changes every filter, reading the page back: each
// target opens its panel with the model's rows, Escape closes it and gives
// the focus back, a row opens its timeline, a cut list says so, the hash
// reopens a panel and the filters, and each filter sets the tiles, the
// sentences and the charts' rows to the model's view of it.
func TestBrowserDrill(t *testing.T) {
	f := newFixture(t, cleanWorld())
	o := testOptions()
	o.DrillTop = 4
	m, err := BuildModel(context.Background(), f.db, f.meta, o)
	if err != nil {
		t.Fatal(err)
	}
	st, _, page := renderAndCheck(t, f, o, "1400,4000")
	checkRendered(t, st, m)
	sc := st.Scenario
	if sc == nil {
		t.Fatal("the page's scenario did not run")
	}
	// before any choice the selectors say what the page shows: everything
	if want := []string{"All departments", "All channels", m.Filters.Periods[len(m.Filters.Periods)-1].Label}; !slices.Equal(sc.Initial.Selects, want) {
		t.Errorf("the filter selectors show %q on load, want %q", sc.Initial.Selects, want)
	}
	if len(sc.Clicks) != 6 || len(sc.Keys) != 6 {
		t.Fatalf("%d charts clicked, %d keyed; want the quadrant, the resolution bars, the heatmap, the gaming flags, the survey bars and the flows", len(sc.Clicks), len(sc.Keys))
	}
	for _, c := range sc.Clicks {
		if !c.Skipped {
			checkPanel(t, "click on "+c.ID, m, c.Want, c.Panel)
		}
		if !c.Closed || (!c.Skipped && c.Focus != "chart") {
			t.Errorf("click on %s: after Escape the panel is open (%v) or the focus is on %s, not the chart", c.ID, !c.Closed, c.Focus)
		}
	}
	for _, k := range sc.Keys {
		checkPanel(t, "keys on "+k.ID, m, k.Want, k.Panel)
		checkPanelCSV(t, "keys on "+k.ID, m, k.Want, k.Panel)
		if k.TimelineShapes < 5 {
			t.Errorf("keys on %s: the first row's timeline drew %d shapes", k.ID, k.TimelineShapes)
		}
		if !k.Closed || k.Focus != "chart" {
			t.Errorf("keys on %s: after Escape the panel is open (%v) or the focus is on %s, not the chart", k.ID, !k.Closed, k.Focus)
		}
	}
	if sc.Cut == nil {
		t.Fatal("no list was cut at drill_top = 4")
	}
	l := m.Drill.Lists[sc.Cut.Key]
	if want := fmt.Sprintf("Showing the %d worst of %d journeys; the other %d are not in this file", len(l.Rows), l.Total, l.Total-int64(len(l.Rows))); !strings.HasPrefix(sc.Cut.Count, want) {
		t.Errorf("cut list: %q, want %q…", sc.Cut.Count, want)
	}
	fc := sc.FilteredClick
	if fc == nil {
		t.Error("the filtered quadrant was not clicked")
	} else {
		checkPanel(t, "click on the filtered quadrant", m, fc.Want, fc.Panel)
		if !fc.Panel.FilterNote || !strings.Contains(fc.Hash, "drill="+fc.Want) {
			t.Errorf("filtered click: note %v, hash %q", fc.Panel.FilterNote, fc.Hash)
		}
	}
	// the filters
	F := m.Filters
	if len(sc.Filters) != len(F.Departments)+len(F.Channels)+len(F.Periods)-1+3 {
		t.Errorf("%d selections tried", len(sc.Filters))
	}
	seen := map[string]bool{}
	for _, fr := range sc.Filters {
		s := Selection{fr.Sel[0], fr.Sel[1], fr.Sel[2]}
		v := F.Views[ViewKey(s)]
		where := "filter " + ViewKey(s)
		unfiltered := s.Department < 0 && s.Channel < 0 && s.Period == len(F.Periods)-1
		want := map[string]string{"headline": v.Headline, "trend": v.Trend, "quadrant": v.Quadrant, "heatmap": v.Heatmap}
		if unfiltered {
			want = map[string]string{"headline": m.Tiles.Finding}
			for _, sec := range m.Main {
				want[sec.ID] = sec.Finding
			}
		}
		for _, id := range []string{"headline", "trend", "quadrant", "heatmap"} {
			if fr.Findings[id] != want[id] {
				t.Errorf("%s: %s says %q, want %q", where, id, fr.Findings[id], want[id])
			}
		}
		for i, tile := range v.Tiles {
			wantV := "–"
			if tile.Value != nil {
				wantV = pct(*tile.Value)
			}
			if fr.Tiles[i][0] != wantV {
				t.Errorf("%s: tile %d shows %v, want %s", where, i, fr.Tiles[i][0], wantV)
			}
			if tile.Whole != nil && !strings.HasSuffix(fmt.Sprint(fr.Tiles[i][2]), " "+pct(*tile.Whole)) {
				t.Errorf("%s: tile %d's period figure %v, want %s", where, i, fr.Tiles[i][2], pct(*tile.Whole))
			}
		}
		if cost := fr.Tiles[len(fr.Tiles)-1]; cost[3] != !unfiltered {
			t.Errorf("%s: the cost tile says it is not filtered: %v", where, cost[3])
		}
		if unfiltered {
			if fr.Hash != "" || fr.Options["trend"] != nil {
				t.Errorf("%s: hash %q and filtered rows after a reset", where, fr.Hash)
			}
			continue
		}
		// the page draws the view's charts as built in Go (checkViewCharts
		// holds the compact form equal to the option built for the view)
		for _, id := range []string{"trend", "quadrant", "heatmap"} {
			var want any
			for _, sec := range m.Main {
				if sec.ID == id && v.Charts[id] != nil {
					want = expandView(t, F, sec.Chart.Option, id, v.Charts[id])
				}
			}
			if want == nil {
				continue
			}
			if !reflect.DeepEqual(fr.Options[id], want) {
				g, _ := json.Marshal(fr.Options[id])
				w, _ := json.Marshal(want)
				t.Errorf("%s: the page drew %s with\n%s\nthe view's option is\n%s", where, id, g, w)
			}
		}
		if s.Department >= 0 && !strings.Contains(fr.Hash, "dept="+url.PathEscape(F.Departments[s.Department])) {
			t.Errorf("%s: hash %q does not keep the department", where, fr.Hash)
		}
		seen[ViewKey(s)] = true
	}
	// a shared link reopens the panel and the filters
	s := Selection{1, -1, 0}
	key := ""
	for k := range m.Drill.Lists {
		if strings.HasPrefix(k, "heatmap-") && m.Drill.Lists[k].Total > 0 && (key == "" || k < key) {
			key = k
		}
	}
	hash := "#dept=" + url.PathEscape(F.Departments[s.Department]) + "&period=" + F.Periods[0].Key + "&drill=" + key
	st2, _, _ := renderAndCheckAt(t, f, o, "1400,4000", hash)
	in := st2.Scenario.Initial
	checkPanel(t, "the link "+hash, m, key, in.Panel)
	if v := F.Views[ViewKey(s)]; in.Findings["headline"] != v.Headline || in.Findings["heatmap"] != v.Heatmap {
		t.Errorf("the link %s: findings %q, want the view's %q", hash, in.Findings, v.Headline)
	}
	// pictures of a panel and of a filtered page, to look at
	var buf bytes.Buffer
	o.SelfTest = false
	if err := Render(context.Background(), &buf, f.db, f.meta, o); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.ArtifactDir()
	bin := chromium(t)
	browse(t, bin, page+hash, "--window-size=1300,1600", "--screenshot="+filepath.Join(dir, "drill.png"))
	browse(t, bin, page+"#channel="+url.PathEscape(F.Channels[0])+"&period=13w", "--window-size=1300,4200", "--screenshot="+filepath.Join(dir, "filtered.png"))
	t.Logf("screenshots in %s", dir)
}

// drillPanelRE finds the open drill-down panel in a dumped DOM.
var drillPanelRE = regexp.MustCompile(`(?s)<aside class="drill no-print" id="drill".*?</aside>`)

// hostileDrill checks, on the hostile page, that the scenario ran and that
// the panel it left open shows the payloads as text.
func hostileDrill(t *testing.T, st selfTest, dom string, m *Model) {
	t.Helper()
	if st.Scenario == nil || len(st.Scenario.Keys) == 0 || len(st.Scenario.Filters) == 0 {
		t.Fatal("the drill-down and filter scenario did not run on the hostile page")
	}
	for _, k := range st.Scenario.Keys {
		checkPanel(t, "hostile keys on "+k.ID, m, k.Want, k.Panel)
		checkPanelCSV(t, "hostile keys on "+k.ID, m, k.Want, k.Panel)
	}
	panel := drillPanelRE.FindString(dom)
	if panel == "" {
		t.Fatal("no drill-down panel is open on the hostile page")
	}
	if !strings.Contains(panel, "&lt;") || strings.Contains(panel, "<img") || strings.Contains(panel, "<script") {
		t.Errorf("the hostile panel does not show its payloads as text:\n%.3000s", panel)
	}
	b, _ := json.Marshal(st.Scenario.Filters[0].Findings)
	if !strings.Contains(string(b), "\\u003c") && !strings.Contains(string(b), "<") {
		t.Errorf("the hostile filtered sentences name no payload: %s", b)
	}
}
