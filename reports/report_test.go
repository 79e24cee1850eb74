package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mcnamara/mcnamara/internal/golden"
)

func testOptions() Options {
	return Options{PseudonymKey: []byte("test key"), Timezone: "UTC"}
}

// TestModelGolden pins the data that feeds the charts and the findings
// for a six-week fixture (so trends and week-on-week changes exist).
func TestModelGolden(t *testing.T) {
	f := newFixture(t, cleanWorld())
	m, err := BuildModel(context.Background(), f.db, f.meta, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range allSections(m) {
		if s.Status != statusOK {
			t.Errorf("section %s: status %s: %s", s.ID, s.Status, s.Note)
		}
	}
	if m.Tiles.Status != statusOK || len(m.Tiles.Tiles) != 4 || m.Tiles.Tiles[0].Prev == nil || m.Tiles.Tiles[3].Text == "" {
		t.Errorf("headline = %+v, want three rate tiles with a previous week and the cost tile", m.Tiles)
	}
	// The drill-down lists and the filters' counts have goldens of their
	// own, with every array of values on one line.
	drill, filters := m.Drill, m.Filters
	m.Drill, m.Filters = nil, nil
	// Each chart's echarts option, built in Go, has a golden of its own
	// (testdata/chart-<kind>.golden.json: the first of a kind drawn more
	// than once, the worst journeys' timelines); the model's golden keeps
	// the rest of the section. Every chart is built in Go.
	kinds := map[string]bool{}
	for _, group := range [][]Section{m.Main, m.Journeys, m.Reference} {
		for i := range group {
			c := group[i].Chart
			if c == nil {
				continue
			}
			if c.Option == nil {
				t.Errorf("section %s: the %s chart has no option built in Go", group[i].ID, c.Kind)
				continue
			}
			opt, err := json.MarshalIndent(c.Option, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			if !kinds[c.Kind] {
				kinds[c.Kind] = true
				golden.Check(t, filepath.Join("testdata", "chart-"+c.Kind+".golden.json"), append(oneLineArrays(opt), '\n'))
			}
			cc := *c
			cc.Option = nil
			group[i].Chart = &cc
		}
	}
	got, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "model.golden.json"), append(got, '\n'))
	golden.Check(t, filepath.Join("testdata", "findings.golden.txt"), findings(m))
	if drill == nil || filters == nil {
		t.Fatal("the model has no drill-down lists or no filters")
	}
	// The filtered views' charts are held to the options built for them
	// by checkViewCharts (TestFilterViews), those to the sections' goldens
	// by the code they share; the golden keeps the rest of the views.
	fc := *filters
	fc.Strings, fc.Views = nil, map[string]*FilterView{}
	for k, v := range filters.Views {
		vv := *v
		vv.Charts = nil
		fc.Views[k] = &vv
	}
	for name, v := range map[string]any{"drill.golden.json": drill, "filters.golden.json": &fc} {
		got, err := json.MarshalIndent(v, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", name), append(oneLineArrays(got), '\n'))
	}
}

// innerArray is a JSON array of values (no array or object inside).
var innerArray = regexp.MustCompile(`\[[^\[\]{}]*\]`)

// oneLineArrays puts every array of values of indented JSON on one line.
func oneLineArrays(js []byte) []byte {
	return innerArray.ReplaceAllFunc(js, func(a []byte) []byte {
		return regexp.MustCompile(`\s*\n\s*`).ReplaceAll(a, nil)
	})
}

func allSections(m *Model) []Section {
	var out []Section
	out = append(out, m.Main...)
	out = append(out, m.Journeys...)
	return append(out, m.Reference...)
}

// findings lists every sentence the report writes, for easy review.
func findings(m *Model) string {
	var b strings.Builder
	b.WriteString("headline: " + m.Tiles.Finding + "\n")
	if m.Tiles.Note != "" {
		b.WriteString("  note: " + m.Tiles.Note + "\n")
	}
	for _, s := range allSections(m) {
		b.WriteString(s.ID + ": " + s.Finding + "\n")
		if s.Note != "" {
			b.WriteString("  note: " + s.Note + "\n")
		}
	}
	return b.String()
}

// TestDegrades checks that a missing mart or column empties only the
// sections that need it, each saying why, and the page still renders.
func TestDegrades(t *testing.T) {
	cases := []struct {
		name    string
		without []string
		// sections that must say "no data"; all others must be ok.
		noData []string
	}{
		{"no marts at all", fixtureMarts,
			[]string{"trend", "scorecard", "quadrant", "resolution", "fcr", "cost", "heatmap", "goodhart", "gaming", "gaming_bunching", "gaming_slopes", "gaming_surveys", "flows", "days", "worst", "coverage", "rejects"}},
		{"no gaming mart", []string{"gaming_signals"}, []string{"gaming", "gaming_bunching", "gaming_slopes", "gaming_surveys"}},
		{"no metric_targets mart", []string{"metric_targets"}, nil},
		// the settled weeks come from the gap mart
		{"no gap mart", []string{"gap"}, []string{"trend", "scorecard", "quadrant", "resolution", "heatmap", "goodhart"}},
		{"gap without counts", []string{"gap.judged_contacts", "gap.settled"}, []string{"trend", "scorecard", "quadrant", "resolution", "heatmap", "goodhart"}},
		{"no FCR or cost marts", []string{"fcr_ladder", "cost"}, []string{"fcr", "cost"}},
		{"no journeys", []string{"journeys", "journey_flows"}, []string{"flows", "days", "worst"}},
		{"no correlation mart", []string{"kpi_outcome_correlation"}, nil},
		{"facts without KPI flags", []string{"contact_facts.met_handle_time_seconds", "contact_facts.met_wait_seconds"}, []string{"goodhart"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, cleanWorld(), tc.without...)
			m, err := BuildModel(context.Background(), f.db, f.meta, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range allSections(m) {
				want := statusOK
				for _, id := range tc.noData {
					if s.ID == id {
						want = statusNoData
					}
				}
				if s.Status != want {
					t.Errorf("section %s: status %s (%s), want %s", s.ID, s.Status, s.Note, want)
				}
				if s.Status == statusNoData && !strings.HasPrefix(s.Note, "No data") {
					t.Errorf("section %s: note %q does not explain the missing data", s.ID, s.Note)
				}
			}
			var buf bytes.Buffer
			if err := writePage(&buf, m, false); err != nil {
				t.Fatal(err)
			}
			if len(tc.noData) > 0 && !strings.Contains(buf.String(), "No data") {
				t.Error("page does not say which sections have no data")
			}
		})
	}
}

func TestPseudonyms(t *testing.T) {
	f := newFixture(t, cleanWorld())
	ctx := context.Background()
	m1, err := BuildModel(ctx, f.db, f.meta, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	o := testOptions()
	o.PseudonymKey = []byte("another key")
	m2, err := BuildModel(ctx, f.db, f.meta, o)
	if err != nil {
		t.Fatal(err)
	}
	o.RevealCustomerKeys = true
	m3, err := BuildModel(ctx, f.db, f.meta, o)
	if err != nil {
		t.Fatal(err)
	}
	first := func(m *Model) Section {
		for _, s := range m.Journeys {
			if s.ID == "journey-1" {
				return s
			}
		}
		t.Fatal("no journey-1 section")
		return Section{}
	}
	j1, _ := json.Marshal(m1)
	if bytes.Contains(j1, []byte("cust-0")) || bytes.Contains(j1, []byte("J00")) {
		t.Error("the pseudonymised model contains a customer key or journey id")
	}
	if first(m1).Title == first(m2).Title {
		t.Errorf("pseudonym %q does not depend on the key", first(m1).Title)
	}
	if !strings.HasPrefix(first(m3).Title, "Customer cust-") {
		t.Errorf("with RevealCustomerKeys the title is %q, want the person id", first(m3).Title)
	}
}

func TestPageEscaping(t *testing.T) {
	f := newFixture(t, hostileWorld())
	o := testOptions()
	o.RevealCustomerKeys = true
	o.Title = hostile(99)
	var buf bytes.Buffer
	if err := Render(context.Background(), &buf, f.db, f.meta, o); err != nil {
		t.Fatal(err)
	}
	// The inlined echarts library has "<img" and U+2028 in its own strings;
	// check everything else.
	page := strings.Replace(buf.String(), asset("echarts.min.js"), "", 1)
	if len(page) == buf.Len() {
		t.Fatal("the echarts library is not inlined verbatim")
	}
	// Our own markup holds exactly these script tags; a payload's tag would
	// add one.
	if n := strings.Count(strings.ToLower(page), "<script"); n != 3 {
		t.Errorf("page has %d <script tags, want 3 (model, echarts, report.js)", n)
	}
	for _, bad := range []string{"<img", "<iframe", "<svg onload", "<b>bold", "<style>body"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q from the data unescaped", bad)
		}
	}
	// Inside a script block, U+2028/U+2029 end a JS string and "<!--"
	// changes how the HTML parser finds the end of the block. (In HTML
	// text they are harmless.)
	for _, m := range regexp.MustCompile(`(?s)<script[^>]*>(.*?)</script>`).FindAllStringSubmatch(page, -1) {
		for _, bad := range []string{"\u2028", "\u2029", "<!--", "<script"} {
			if strings.Contains(m[1], bad) {
				t.Errorf("a script block contains %q", bad)
			}
		}
	}
	if !strings.Contains(page, "&lt;img src=x onerror=") {
		t.Error("the payload text is not shown (escaped) anywhere; were rows dropped?")
	}
	if buf.Len() > 3<<20 {
		t.Errorf("page is %d bytes, over the 3 MB budget", buf.Len())
	}
}

func TestSpearman(t *testing.T) {
	for _, tc := range []struct {
		x, y []float64
		want float64
		ok   bool
	}{
		{[]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}, 1, true},
		{[]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1, true},
		{[]float64{1, 2, 2, 3}, []float64{1, 3, 2, 4}, 0.948683, true}, // tied ranks 2.5, 2.5
		{[]float64{1, 1, 1}, []float64{1, 2, 3}, 0, false},
		{[]float64{1, 2}, []float64{1, 2}, 0, false},
	} {
		got, ok := spearman(tc.x, tc.y)
		if ok != tc.ok || (ok && round(got) != tc.want) {
			t.Errorf("spearman(%v, %v) = %v, %v; want %v, %v", tc.x, tc.y, got, ok, tc.want, tc.ok)
		}
	}
}

func TestAcyclic(t *testing.T) {
	nodes, links := acyclic([]edge{{"A", "B", 5}, {"B", "C", 4}, {"C", "A", 3}, {"B", "A", 2}, {"A", "A", 1}})
	// Every link must go forward in some order: check there is no cycle.
	adj := map[int][]int{}
	for _, l := range links {
		adj[l.Source] = append(adj[l.Source], l.Target)
	}
	state := map[int]int{}
	var cyclic func(int) bool
	cyclic = func(u int) bool {
		state[u] = 1
		for _, v := range adj[u] {
			if state[v] == 1 || (state[v] == 0 && cyclic(v)) {
				return true
			}
		}
		state[u] = 2
		return false
	}
	for i := range nodes {
		if state[i] == 0 && cyclic(i) {
			t.Fatalf("graph still has a cycle: %+v %+v", nodes, links)
		}
	}
	var total int64
	backs := 0
	for _, n := range nodes {
		if n.Back {
			backs++
		}
	}
	for _, l := range links {
		total += l.Value
	}
	if total != 15 || len(links) != 5 {
		t.Errorf("flows lost: %d links, total %d", len(links), total)
	}
	if backs != 1 { // C→A, B→A and A→A all return to A
		t.Errorf("%d back nodes, want 1: %+v", backs, nodes)
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{pct(0.913), "91%"}, {pct(0.0456), "4.6%"}, {pct(0.05), "5%"}, {pct(1), "100%"},
		{pts(0.031), "+3.1 pts"}, {pts(-0.02), "−2.0 pts"}, {pts(0.0001), "no change"},
		{dur(45), "45 s"}, {dur(95), "1 min 35 s"}, {dur(450), "7 min 30 s"}, {dur(540), "9 min"}, {dur(600), "10 min"},
		{dur(629), "10 min"}, {dur(3599), "1 h"}, {dur(5400), "1 h 30 min"}, {dur(7200), "2 h"},
		{days(0.3), "under a day"}, {days(1), "1 day"}, {days(2.5), "2.5 days"}, {days(12.4), "12 days"},
		{count(1234567), "1,234,567"}, {count(-1000), "-1,000"}, {count(12), "12"},
		{day("2024-02-05"), "5 Feb 2024"}, {stamp("2024-02-05T14:03:00Z"), "5 Feb 2024 14:03"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// FuzzModelJSON checks that no text from the data can end or corrupt the
// page's JSON data block, and that it survives the trip intact.
func FuzzModelJSON(f *testing.F) {
	for _, p := range payloads {
		f.Add(p)
	}
	f.Add("</SCRIPT ><!-- \u2028\u2029 <\u0000>")
	f.Fuzz(func(t *testing.T, s string) {
		m := &Model{Title: s, Main: []Section{{ID: "x", Title: s, Finding: s, Data: &Table{
			Columns: []Column{col(s, s, fmtText)}, Rows: [][]any{{s}}}}}}
		js, err := modelJSON(m, false)
		if err != nil {
			t.Fatal(err)
		}
		if unsafeInScript.MatchString(js) || strings.ContainsAny(js, "<>") {
			t.Fatalf("unsafe model JSON for %q: %s", s, js)
		}
		var back Model
		if err := json.Unmarshal([]byte(js), &back); err != nil {
			t.Fatal(err)
		}
		// encoding/json replaces each invalid byte by U+FFFD.
		var want strings.Builder
		for _, r := range s {
			want.WriteRune(r)
		}
		if back.Main[0].Finding != want.String() {
			t.Fatalf("finding %q came back as %q", want.String(), back.Main[0].Finding)
		}
	})
}

// TestFractionalRepeatWindow: a repeat window of 1.5 days (the config
// allows fractions) is written as such, not truncated to 1.
func TestFractionalRepeatWindow(t *testing.T) {
	w := cleanWorld()
	w.window = 1.5
	f := newFixture(t, w)
	m, err := BuildModel(context.Background(), f.db, f.meta, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if got := findings(m); !strings.Contains(got, "1.5-day repeat window") || strings.Contains(got, " 1-day") {
		t.Errorf("findings do not name the 1.5-day window:\n%s", got)
	}
}

// TestOpenHeadline: while no week's repeat window has closed (the first
// days of data), the headline gives the whole period's judged contacts, not
// an open week's rates, and no week-on-week change.
func TestOpenHeadline(t *testing.T) {
	w := cleanWorld()
	w.window = 3650 // no week of the fixture is judged
	f := newFixture(t, w)
	m, err := BuildModel(context.Background(), f.db, f.meta, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	h := m.Tiles
	if !strings.HasPrefix(h.Finding, "So far the scorecard counted ") || !strings.Contains(h.Note, "No week has closed its 3650-day repeat window yet") {
		t.Errorf("headline %q, note %q", h.Finding, h.Note)
	}
	if h.Week != "" || len(h.Tiles) != 3 { // the rates; no cost tile while nothing is judged
		t.Fatalf("week %q, %d tiles", h.Week, len(h.Tiles))
	}
	for _, tile := range h.Tiles {
		if tile.Value == nil || tile.Prev != nil || tile.Whole != nil || tile.Note == "" {
			t.Errorf("tile %s: value %v prev %v whole %v note %q; want the period's value and a note only", tile.Key, tile.Value, tile.Prev, tile.Whole, tile.Note)
		}
	}
	// the judged contacts of the whole period
	var judged, claimed, failed, gap int64
	if err := f.db.QueryRow(`SELECT judged_contacts, claimed_success_contacts, outcome_failed_contacts, gap_contacts
		FROM gap WHERE dimension = 'all' AND grain = 'total'`).Scan(&judged, &claimed, &failed, &gap); err != nil {
		t.Fatal(err)
	}
	want := []float64{float64(claimed) / float64(judged), 1 - float64(failed)/float64(judged), float64(gap) / float64(claimed)}
	for i, tile := range h.Tiles {
		if math.Abs(*tile.Value-want[i]) > 1e-6 {
			t.Errorf("tile %s: %v, want the whole period's %v", tile.Key, *tile.Value, want[i])
		}
	}
	if got := findings(m); strings.Contains(got, "gap rate moving from") || strings.Contains(got, "gap rate standing at") {
		t.Errorf("a finding compares weeks whose outcomes are open:\n%s", got)
	}
	var buf bytes.Buffer
	if err := writePage(&buf, m, false); err != nil {
		t.Fatal(err)
	}
	// the markup, not the page script (which writes filtered tiles' changes)
	markup := regexp.MustCompile(`(?s)<script>.*?</script>`).ReplaceAllString(buf.String(), "")
	if !strings.Contains(markup, "so far: no week judged yet") || strings.Contains(markup, "vs week before") {
		t.Error("the page's tiles do not say the figures are the period so far")
	}
}
