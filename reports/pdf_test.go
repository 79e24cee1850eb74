package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParsePaper(t *testing.T) {
	for in, want := range map[string]Paper{"": A4, "a4": A4, "A4": A4, " letter ": Letter, "Letter": Letter} {
		if got, err := ParsePaper(in); err != nil || got != want {
			t.Errorf("ParsePaper(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParsePaper("a5"); err == nil || !strings.Contains(err.Error(), "want a4 or letter") {
		t.Errorf("ParsePaper(a5) error = %v", err)
	}
}

// TestFindChromium: CHROMIUM wins and must name an executable; else PATH;
// either way a miss names the install command.
func TestFindChromium(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "chromium-browser")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	t.Setenv("CHROMIUM", "")
	if got, err := FindChromium(); err != nil || got != fake {
		t.Errorf("on PATH: FindChromium() = %q, %v; want %s", got, err, fake)
	}
	t.Setenv("CHROMIUM", "chromium-browser") // a name is looked up on PATH
	if got, err := FindChromium(); err != nil || got != fake {
		t.Errorf("CHROMIUM=chromium-browser: FindChromium() = %q, %v; want %s", got, err, fake)
	}
	t.Setenv("CHROMIUM", filepath.Join(dir, "no-such-browser"))
	if _, err := FindChromium(); err == nil || !strings.Contains(err.Error(), "CHROMIUM="+filepath.Join(dir, "no-such-browser")) ||
		!strings.Contains(err.Error(), chromiumInstall) {
		t.Errorf("CHROMIUM pointing nowhere: error = %v, want it named and the install command", err)
	}
	t.Setenv("CHROMIUM", "")
	t.Setenv("PATH", t.TempDir())
	if _, err := FindChromium(); err == nil || !strings.Contains(err.Error(), chromiumInstall) || !strings.Contains(err.Error(), "google-chrome") {
		t.Errorf("nothing on PATH: error = %v, want the names looked for and the install command", err)
	}
}

// poppler skips the test outside CI when poppler-utils (pdftotext,
// pdfinfo, pdftoppm) is missing; CI must have it (the Makefile installs it).
func poppler(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdfinfo", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required in CI (apt-get install -y poppler-utils)", tool)
			}
			t.Skipf("no %s (apt-get install -y poppler-utils); skipping outside CI", tool)
		}
	}
}

// pdfPages is the text of each page, whitespace collapsed.
func pdfPages(t *testing.T, file string) []string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", file, err)
	}
	pages := strings.Split(string(out), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	for i, p := range pages {
		pages[i] = squash(p)
	}
	return pages
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

var pageSizeRE = regexp.MustCompile(`(?m)^Page size:\s+([\d.]+) x ([\d.]+) pts`)

// pdfPageSize is the first page's size in points.
func pdfPageSize(t *testing.T, file string) (w, h float64) {
	t.Helper()
	out, err := exec.Command("pdfinfo", file).Output()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v", file, err)
	}
	m := pageSizeRE.FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("pdfinfo gave no page size:\n%s", out)
	}
	w, _ = strconv.ParseFloat(m[1], 64)
	h, _ = strconv.ParseFloat(m[2], 64)
	return w, h
}

// printProbe is what the page says about itself just before printing:
// the text each chart drew, what sticks out of the printed column, and
// whether a payload ran.
// (What an SVG draws outside its box, such as the hidden pages of a
// scrolling legend, is clipped: not shown, not printed, not counted.)
const printProbe = `(() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  document.querySelectorAll('main *').forEach(e => {
    if (e.closest('svg') && e.tagName.toLowerCase() !== 'svg') return;
    const r = e.getBoundingClientRect();
    if (r.width && r.right > width + 1 && out.length < 10) out.push(((e.closest('section') || {}).id || '?') + ' <' + e.tagName.toLowerCase() + '> ends at ' + Math.round(r.right) + ' px');
  });
  const shown = (t, box) => { const r = t.getBoundingClientRect(); return r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1; };
  return {
    width: width,
    charts: window.__report.charts.map(c => {
      const svg = c.el.querySelector('svg'), box = svg.getBoundingClientRect();
      return {id: c.id, texts: Array.from(svg.querySelectorAll('text'), t => shown(t, box) ? t.textContent : '')};
    }),
    overflow: out,
    pwned: window.__pwned || 0,
  };
})()`

type probeResult struct {
	Width  int `json:"width"`
	Charts []struct {
		ID    string   `json:"id"`
		Texts []string `json:"texts"`
	} `json:"charts"`
	Overflow []string `json:"overflow"`
	Pwned    any      `json:"pwned"`
}

// printFixture renders the fixture's report, prints it on paper and
// returns the PDF's file, its pages' text and the page's probe.
func printFixture(t *testing.T, f fixture, o Options, paper Paper) (string, []string, probeResult) {
	t.Helper()
	bin := chromium(t)
	var buf bytes.Buffer
	if err := Render(context.Background(), &buf, f.db, f.meta, o); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := printPDF(context.Background(), page, PDFOptions{Chromium: bin, Paper: paper}, printProbe)
	if err != nil {
		t.Fatal(err)
	}
	var pr probeResult
	if err := json.Unmarshal(res.probe, &pr); err != nil {
		t.Fatalf("probe: %v: %s", err, res.probe)
	}
	file := filepath.Join(t.ArtifactDir(), "report-"+string(paper)+".pdf")
	if err := os.WriteFile(file, res.data, 0o644); err != nil {
		t.Fatal(err)
	}
	return file, pdfPages(t, file), pr
}

// TestPDF prints the fixture's report on A4 and on Letter and reads the
// PDF back with poppler: the sheet size asked for, the headline on page
// one, every section starting a page (except after a text-only one),
// every chart's drawn text present (the PDF was printed after every chart
// finished drawing), and nothing wider than the printed column.
func TestPDF(t *testing.T) {
	poppler(t)
	f := newFixture(t, cleanWorld())
	o := testOptions()
	m, err := BuildModel(context.Background(), f.db, f.meta, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		paper      Paper
		w, h       float64 // points
		minP, maxP int     // pages: 26 measured with the four gaming sections (one a page), 20 before
	}{
		{A4, 595.3, 841.9, 18, 30},
		{Letter, 612, 792, 18, 30},
	} {
		t.Run(string(tt.paper), func(t *testing.T) {
			file, pages, pr := printFixture(t, f, o, tt.paper)
			if w, h := pdfPageSize(t, file); abs(w-tt.w) > 1 || abs(h-tt.h) > 1 {
				t.Errorf("page size %.1f × %.1f pt, want %.1f × %.1f", w, h, tt.w, tt.h)
			}
			t.Logf("%d pages; printed column %d px", len(pages), pr.Width)
			if len(pages) < tt.minP || len(pages) > tt.maxP {
				t.Errorf("%d pages, want %d to %d", len(pages), tt.minP, tt.maxP)
			}
			checkPrintedReport(t, m, pages, pr)
		})
	}
}

func checkPrintedReport(t *testing.T, m *Model, pages []string, pr probeResult) {
	t.Helper()
	if len(pages) == 0 {
		t.Fatal("no pages")
	}
	// The headline: title, the three tiles and the sentence, on page one.
	first := pages[0]
	want := []string{squash(m.Title), squash(m.Tiles.Finding)}
	for _, tile := range m.Tiles.Tiles {
		want = append(want, squash(tile.Label))
	}
	for _, w := range want {
		if !strings.Contains(first, w) {
			t.Errorf("page one lacks %q:\n%.600s", w, first)
		}
	}
	// Sections start pages. pdftotext reads a page from the top, so a
	// page's text begins with the heading at its top.
	all := strings.Join(pages, " ")
	// Nothing interactive prints: the filter bar (and a drill-down panel).
	if m.Filters != nil {
		for _, w := range []string{"Show everything", "follow the filters", "All departments"} {
			if strings.Contains(all, w) {
				t.Errorf("the PDF prints the filter bar (%q)", w)
			}
		}
	}
	startsPage := func(head string) bool {
		for _, p := range pages {
			if strings.HasPrefix(p, head) {
				return true
			}
		}
		return false
	}
	for _, part := range []struct {
		heading  string
		sections []Section
	}{{"KPI view and customer view", m.Main}, {"Journeys", m.Journeys}, {"Reference", m.Reference}} {
		for i, s := range part.sections {
			title := squash(s.Title)
			switch {
			case i == 0:
				if !startsPage(part.heading + " " + title) {
					t.Errorf("part %q (first section %q) does not start a page", part.heading, s.Title)
				}
			case textOnly(part.sections[i-1]):
				if !strings.Contains(all, title) { // kept with the text before it
					t.Errorf("section %q is not in the PDF", s.Title)
				}
			default:
				if !startsPage(title) {
					t.Errorf("section %q does not start a page", s.Title)
				}
			}
		}
	}
	// Every chart is in the PDF as drawn: each text its SVG holds (axis
	// labels, legends, node names) is printed on its section's pages.
	// (Counted anywhere there: pdftotext may run neighbouring labels
	// together, and drops a text drawn exactly over its twin.)
	sections := allSections(m)
	starts := make([]int, len(sections))
	for i, s := range sections {
		from := 0
		if i > 0 {
			from = starts[i-1]
		}
		starts[i] = len(pages) - 1
		for p := from; p < len(pages); p++ {
			if strings.Contains(pages[p], squash(s.Title)) {
				starts[i] = p
				break
			}
		}
	}
	drawn := map[string]int{}
	for i, s := range sections {
		if s.Chart != nil {
			drawn[s.ID] = i
		}
	}
	if len(pr.Charts) != len(drawn) {
		t.Errorf("the page drew %d charts, want %d", len(pr.Charts), len(drawn))
	}
	for _, c := range pr.Charts {
		i, ok := drawn[c.ID]
		if !ok {
			t.Errorf("chart %s: no such section", c.ID)
			continue
		}
		last := len(pages) - 1
		if i+1 < len(sections) {
			last = starts[i+1]
		}
		text := strings.Join(pages[starts[i]:last+1], " ")
		want := map[string]bool{}
		for _, tx := range c.Texts {
			if tx = squash(tx); tx != "" {
				want[tx] = true
			}
		}
		var missing []string
		for tx := range want {
			if !strings.Contains(text, tx) {
				missing = append(missing, strconv.Quote(tx))
			}
		}
		sort.Strings(missing)
		if len(want) < 3 || len(missing) > 0 {
			t.Errorf("chart %s: %d distinct texts drawn; on pages %d–%d of the PDF short of: %s", c.ID, len(want), starts[i]+1, last+1, strings.Join(missing, ", "))
		}
	}
	// Nothing is cut at the page's edge.
	for _, o := range pr.Overflow {
		t.Errorf("wider than the printed column (%d px): %s", pr.Width, o)
	}
}

// textOnly is a section that keeps the next one on its page (report.css:
// a panel with neither chart nor table).
func textOnly(s Section) bool { return s.Chart == nil && s.Table == nil }

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestPDFHostile: the hostile fixture prints with no payload run, its
// payloads shown as text, and the same structure as the clean report.
func TestPDFHostile(t *testing.T) {
	poppler(t)
	f := newFixture(t, hostileWorld())
	o := testOptions()
	o.RevealCustomerKeys = true
	o.Title = hostile(99)
	m, err := BuildModel(context.Background(), f.db, f.meta, o)
	if err != nil {
		t.Fatal(err)
	}
	_, pages, pr := printFixture(t, f, o, A4)
	if pr.Pwned != nil && pr.Pwned != float64(0) {
		t.Errorf("a payload ran: window.__pwned = %v", pr.Pwned)
	}
	all := strings.Join(pages, " ")
	for _, p := range []string{"<img src=x onerror=", "</script><script>", "{{.}}{{template", "javascript:window.__pwned=4"} {
		if !strings.Contains(all, p) {
			t.Errorf("payload text %q is not printed", p)
		}
	}
	checkPrintedReport(t, m, pages, pr)
}

// TestPDFWaitsForCharts: the PDF is printed only on the page's
// print-ready signal; a page without one, one that says a chart is not
// drawn, or one that never gets ready fails, and the previous PDF stays.
func TestPDFWaitsForCharts(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(out, []byte("the previous PDF"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, script, want string
	}{
		{"no signal", ``, "no print-ready signal"},
		{"a chart not drawn", `window.__report = {printReady: () => Promise.reject(new Error("chart trend: nothing drawn"))};`, "chart trend: nothing drawn"},
		{"never ready", `window.__report = {printReady: () => new Promise(() => {})};`, "not drawn within 12s"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".html")
			html := "<!DOCTYPE html><title>t</title><p>hello</p><script>" + tt.script + "</script>"
			if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err := WritePDF(context.Background(), page, out, PDFOptions{Chromium: bin, Timeout: 12 * time.Second})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("WritePDF error = %v, want %q", err, tt.want)
			}
			if d := time.Since(start); d > time.Minute {
				t.Errorf("took %s to fail", d)
			}
			if b, _ := os.ReadFile(out); string(b) != "the previous PDF" {
				t.Errorf("the previous PDF was replaced: %.40q", b)
			}
		})
	}
}
