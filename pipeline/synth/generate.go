package synth

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"
	_ "time/tzdata" // the business zone must load on hosts without zoneinfo
)

// BusinessZone is the time zone of the simulated contact center.
const BusinessZone = "America/New_York"

// MaxContacts bounds --contacts (the id layout allows it with margin).
const MaxContacts = 100_000_000

// DefaultStart is the first simulated day when Options.Start is zero.
var DefaultStart = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// TruthFile is the name of the ground-truth file written beside the data.
const TruthFile = "ground_truth.json"

// Options configures Generate.
type Options struct {
	Out      string    // output directory (created if missing)
	Contacts int64     // exported contacts to produce (the last person may add a few)
	Days     int       // exported days
	Seed     uint64    // same seed and options → byte-identical files
	Start    time.Time // first day; only its calendar date is used
	Daily    bool      // one file per export and day
	// Format of the phone system's export: "csv" (the default, the ACD's
	// call log) or "parquet" (an Amazon Connect analytics data lake
	// contact_record table, written through parquet-go; see parquet.go).
	Format string
	// NoGaming plants none of the gaming behaviours (gaming.go): the
	// detectors' false-positive check. Every other planted effect stays.
	NoGaming bool
	Workers  int // simulation goroutines; 0 = min(2, GOMAXPROCS). Does not change the output.
	Logger   *slog.Logger
	// Progress, when set, is called after each step of each phase
	// ("simulate": contacts; "write": rows) from the calling goroutine.
	Progress func(phase string, done, total int64)
}

// FileInfo is one written export (or, with Daily, all days of one export).
type FileInfo struct {
	Export string `json:"export"`
	Name   string `json:"name"` // file name, or the glob of the daily files
	Files  int    `json:"files"`
	Rows   int64  `json:"rows"` // data rows, header excluded
}

// Summary reports what Generate wrote.
type Summary struct {
	Files    []FileInfo
	Contacts int64
	Persons  int64
	Truth    string // path of ground_truth.json
}

// gen is the shared, read-only state of one generation.
type gen struct {
	opts           Options
	seed           uint64
	cal            *calendar
	org            *org
	ids            *idSpace
	nightmareEvery int64
	nightmareScale float64
	log            *slog.Logger
	names          names
}

func (o *Options) validate() error {
	switch {
	case o.Out == "":
		return errors.New("no output directory: pass --out DIR")
	case o.Contacts < 1 || o.Contacts > MaxContacts:
		return fmt.Errorf("--contacts %d: want 1..%d", o.Contacts, MaxContacts)
	case o.Days < 1 || o.Days > 3660:
		return fmt.Errorf("--days %d: want 1..3660", o.Days)
	case o.Format != "" && o.Format != "csv" && o.Format != "parquet":
		return fmt.Errorf("--format %q: want csv or parquet", o.Format)
	}
	return nil
}

func newGen(o Options) (*gen, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(BusinessZone)
	if err != nil {
		return nil, fmt.Errorf("load time zone %s: %w", BusinessZone, err)
	}
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	g := &gen{opts: o, seed: o.Seed, log: o.Logger, names: csvNames}
	if o.Format == "parquet" {
		g.names = connectNames
	}
	// Warm-up days let journeys be under way when the export starts.
	g.cal = newCalendar(o.Start, min(maxWarmupDays, max(o.Days, 7)), o.Days, loc)
	g.org = buildOrg(o.Seed, o.Contacts, o.Days)
	if !o.NoGaming {
		g.org.plantGaming(o.Seed)
	}
	g.ids = newIDSpace(o.Seed)
	// About one person in 3.5 contacts; a handful of nightmares even in
	// small runs, about one per 2,500 people in large ones.
	est := max(o.Contacts*2/7, 1)
	g.nightmareEvery = min(max(est/6, 40), 2500)
	g.nightmareScale = min(1, float64(o.Days)/60)
	return g, nil
}

func (g *gen) isNightmare(i int64) bool { return i%g.nightmareEvery == g.nightmareEvery/2 }

// nightmareArrival starts a nightmare early enough to play out in the
// export when the export is long enough.
func (g *gen) nightmareArrival(r *rand.Rand) int64 {
	latest := g.cal.end - int64(50*g.nightmareScale*86400)
	latest = max(latest, g.cal.start+1)
	return g.cal.start + int64(r.Float64()*float64(latest-g.cal.start))
}

// Generate simulates the contact center and writes the six exports and
// ground_truth.json into o.Out.
func Generate(ctx context.Context, o Options) (*Summary, error) {
	g, err := newGen(o)
	if err != nil {
		return nil, err
	}
	o = g.opts
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("create output directory: %w", err)
	}
	tmp, err := os.MkdirTemp(o.Out, ".generate-")
	if err != nil {
		return nil, fmt.Errorf("create scratch directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	g.log.Info("generating", "out", o.Out, "contacts", o.Contacts, "days", o.Days, "range", g.cal.String(),
		"seed", o.Seed, "agents", len(g.org.agents), "teams", len(g.org.teams), "stores", len(g.org.stores))

	began := time.Now()
	runs, tot, err := g.simulate(ctx, tmp)
	if err != nil {
		return nil, err
	}
	g.log.Info("simulated", "contacts", tot.contactsTotal(), "persons", tot.persons, "runs", len(runs),
		"elapsed", time.Since(began).Round(time.Millisecond))
	files, err := g.merge(ctx, runs)
	if err != nil {
		return nil, err
	}
	truth := g.truth(tot, files)
	path := filepath.Join(o.Out, TruthFile)
	if err := writeJSON(path, truth); err != nil {
		return nil, err
	}
	g.log.Info("generated", "contacts", tot.contactsTotal(), "files", len(files), "truth", path,
		"elapsed", time.Since(began).Round(time.Millisecond))
	return &Summary{Files: files, Contacts: tot.contactsTotal(), Persons: tot.persons, Truth: path}, nil
}

func (t *tally) contactsTotal() int64 {
	var n int64
	for _, c := range t.contacts {
		n += c
	}
	return n
}

// worker simulates chunks of people with its own scratch space.
type worker struct {
	s   sim
	buf chunkBuf
	e   emitter
}

func (g *gen) newWorker() *worker {
	w := &worker{}
	w.s.g = g
	w.s.src = rand.NewPCG(0, 0)
	w.s.r = rand.New(w.s.src)
	w.e = emitter{g: g, buf: &w.buf}
	return w
}

// chunk is the result of simulating people [from, to).
type chunk struct {
	from, to int64
	run      string
	records  int64
	written  []int32 // exported contacts per person
	tally    *tally
}

// runChunk simulates people [from, to), sorts their rows by time and
// writes them as one sorted run file.
func (g *gen) runChunk(w *worker, from, to int64, path string) (*chunk, error) {
	if to > maxPersons {
		return nil, fmt.Errorf("too many people simulated (%d): lower --contacts", to)
	}
	ck := &chunk{from: from, to: to, run: path, written: make([]int32, to-from), tally: newTally(g.org)}
	w.buf.reset()
	for i := from; i < to; i++ {
		w.s.simulatePerson(i)
		w.s.account(ck.tally)
		w.s.emitPerson(&w.e)
		n := int32(0)
		for j := range w.s.contacts {
			if w.s.contacts[j].written {
				n++
			}
		}
		ck.written[i-from] = n
	}
	recs := w.buf.recs
	slices.SortFunc(recs, func(a, b rec) int {
		if c := cmp.Compare(a.t, b.t); c != 0 {
			return c
		}
		return cmp.Compare(a.ord, b.ord)
	})
	ck.records = int64(len(recs))
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create run file: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	var hdr [2*binary.MaxVarintLen64 + 1]byte
	prev := int64(0)
	for _, r := range recs {
		n := binary.PutUvarint(hdr[:], uint64(r.t-prev))
		hdr[n] = byte(r.ex)
		n++
		n += binary.PutUvarint(hdr[n:], uint64(r.size))
		bw.Write(hdr[:n])
		bw.Write(w.buf.data[r.off : r.off+r.size])
		prev = r.t
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return nil, fmt.Errorf("write run file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write run file: %w", err)
	}
	return ck, nil
}

// simulate runs chunks of people until the exported contacts reach the
// requested number. Chunks run in parallel rounds but are accepted in
// order; the person that reaches the target is the last one, and when it
// falls inside a chunk that chunk is simulated again up to that person
// (people are seeded individually, so the result is identical).
func (g *gen) simulate(ctx context.Context, dir string) ([]*chunk, *tally, error) {
	target := g.opts.Contacts
	size := min(max(target/16, 64), 16384)
	nw := g.opts.Workers
	if nw <= 0 {
		nw = min(2, runtime.GOMAXPROCS(0))
	}
	workers := make([]*worker, nw)
	for i := range workers {
		workers[i] = g.newWorker()
	}
	total := newTally(g.org)
	var kept []*chunk
	var done int64
	next := int64(0)
	lastLog := time.Now()
	for round := 0; ; round++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		res := make([]*chunk, nw)
		errs := make([]error, nw)
		var wg sync.WaitGroup
		for i := range nw {
			from := next + int64(i)*size
			path := filepath.Join(dir, fmt.Sprintf("run-%06d-%d", round, i))
			wg.Go(func() { res[i], errs[i] = g.runChunk(workers[i], from, from+size, path) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, nil, err
		}
		next += int64(nw) * size
		for i, ck := range res {
			var sum int64
			for _, n := range ck.written {
				sum += int64(n)
			}
			if done+sum < target {
				done += sum
				total.merge(ck.tally)
				ck.tally, ck.written = nil, nil // only the run file is needed from here on
				kept = append(kept, ck)
				continue
			}
			cut := ck.from
			for acc := done; acc < target; cut++ {
				acc += int64(ck.written[cut-ck.from])
			}
			for _, later := range res[i+1:] {
				os.Remove(later.run)
			}
			if cut < ck.to {
				os.Remove(ck.run)
				again, err := g.runChunk(workers[0], ck.from, cut, ck.run)
				if err != nil {
					return nil, nil, err
				}
				ck = again
			}
			total.merge(ck.tally)
			ck.tally, ck.written = nil, nil
			kept = append(kept, ck)
			g.progress("simulate", target, target)
			return kept, total, nil
		}
		g.progress("simulate", done, target)
		if time.Since(lastLog) > 5*time.Second {
			g.log.Info("simulating", "contacts", done, "of", target)
			lastLog = time.Now()
		}
	}
}

func (g *gen) progress(phase string, done, total int64) {
	if g.opts.Progress != nil {
		g.opts.Progress(phase, done, total)
	}
}

// runReader streams one sorted run file.
type runReader struct {
	idx  int
	f    *os.File
	br   *bufio.Reader
	t    int64
	ex   export
	line []byte
}

func (r *runReader) next() (bool, error) {
	d, err := binary.ReadUvarint(r.br)
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read run file: %w", err)
	}
	r.t += int64(d)
	ex, err := r.br.ReadByte()
	if err != nil {
		return false, fmt.Errorf("read run file: %w", err)
	}
	n, err := binary.ReadUvarint(r.br)
	if err != nil {
		return false, fmt.Errorf("read run file: %w", err)
	}
	r.ex = export(ex)
	r.line = slices.Grow(r.line[:0], int(n))[:n]
	if _, err := io.ReadFull(r.br, r.line); err != nil {
		return false, fmt.Errorf("read run file: %w", err)
	}
	return true, nil
}

func less(a, b *runReader) bool { return a.t < b.t || a.t == b.t && a.idx < b.idx }

// merge k-way merges the runs into the export files in time order.
func (g *gen) merge(ctx context.Context, runs []*chunk) ([]FileInfo, error) {
	var total int64
	h := make([]*runReader, 0, len(runs))
	defer func() {
		for _, r := range h {
			r.f.Close()
		}
	}()
	for i, ck := range runs {
		total += ck.records
		f, err := os.Open(ck.run)
		if err != nil {
			return nil, fmt.Errorf("open run file: %w", err)
		}
		r := &runReader{idx: i, f: f, br: bufio.NewReaderSize(f, 128<<10)}
		ok, err := r.next()
		if err != nil {
			f.Close()
			return nil, err
		}
		if !ok {
			f.Close()
			continue
		}
		h = append(h, r)
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && less(h[r], h[l]) {
				m = r
			}
			if !less(h[m], h[i]) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	out := newOutputs(g)
	defer out.abort()
	var n int64
	step := max(total/100, 1)
	lastLog := time.Now()
	for len(h) > 0 {
		r := h[0]
		if err := out.write(r.ex, r.t, r.line); err != nil {
			return nil, err
		}
		if n++; n%step == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			g.progress("write", n, total)
			if time.Since(lastLog) > 5*time.Second {
				g.log.Info("writing", "rows", n, "of", total)
				lastLog = time.Now()
			}
		}
		ok, err := r.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			r.f.Close()
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	g.progress("write", total, total)
	return out.finish()
}

// outputs writes the export files: one per export, or one per export and
// business day with Daily (days without rows get a header-only file, as a
// nightly export would). Files appear under their final name only when
// complete.
type outputs struct {
	g     *gen
	day   int // current day index (Daily)
	open  bool
	files [nExports]outFile
	info  [nExports]FileInfo
	// transfer legs awaiting their next leg, across daily files (parquet)
	pending map[string]connectLeg
}

type outFile struct {
	f         *os.File
	w         *bufio.Writer
	tmp, path string
	connect   *connectWriter // the phone export as Parquet (Format parquet)
}

func (o *outputs) legs() map[string]connectLeg {
	if o.pending == nil {
		o.pending = map[string]connectLeg{}
	}
	return o.pending
}

func newOutputs(g *gen) *outputs {
	o := &outputs{g: g, day: g.cal.first}
	for ex := range nExports {
		base, ext := g.names.base[ex], g.names.ext[ex]
		o.info[ex] = FileInfo{Export: base, Name: base + ext}
		if g.opts.Daily {
			o.info[ex].Name = base + "_*" + ext
		}
	}
	return o
}

func (o *outputs) openAll() error {
	for ex := range nExports {
		base, ext := o.g.names.base[ex], o.g.names.ext[ex]
		name := base + ext
		if o.g.opts.Daily {
			name = base + "_" + o.g.cal.dateString(o.day) + ext
		}
		path := filepath.Join(o.g.opts.Out, name)
		tmp := filepath.Join(o.g.opts.Out, "."+name+".tmp")
		f, err := os.Create(tmp)
		if err != nil {
			return fmt.Errorf("create %s: %w", path, err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		of := outFile{f: f, w: w, tmp: tmp, path: path}
		if ex == exACD && o.g.names.connect {
			of.connect = newConnectWriter(w, o.legs())
		} else if h := exportHeader[ex]; h != "" {
			w.WriteString(h)
			w.WriteByte('\n')
		}
		o.files[ex] = of
		o.info[ex].Files++
	}
	o.open = true
	return nil
}

func (o *outputs) closeAll() error {
	if !o.open {
		return nil
	}
	o.open = false
	for ex := range nExports {
		f := &o.files[ex]
		var err error
		if f.connect != nil {
			err = f.connect.close()
		}
		if ferr := f.w.Flush(); err == nil {
			err = ferr
		}
		if cerr := f.f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(f.tmp, f.path)
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", f.path, err)
		}
	}
	return nil
}

func (o *outputs) write(ex export, t int64, line []byte) error {
	if !o.open {
		if err := o.openAll(); err != nil {
			return err
		}
	}
	if o.g.opts.Daily {
		for d := o.g.cal.dayOf(t); o.day < d; {
			if err := o.closeAll(); err != nil {
				return err
			}
			o.day++
			if err := o.openAll(); err != nil {
				return err
			}
		}
	}
	o.info[ex].Rows++
	if c := o.files[ex].connect; c != nil {
		return c.write(t, line)
	}
	_, err := o.files[ex].w.Write(line)
	return err
}

// finish closes the files (and writes header-only files for the remaining
// days) and returns what was written.
func (o *outputs) finish() ([]FileInfo, error) {
	last := o.g.cal.first + o.g.cal.days - 1
	if !o.open {
		if err := o.openAll(); err != nil {
			return nil, err
		}
	}
	for o.g.opts.Daily && o.day < last {
		if err := o.closeAll(); err != nil {
			return nil, err
		}
		o.day++
		if err := o.openAll(); err != nil {
			return nil, err
		}
	}
	if err := o.closeAll(); err != nil {
		return nil, err
	}
	return o.info[:], nil
}

// abort removes the temporary file of an unfinished write.
func (o *outputs) abort() {
	if !o.open {
		return
	}
	for ex := range nExports {
		o.files[ex].f.Close()
		os.Remove(o.files[ex].tmp)
	}
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
