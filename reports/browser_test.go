package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium returns the headless browser (FindChromium: CHROMIUM, else
// PATH), or skips the test outside CI. CI must have it: the Makefile
// installs it (apt-get install -y chromium). -short skips the browser
// tests (make test-short; make test runs them).
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("a headless browser test (-short)")
	}
	bin, err := FindChromium()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("headless Chromium is required in CI: %v", err)
		}
		t.Skipf("skipping the browser test outside CI: %v", err)
	}
	return bin
}

// browse loads a file in headless Chromium with the given extra flags and
// returns its standard output.
func browse(t *testing.T, bin, page string, extra ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append(chromiumArgs(t.TempDir()), "--virtual-time-budget=10000")
	args = append(append(args, extra...), "file://"+page)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", extra, err, stderr.String())
	}
	return out
}

// selfTest is what assets/selftest.js writes into the page.
type selfTest struct {
	Errors            []string       `json:"errors"`
	Charts            []chartCheck   `json:"charts"`
	ChartDivs         int            `json:"chartDivs"`
	Tooltips          int            `json:"tooltips"`
	CSV               map[string]int `json:"csv"`
	Elements          map[string]int `json:"elements"`
	HandlerAttributes []string       `json:"handlerAttributes"`
	JavascriptURLs    []string       `json:"javascriptURLs"`
	Pwned             any            `json:"pwned"`
	Title             string         `json:"title"`
	OverflowX         int            `json:"overflowX"`
	Scenario          *scenario      `json:"scenario"`
}

// scenario is what selftest.js's drill-down and filter scenario read back
// from the DOM.
type scenario struct {
	Initial struct {
		Hash     string            `json:"hash"`
		Panel    *panelState       `json:"panel"`
		Tiles    [][]any           `json:"tiles"`
		Findings map[string]string `json:"findings"`
		Selects  []string          `json:"selects"`
	} `json:"initial"`
	Clicks []struct {
		ID      string      `json:"id"`
		Kind    string      `json:"kind"`
		Want    string      `json:"want"`
		Skipped bool        `json:"skipped"`
		Panel   *panelState `json:"panel"`
		Closed  bool        `json:"closed"`
		Focus   string      `json:"focus"`
	} `json:"clicks"`
	Keys []struct {
		ID             string      `json:"id"`
		Want           string      `json:"want"`
		Panel          *panelState `json:"panel"`
		TimelineShapes int         `json:"timelineShapes"`
		Closed         bool        `json:"closed"`
		Focus          string      `json:"focus"`
	} `json:"keys"`
	Cut           *panelState `json:"cut"`
	FilteredClick *struct {
		Want  string      `json:"want"`
		Panel *panelState `json:"panel"`
		Hash  string      `json:"hash"`
	} `json:"filteredClick"`
	Filters []struct {
		Sel      [3]int            `json:"sel"`
		Hash     string            `json:"hash"`
		Tiles    [][]any           `json:"tiles"`
		Findings map[string]string `json:"findings"`
		Options  map[string]any    `json:"options"`
	} `json:"filters"`
}

type panelState struct {
	Key        string   `json:"key"`
	Title      string   `json:"title"`
	Count      string   `json:"count"`
	FilterNote bool     `json:"filterNote"`
	Rows       []string `json:"rows"`
	CSV        string   `json:"csv"`
}

type chartCheck struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind"`
	Renderer string  `json:"renderer"`
	Shapes   int     `json:"shapes"`
	Width    float64 `json:"width"`
	Height   float64 `json:"height"`
}

// The element, not the mention of it in the self-test script's comment.
var selfTestRE = regexp.MustCompile(`(?s)<pre id="selftest" hidden[^>]*>(.*?)</pre>`)

// renderAndCheck writes the report to disk, loads it in Chromium and
// returns the self-test verdict and the serialised DOM.
func renderAndCheck(t *testing.T, f fixture, o Options, windowSize string) (selfTest, string, string) {
	t.Helper()
	return renderAndCheckAt(t, f, o, windowSize, "")
}

// renderAndCheckAt is renderAndCheck with the page opened at a URL hash.
func renderAndCheckAt(t *testing.T, f fixture, o Options, windowSize, hash string) (selfTest, string, string) {
	t.Helper()
	bin := chromium(t)
	o.SelfTest = true
	var buf bytes.Buffer
	if err := Render(context.Background(), &buf, f.db, f.meta, o); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(browse(t, bin, page+hash, "--window-size="+windowSize, "--dump-dom"))
	m := selfTestRE.FindStringSubmatch(dom)
	if m == nil || strings.TrimSpace(m[1]) == "" {
		t.Fatalf("the page's self-test wrote no result; the page script did not run to the end")
	}
	var st selfTest
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &st); err != nil {
		t.Fatalf("self-test result: %v\n%.2000s", err, m[1])
	}
	return st, dom, page
}

// checkRendered asserts what every report must satisfy in a browser.
func checkRendered(t *testing.T, st selfTest, m *Model) {
	t.Helper()
	for _, e := range st.Errors {
		t.Errorf("browser console error: %s", e)
	}
	want := 0
	for _, s := range allSections(m) {
		if s.Chart != nil {
			want++
		}
	}
	if st.ChartDivs != want || len(st.Charts) != want {
		t.Errorf("%d chart containers, %d charts drawn; want %d", st.ChartDivs, len(st.Charts), want)
	}
	for _, c := range st.Charts {
		if c.Shapes < 5 || c.Width < 100 || c.Height < 100 {
			t.Errorf("chart %s (%s) looks empty: %+v", c.ID, c.Kind, c)
		}
	}
	if st.Tooltips == 0 {
		t.Error("no tooltip was shown: the tooltip formatters were not exercised")
	}
	for _, s := range allSections(m) {
		if (s.Data != nil || s.Table != nil) && st.CSV[s.ID] == 0 {
			t.Errorf("section %s: no CSV could be built", s.ID)
		}
	}
}

// TestBrowser loads the report in headless Chromium, checks that every
// chart drew without a console error, and saves screenshots (wide and
// narrow) to the test's artifact directory (go test -artifacts keeps them).
func TestBrowser(t *testing.T) {
	f := newFixture(t, cleanWorld())
	o := testOptions()
	m, err := BuildModel(context.Background(), f.db, f.meta, o)
	if err != nil {
		t.Fatal(err)
	}
	st, _, page := renderAndCheck(t, f, o, "1400,4000")
	checkRendered(t, st, m)
	if st.Elements["script"] != 4 || st.Elements["img"] != 0 {
		t.Errorf("elements = %v, want 4 scripts and no img", st.Elements)
	}
	// A phone-sized window must not scroll sideways.
	narrow, _, _ := renderAndCheck(t, f, o, "400,3000")
	checkRendered(t, narrow, m)
	if narrow.OverflowX > 0 {
		t.Errorf("the page overflows a 400 px window by %d px", narrow.OverflowX)
	}
	// The pictures come from the page as users get it (no self-test, which
	// pops tooltips up).
	var buf bytes.Buffer
	if err := Render(context.Background(), &buf, f.db, f.meta, o); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.ArtifactDir()
	bin := chromium(t)
	browse(t, bin, page, "--window-size=1400,10000", "--screenshot="+filepath.Join(dir, "report.png"))
	browse(t, bin, page, "--window-size=400,3000", "--screenshot="+filepath.Join(dir, "report-narrow.png"))
	if err := WritePDF(context.Background(), page, filepath.Join(dir, "report.pdf"), PDFOptions{Chromium: bin}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"report.png", "report-narrow.png", "report.pdf"} {
		if fi, err := os.Stat(filepath.Join(dir, n)); err != nil || fi.Size() < 10_000 {
			t.Errorf("%s was not written: %v", n, err)
		}
	}
	t.Logf("screenshots and PDF in %s", dir)
}

// TestBrowserHostile puts script and markup payloads in every text field
// of the marts and the metadata, then checks in a real browser that none
// ran and none became an element.
func TestBrowserHostile(t *testing.T) {
	ctx := context.Background()
	o := testOptions()
	o.RevealCustomerKeys = true // show person ids raw: one more field to attack

	clean := newFixture(t, cleanWorld())
	cst, _, _ := renderAndCheck(t, clean, o, "1400,4000")

	f := newFixture(t, hostileWorld())
	o.Title = hostile(99)
	m, err := BuildModel(ctx, f.db, f.meta, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range allSections(m) {
		if s.Status != statusOK {
			t.Errorf("section %s: %s: %s", s.ID, s.Status, s.Note)
		}
	}
	st, dom, page := renderAndCheck(t, f, o, "1400,4000")
	checkRendered(t, st, m)
	// For a look at how payloads read (as text) on the page.
	browse(t, chromium(t), page, "--window-size=1400,6000", "--screenshot="+filepath.Join(t.ArtifactDir(), "hostile.png"))
	if st.Pwned != nil && st.Pwned != float64(0) {
		t.Errorf("a payload ran: window.__pwned = %v", st.Pwned)
	}
	if st.Title != o.Title || strings.Contains(st.Title, "PWNED") {
		t.Errorf("document.title = %q, want the (inert) title %q", st.Title, o.Title)
	}
	if len(st.HandlerAttributes) > 0 || len(st.JavascriptURLs) > 0 {
		t.Errorf("event handlers %v or javascript: URLs %v appeared in the DOM", st.HandlerAttributes, st.JavascriptURLs)
	}
	// The same structure with clean names must give the same elements:
	// any extra <img>, <script>, <iframe>, <a>, <style> … came from data.
	for k, v := range cst.Elements {
		if st.Elements[k] != v {
			t.Errorf("%d <%s> elements with hostile data, %d with clean data", st.Elements[k], k, v)
		}
	}
	if st.Elements["script"] != 4 || st.Elements["img"] != 0 || st.Elements["iframe"] != 0 {
		t.Errorf("elements = %v, want 4 scripts, no img, no iframe", st.Elements)
	}
	// The drill-down panels and the filtered views keep them text too.
	hostileDrill(t, st, dom, m)
	// And the payloads are shown, as text.
	for _, p := range []string{"&lt;img src=x onerror=", "&lt;/script&gt;&lt;script&gt;", "{{.}}{{template", "javascript:window.__pwned=4"} {
		if !strings.Contains(dom, p) {
			t.Errorf("payload text %q is not shown on the page", p)
		}
	}
}
