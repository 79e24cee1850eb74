package reports

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/renameio/v2"
)

// Paper is a sheet size the PDF is printed on.
type Paper string

// The paper sizes --paper and [report] paper accept.
const (
	A4     Paper = "a4"
	Letter Paper = "letter"
)

// Papers are the sizes ParsePaper accepts (config.Papers names them too).
var Papers = []Paper{A4, Letter}

// ParsePaper reads a paper name; empty means A4.
func ParsePaper(s string) (Paper, error) {
	switch Paper(strings.ToLower(strings.TrimSpace(s))) {
	case "", A4:
		return A4, nil
	case Letter:
		return Letter, nil
	}
	return "", fmt.Errorf("paper %q: want a4 or letter", s)
}

// inches is the sheet's width and height.
func (p Paper) inches() (w, h float64) {
	if p == Letter {
		return 8.5, 11
	}
	return 210 / 25.4, 297 / 25.4
}

// cssSize is the paper's name in a CSS @page size.
func (p Paper) cssSize() string {
	if p == Letter {
		return "letter"
	}
	return "A4"
}

// chromiumInstall is what to run when no Chromium is found.
const chromiumInstall = "apt-get install -y chromium"

// chromiumNames are the names Chromium goes by on PATH, most usual first.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// FindChromium returns the headless browser that prints the PDF: the
// CHROMIUM environment variable when set (it must name an executable),
// else the first of chromium, chromium-browser, google-chrome and
// google-chrome-stable on PATH.
func FindChromium() (string, error) {
	if env := os.Getenv("CHROMIUM"); env != "" {
		p, err := exec.LookPath(env)
		if err != nil {
			return "", fmt.Errorf("CHROMIUM=%s is not an executable (%v): install Chromium (%s) or point CHROMIUM at it", env, err, chromiumInstall)
		}
		return p, nil
	}
	for _, n := range chromiumNames {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium found for the PDF (looked for %s on PATH, and CHROMIUM is not set): install it (%s) or set CHROMIUM to its path",
		strings.Join(chromiumNames, ", "), chromiumInstall)
}

// chromiumArgs are the flags every headless run of the report uses: no
// sandbox (containers and CI run as root), no GPU, nothing fetched in the
// background, a fresh profile in profileDir.
func chromiumArgs(profileDir string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
		"--hide-scrollbars", "--mute-audio", "--user-data-dir=" + profileDir}
}

// PDFOptions controls WritePDF.
type PDFOptions struct {
	// Chromium is the browser's path; empty means FindChromium.
	Chromium string
	// Paper is the sheet size; empty means A4.
	Paper Paper
	// Timeout bounds the whole rendering; 0 means two minutes.
	Timeout time.Duration
	Logger  *slog.Logger
}

// WritePDF prints the report written at htmlPath to pdfPath with headless
// Chromium, atomically: a failure leaves the previous PDF in place. It
// waits for the page's print-ready signal (every chart drawn at the
// printed width) before printing, so no chart is caught half drawn.
func WritePDF(ctx context.Context, htmlPath, pdfPath string, o PDFOptions) error {
	pdf, err := printPDF(ctx, htmlPath, o, "")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(pdfPath), 0o755); err != nil {
		return fmt.Errorf("pdf dir: %w", err)
	}
	if err := renameio.WriteFile(pdfPath, pdf.data, 0o644); err != nil {
		return fmt.Errorf("write pdf %s: %w", pdfPath, err)
	}
	return nil
}

// printed is a PDF and, for tests, what a probe expression returned on the
// page just before printing.
type printed struct {
	data  []byte
	probe json.RawMessage
}

// Print geometry. The margins are the @page margins of report.css; the
// viewport is set to the printable width so that the charts are laid out
// (and drawn by the page) at the width they have on paper.
const (
	marginInches       = 12 / 25.4
	bottomMarginInches = 14 / 25.4
	cssPxPerInch       = 96
)

// pageReady is the page's print-ready signal (report.js sets it once
// every chart has drawn at its current size).
const pageReady = `(async () => {
  const r = window.__report;
  if (!r || !r.printReady) throw new Error("the page has no print-ready signal (window.__report.printReady)");
  return await r.printReady();
})()`

// printPDF loads the page in headless Chromium under print media at the
// paper's printable width, waits for pageReady, evaluates probe (if any)
// and prints.
func printPDF(ctx context.Context, htmlPath string, o PDFOptions, probe string) (printed, error) {
	var out printed
	paper, err := ParsePaper(string(o.Paper))
	if err != nil {
		return out, err
	}
	bin := o.Chromium
	if bin == "" {
		if bin, err = FindChromium(); err != nil {
			return out, err
		}
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Minute
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(htmlPath)
	if err != nil {
		return out, fmt.Errorf("pdf: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return out, fmt.Errorf("pdf: the report to print: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	profile, err := os.MkdirTemp("", "mcnamara-chromium-")
	if err != nil {
		return out, fmt.Errorf("pdf: profile dir: %w", err)
	}
	defer os.RemoveAll(profile)
	b, err := startBrowser(ctx, bin, profile)
	if err != nil {
		return out, err
	}
	defer b.close()

	start := time.Now()
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return out, err
	}
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached); err != nil {
		return out, err
	}
	s := attached.SessionID
	w, h := paper.inches()
	width := int((w - 2*marginInches) * cssPxPerInch)
	loaded := b.await("Page.loadEventFired", s)
	steps := []struct {
		method string
		params map[string]any
	}{
		{"Page.enable", nil},
		{"Runtime.enable", nil},
		{"Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": int(h * cssPxPerInch), "deviceScaleFactor": 1, "mobile": false}},
		{"Emulation.setEmulatedMedia", map[string]any{"media": "print"}},
		{"Page.navigate", map[string]any{"url": (&url.URL{Scheme: "file", Path: abs}).String()}},
	}
	for _, st := range steps {
		if err := b.call(ctx, s, st.method, st.params, nil); err != nil {
			return out, err
		}
	}
	select {
	case <-loaded:
	case <-ctx.Done():
		return out, fmt.Errorf("pdf: the report did not load within %s", o.Timeout)
	}
	// The sheet size follows --paper: an @page size in the page wins over
	// the browser's own, in a print dialog as here.
	if _, err := b.eval(ctx, s, `document.head.appendChild(Object.assign(document.createElement("style"), {textContent: "@page { size: `+paper.cssSize()+` }"})) && true`); err != nil {
		return out, err
	}
	if _, err := b.eval(ctx, s, pageReady); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("the charts were not drawn within %s", o.Timeout)
		}
		return out, fmt.Errorf("pdf: %w%s", err, b.pageErrors())
	}
	if probe != "" {
		if out.probe, err = b.eval(ctx, s, probe); err != nil {
			return out, err
		}
	}
	var res struct {
		Data string `json:"data"`
	}
	err = b.call(ctx, s, "Page.printToPDF", map[string]any{
		"paperWidth": w, "paperHeight": h, "preferCSSPageSize": true, "printBackground": true,
		"marginTop": marginInches, "marginBottom": bottomMarginInches, "marginLeft": marginInches, "marginRight": marginInches,
		// Page numbers, for an executive who refers to "page 4" in a
		// meeting; the header stays empty.
		"displayHeaderFooter": true, "headerTemplate": "<span></span>",
		"footerTemplate": `<div style="font: 8px system-ui, sans-serif; color: #5b6670; width: 100%; text-align: center"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
	}, &res)
	if err != nil {
		return out, err
	}
	if out.data, err = base64.StdEncoding.DecodeString(res.Data); err != nil {
		return out, fmt.Errorf("pdf: chromium's answer: %w", err)
	}
	log.Debug("pdf printed", "paper", string(paper), "bytes", len(out.data), "seconds", time.Since(start).Seconds())
	return out, nil
}

// browser is one headless Chromium driven over its DevTools pipe
// (--remote-debugging-pipe: JSON messages ended by NUL, commands on fd 3,
// answers and events on fd 4), so that no port is opened.
type browser struct {
	cmd    *exec.Cmd
	toB    *os.File
	stderr *tailBuffer
	done   chan struct{} // closed when the reader stops

	mu      sync.Mutex
	next    int
	calls   map[int]chan cdpMessage
	waiters map[string][]chan struct{}
	errs    []string // exceptions and console errors on the page
	readErr error
}

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

func startBrowser(ctx context.Context, bin, profile string) (*browser, error) {
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	evR, evW, err := os.Pipe()
	if err != nil {
		cmdR.Close()
		cmdW.Close()
		return nil, err
	}
	args := append(chromiumArgs(profile), "--remote-debugging-pipe", "about:blank")
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.ExtraFiles = []*os.File{cmdR, evW} // fd 3, fd 4
	stderr := &tailBuffer{max: 4096}
	cmd.Stderr = stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		for _, f := range []*os.File{cmdR, cmdW, evR, evW} {
			f.Close()
		}
		return nil, fmt.Errorf("pdf: start %s: %w", bin, err)
	}
	cmdR.Close()
	evW.Close()
	b := &browser{cmd: cmd, toB: cmdW, stderr: stderr, done: make(chan struct{}),
		calls: map[int]chan cdpMessage{}, waiters: map[string][]chan struct{}{}}
	go b.read(evR)
	return b, nil
}

func (b *browser) read(r io.ReadCloser) {
	defer close(b.done)
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		msg, err := br.ReadBytes(0)
		if err != nil {
			b.mu.Lock()
			b.readErr = err
			b.mu.Unlock()
			return
		}
		var m cdpMessage
		if json.Unmarshal(msg[:len(msg)-1], &m) != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch, ok := b.calls[m.ID]; ok {
				ch <- m
				delete(b.calls, m.ID)
			}
		} else {
			b.event(m)
		}
		b.mu.Unlock()
	}
}

// event records what the page reports; b.mu is held.
func (b *browser) event(m cdpMessage) {
	key := m.Method + "\x00" + m.SessionID
	for _, ch := range b.waiters[key] {
		close(ch)
	}
	delete(b.waiters, key)
	switch m.Method {
	case "Runtime.exceptionThrown":
		var p struct {
			Details struct {
				Text      string `json:"text"`
				Exception struct {
					Description string `json:"description"`
				} `json:"exception"`
			} `json:"exceptionDetails"`
		}
		if json.Unmarshal(m.Params, &p) == nil {
			b.errs = append(b.errs, strings.TrimSpace(p.Details.Text+" "+p.Details.Exception.Description))
		}
	case "Runtime.consoleAPICalled":
		var p struct {
			Type string `json:"type"`
			Args []struct {
				Value       any    `json:"value"`
				Description string `json:"description"`
			} `json:"args"`
		}
		if json.Unmarshal(m.Params, &p) == nil && p.Type == "error" {
			var parts []string
			for _, a := range p.Args {
				if a.Value != nil {
					parts = append(parts, fmt.Sprint(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			b.errs = append(b.errs, strings.Join(parts, " "))
		}
	}
}

// await returns a channel closed when the session next receives method.
func (b *browser) await(method, session string) <-chan struct{} {
	ch := make(chan struct{})
	b.mu.Lock()
	key := method + "\x00" + session
	b.waiters[key] = append(b.waiters[key], ch)
	b.mu.Unlock()
	return ch
}

// call sends one DevTools command and decodes its result into res.
func (b *browser) call(ctx context.Context, session, method string, params map[string]any, res any) error {
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan cdpMessage, 1)
	b.calls[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if _, err := b.toB.Write(append(data, 0)); err != nil {
		return fmt.Errorf("pdf: chromium stopped: %w%s", err, b.stderr.tail())
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("pdf: chromium %s: %s", method, m.Error.Message)
		}
		if res != nil {
			if err := json.Unmarshal(m.Result, res); err != nil {
				return fmt.Errorf("pdf: chromium %s: %w", method, err)
			}
		}
		return nil
	case <-b.done:
		return fmt.Errorf("pdf: chromium exited during %s%s", method, b.stderr.tail())
	case <-ctx.Done():
		return fmt.Errorf("pdf: chromium %s: %w", method, context.Cause(ctx))
	}
}

// eval evaluates a JS expression on the page, awaiting a promise, and
// returns its value as JSON; a thrown error is an error.
func (b *browser) eval(ctx context.Context, session, expr string) (json.RawMessage, error) {
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	err := b.call(ctx, session, "Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true}, &res)
	if err != nil {
		return nil, err
	}
	if e := res.Exception; e != nil {
		msg := e.Exception.Description
		if msg == "" {
			msg = e.Text
		}
		return nil, errors.New(strings.TrimPrefix(strings.SplitN(msg, "\n", 2)[0], "Error: "))
	}
	return res.Result.Value, nil
}

// pageErrors lists what the page reported, for an error message.
func (b *browser) pageErrors() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errs) == 0 {
		return ""
	}
	return "; the page reported: " + strings.Join(b.errs, "; ")
}

// close ends the browser: asked politely, then killed if it lingers.
func (b *browser) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = b.call(ctx, "", "Browser.close", nil, nil)
	b.toB.Close()
	exited := make(chan struct{})
	go func() {
		select {
		case <-exited:
		case <-ctx.Done():
			_ = b.cmd.Process.Kill()
		}
	}()
	_ = b.cmd.Wait()
	close(exited)
	<-b.done
}

// tailBuffer keeps the end of what chromium writes on stderr, for errors.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) tail() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.b))
	if s == "" {
		return ""
	}
	return ": " + s
}
