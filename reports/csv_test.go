package reports

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCSVCellInjection runs the report's csvCell (taken from
// assets/report.js as shipped) in headless Chromium: every text cell a
// spreadsheet would evaluate as a formula, as OWASP lists them (=, +, -,
// @, tab, CR; after leading whitespace; the full-width ＝ ＋ － ＠), gets a
// leading quote; numbers, and text that is only a number, stay as they are.
func TestCSVCellInjection(t *testing.T) {
	bin := chromium(t)
	js, err := os.ReadFile(filepath.Join("assets", "report.js"))
	if err != nil {
		t.Fatal(err)
	}
	fn := regexp.MustCompile(`(?s)function csvCell\(v\) \{.*?\n  \}`).Find(js)
	if fn == nil {
		t.Fatal("csvCell not found in assets/report.js")
	}
	cases := []struct {
		in   any
		want string
	}{
		{`=HYPERLINK("http://x","y")`, `"'=HYPERLINK(""http://x"",""y"")"`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "\"'\r=1\""},
		{"  =1+1", "'  =1+1"},
		{"\u3000=1", "'\u3000=1"},
		{"＝1+1", "'＝1+1"},
		{"＋1", "'＋1"},
		{"－1", "'－1"},
		{"＠A1", "'＠A1"},
		{" ＝1", "' ＝1"},
		{-12.5, "-12.5"},
		{7, "7"},
		{"-12.5", "-12.5"},
		{"+3", "+3"},
		{"1e-3", "1e-3"},
		{"Billing", "Billing"},
		{"a=b", "a=b"},
		{"a,b", `"a,b"`},
		{nil, ""},
	}
	ins := make([]any, len(cases))
	for i, c := range cases {
		ins[i] = c.in
	}
	data, _ := json.Marshal(ins)
	page := filepath.Join(t.TempDir(), "csv.html")
	src := "<!doctype html><html><body><pre id=out></pre><script>" + string(fn) +
		"\ndocument.getElementById('out').textContent = JSON.stringify(" + string(data) + ".map(csvCell));</script></body></html>"
	if err := os.WriteFile(page, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(browse(t, bin, page, "--dump-dom"))
	m := regexp.MustCompile(`(?s)<pre id="out">(.*?)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("no result in the page:\n%.2000s", dom)
	}
	var got []string
	if err := json.Unmarshal([]byte(html.UnescapeString(strings.TrimSpace(m[1]))), &got); err != nil {
		t.Fatalf("%v: %s", err, m[1])
	}
	want := make([]string, len(cases))
	for i, c := range cases {
		want[i] = c.want
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("csvCell (-want +got):\n%s", diff)
	}
}
