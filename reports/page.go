package reports

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"regexp"
	"strings"
)

// The whole assets directory is embedded so that the package builds before
// `make assets` (or `go generate ./reports`) has fetched echarts; Render
// then says what to do.
//
//go:generate make -C .. assets
//go:embed assets
var assets embed.FS

const echartsFile = "assets/echarts.min.js"

func checkAssets() error {
	if _, err := fs.Stat(assets, echartsFile); err != nil {
		return errors.New("report: the echarts library is not embedded in this binary: run `make assets` (fetches echarts@5.6.0 from npm into reports/assets) and rebuild")
	}
	return nil
}

func asset(name string) string {
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		panic(fmt.Sprintf("reports: embedded asset %s: %v", name, err)) // compiled in; cannot happen
	}
	return string(b)
}

// unsafeInScript finds what would end or corrupt an inline <script>: its
// end tag, an HTML comment opener (which changes how the parser looks for
// the end tag) and the JS line terminators U+2028/U+2029.
var unsafeInScript = regexp.MustCompile(`(?i)</script|<!--|<script|\x{2028}|\x{2029}`)

// scriptText makes library code safe to inline. In JS, "<\/script" means
// the same as "</script" inside strings and regular expressions, the only
// places either can occur in valid code.
func scriptText(js string) (string, error) {
	js = strings.NewReplacer("</script", `<\/script`, "</SCRIPT", `<\/SCRIPT`, "<!--", `<\!--`).Replace(js)
	if loc := unsafeInScript.FindStringIndex(js); loc != nil {
		return "", fmt.Errorf("report: an inline script contains %q at byte %d, which would break the page", js[loc[0]:loc[1]], loc[0])
	}
	return js, nil
}

// modelJSON serialises the model for the page's JSON data block. The
// encoder escapes <, >, & and U+2028/U+2029 inside strings, so no value
// from the data can end the block; the check below makes sure of it.
func modelJSON(m *Model, selfTest bool) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	v := struct {
		*Model
		SelfTest bool `json:"selftest,omitempty"`
	}{m, selfTest}
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("report: encode model: %w", err)
	}
	s := strings.TrimSpace(buf.String())
	if unsafeInScript.MatchString(s) || strings.ContainsAny(s, "<>") {
		return "", errors.New("report: the encoded model is not safe to inline")
	}
	return s, nil
}

type pageData struct {
	M        *Model
	CSP      string
	CSS      template.CSS
	Model    template.JS
	Scripts  []template.JS // executed, in order, after the model
	SelfTest template.JS   // first script in <head>, only in tests
	Nav      []Section
}

func writePage(w io.Writer, m *Model, selfTest bool) error {
	mj, err := modelJSON(m, selfTest)
	if err != nil {
		return err
	}
	d := pageData{M: m, CSS: template.CSS(asset("report.css")), Model: template.JS(mj)}
	var hashes []string
	hash := func(s string) {
		h := sha256.Sum256([]byte(s))
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(h[:])+"'")
	}
	if selfTest {
		st, err := scriptText(asset("selftest.js"))
		if err != nil {
			return err
		}
		d.SelfTest = template.JS(st)
		hash(st)
	}
	for _, name := range []string{"echarts.min.js", "report.js"} {
		b, err := assets.ReadFile("assets/" + name)
		if err != nil {
			return checkAssets()
		}
		js, err := scriptText(string(b))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		d.Scripts = append(d.Scripts, template.JS(js))
		hash(js)
	}
	// Only our own scripts, by hash, may run: an event-handler attribute or
	// script that slipped in from data would be refused, and nothing can
	// reach the network.
	d.CSP = "default-src 'none'; script-src " + strings.Join(hashes, " ") +
		"; style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'"
	for _, group := range [][]Section{m.Main, m.Journeys, m.Reference} {
		for _, s := range group {
			if !strings.HasPrefix(s.ID, "journey-") {
				d.Nav = append(d.Nav, s)
			}
		}
	}
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, d); err != nil {
		return fmt.Errorf("report: render page: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("report: write: %w", err)
	}
	return nil
}

var pageTmpl = template.Must(template.New("page.html.tmpl").Funcs(template.FuncMap{
	"cell": cell,
	"mark": func(status string) string {
		return map[string]string{"green": "✓", "amber": "~", "red": "✗"}[status]
	},
	"tileValue": func(p *float64) string {
		if p == nil {
			return "–"
		}
		return pct(*p)
	},
	"tileDelta": tileDelta,
	"tileWhole": func(p *float64) string {
		if p == nil {
			return ""
		}
		return "whole period " + pct(*p)
	},
}).ParseFS(assets, "assets/page.html.tmpl"))

// tileDelta describes a tile's change and whether it is good news.
func tileDelta(t Tile) (out struct{ Text, Class string }) {
	if t.Note != "" {
		out.Text = t.Note
		return out
	}
	if t.Value == nil || t.Prev == nil {
		out.Text = "no previous week"
		return out
	}
	d := *t.Value - *t.Prev
	out.Text = pts(d) + " vs week before"
	switch {
	case pts(d) == "no change":
		out.Class = "flat"
	case (d > 0) == (t.Good == "up"):
		out.Class = "good"
	default:
		out.Class = "bad"
	}
	switch {
	case out.Class == "flat":
	case d > 0:
		out.Text = "▲ " + out.Text
	default:
		out.Text = "▼ " + out.Text
	}
	return out
}

// cell formats a table value for reading; the CSV keeps the raw value.
func cell(c Column, v any) string {
	if v == nil {
		return ""
	}
	f, isNum := v.(float64)
	if i, ok := v.(int64); ok {
		f, isNum = float64(i), true
	}
	switch {
	case c.Format == fmtPct && isNum:
		return pct(f)
	case c.Format == fmtDur && isNum:
		return dur(f)
	case c.Format == fmtHours && isNum:
		return dur(f * 3600)
	case c.Format == fmtDays && isNum:
		return days(f)
	case c.Format == fmtNum && isNum:
		return strings.Replace(fmt.Sprintf("%.2f", f), "-", "−", 1)
	case c.Format == fmtDate:
		if s, ok := v.(string); ok {
			return day(s)
		}
	case c.Format == fmtTime:
		if s, ok := v.(string); ok {
			return stamp(s)
		}
	case c.Format == fmtBool:
		if b, ok := v.(bool); ok {
			if b {
				return "✓"
			}
			return "–"
		}
	}
	return fmtAny(v)
}
