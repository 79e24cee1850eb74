package job

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/pipeline/build"
	"github.com/mcnamara/mcnamara/pipeline/ingest"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// The real data sets are read in place from the shared directory. Every
// figure checked here is recomputed from the raw file with a plain Go pass
// (encoding/csv), never copied from the pipeline's output.

// sharedForTest returns the directory holding datasets/. It fails in CI
// (CI=true), where the data must be present, and skips elsewhere, and
// with -short (the real data sets take a while to load).
func sharedForTest(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("loads the real data sets (-short)")
	}
	dir := os.Getenv("MCNAMARA_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "datasets")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real data sets missing in CI: %v (set MCNAMARA_SHARED or put shared/ beside the repository)", err)
		}
		t.Skipf("real data sets not found (%v); set MCNAMARA_SHARED", err)
	}
	return dir
}

// datasetRun is a data set ingested and built the way `demo --dataset`
// does it (same registry entry, same locked ingest and build), without the
// report, plus a DuckDB handle on its lake views and marts.
type datasetRun struct {
	d       Dataset
	cfg     config.File
	sources []ingest.Source
	res     ingest.Result
	db      *sql.DB
	inputs  map[string]lake.Input // by "<mapping>|<file base name>"
}

// runDataset builds a data set's lake once per test binary: the tests that
// read it (TestDataset*, TestFigureAudit, TestDocs) share it. TestMain
// removes the lakes.
func runDataset(t *testing.T, name string) *datasetRun {
	t.Helper()
	shared := sharedForTest(t)
	datasetCache.Lock()
	defer datasetCache.Unlock()
	if r, ok := datasetCache.runs[name]; ok {
		return r
	}
	d, err := LookupDataset(name)
	if err != nil {
		t.Fatal(err)
	}
	sources, err := d.SourcesIn(shared)
	if err != nil {
		t.Fatal(err)
	}
	if datasetCache.dir == "" {
		if datasetCache.dir, err = os.MkdirTemp("", "mcnamara-datasets-"); err != nil {
			t.Fatal(err)
		}
	}
	cfg := config.Defaults()
	cfg.Lake.Dir = filepath.Join(datasetCache.dir, name, "lake")
	d.Configure(&cfg)
	ctx := context.Background()
	r := &datasetRun{d: d, cfg: cfg, sources: sources}
	j := Job{Config: cfg}
	err = j.WithLake(ctx, false, func(db *sql.DB) error {
		res, err := j.IngestLocked(ctx, db, sources)
		if err != nil {
			return err
		}
		r.res = res
		_, err = j.BuildLocked(ctx, db, false)
		return err
	})
	if err != nil {
		t.Fatalf("ingest and build %s: %v", name, err)
	}
	if len(r.res.FileErrors) > 0 {
		t.Fatalf("files refused: %v", r.res.FileErrors)
	}
	db, err := duck.Open(ctx, duck.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // views live on the connection's catalog
	if err := lake.AttachInputs(ctx, db, cfg.Lake.Dir); err != nil {
		t.Fatal(err)
	}
	if _, err := lake.AttachMarts(ctx, db, cfg.Lake.Dir); err != nil {
		t.Fatal(err)
	}
	r.db = db
	batches, err := lake.ReadManifest(cfg.Lake.Dir)
	if err != nil {
		t.Fatal(err)
	}
	r.inputs = map[string]lake.Input{}
	for _, b := range batches {
		for _, in := range b.Inputs {
			r.inputs[in.Mapping+"|"+filepath.Base(in.Path)] = in
		}
	}
	datasetCache.runs[name] = r
	return r
}

// datasetCache holds the data sets' lakes built so far.
var datasetCache = struct {
	sync.Mutex
	dir  string
	runs map[string]*datasetRun
}{runs: map[string]*datasetRun{}}

// closeDatasets closes and removes the cached lakes.
func closeDatasets() {
	datasetCache.Lock()
	defer datasetCache.Unlock()
	for _, r := range datasetCache.runs {
		r.db.Close()
	}
	if datasetCache.dir != "" {
		os.RemoveAll(datasetCache.dir)
	}
}

// input is the manifest record of file loaded through preset.
func (r *datasetRun) input(t *testing.T, preset, file string) lake.Input {
	t.Helper()
	in, ok := r.inputs["preset "+preset+"|"+file]
	if !ok {
		t.Fatalf("manifest has no input %s through %s (have %v)", file, preset, keys(r.inputs))
	}
	if in.RowsRead != in.RowsLoaded+in.RowsRejected {
		t.Errorf("%s via %s: read %d ≠ loaded %d + rejected %d", file, preset, in.RowsRead, in.RowsLoaded, in.RowsRejected)
	}
	return in
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (r *datasetRun) int(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := r.db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n.Int64
}

func (r *datasetRun) float(t *testing.T, q string, args ...any) float64 {
	t.Helper()
	var f sql.NullFloat64
	if err := r.db.QueryRow(q, args...).Scan(&f); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if !f.Valid {
		t.Fatalf("%s: NULL", q)
	}
	return f.Float64
}

func (r *datasetRun) strings(t *testing.T, q string, args ...any) []string {
	t.Helper()
	rows, err := r.db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s.String)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// rejectsExplained fails on any reject whose reason is not one of the
// data set's documented exclusions.
func (r *datasetRun) rejectsExplained(t *testing.T, allowed ...*regexp.Regexp) {
	t.Helper()
	for _, reason := range r.strings(t, "SELECT DISTINCT reason FROM rejects") {
		if !slices.ContainsFunc(allowed, func(re *regexp.Regexp) bool { return re.MatchString(reason) }) {
			t.Errorf("unexplained reject: %q", reason)
		}
	}
}

func (r *datasetRun) gapTotal(t *testing.T, col string) float64 {
	t.Helper()
	return r.float(t, "SELECT "+col+" FROM gap WHERE dimension = 'all' AND grain = 'total'")
}

// rawFile is a delimited file as encoding/csv reads it.
type rawFile struct {
	header []string
	rows   [][]string
	lines  []int // line of each row in the file (header = line 1)
	// dataLines is the number of physical lines after the header.
	dataLines int
}

func readRaw(t *testing.T, path string, comma rune) rawFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		lines++ // a last line without a newline still counts
	}
	cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	var f rawFile
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		line, _ := cr.FieldPos(0)
		if f.header == nil {
			f.header = rec
			continue
		}
		f.rows = append(f.rows, rec)
		f.lines = append(f.lines, line)
	}
	f.dataLines = lines - 1
	return f
}

// col returns the index of a header column, matched after the same
// normalisation DuckDB's normalize_names applies (lower case, runs of
// other characters to one underscore).
func (f rawFile) col(t *testing.T, name string) int {
	t.Helper()
	for i, h := range f.header {
		if normName(h) == name {
			return i
		}
	}
	t.Fatalf("no column %q in header %q", name, f.header)
	return -1
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

func normName(s string) string {
	return strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(s), "_"), "_")
}

// chainContact is an identified contact for the journey recomputation.
type chainContact struct {
	person  string
	at      time.Time
	claimed bool
}

type chainFigures struct {
	// openEnds are journeys whose end is not judged yet; openJourneys are
	// those of them with a single contact (a longer one already failed:
	// its customer came back).
	journeys, openEnds, openJourneys, followed, gap int
}

// chainJourneys recomputes, independently of the SQL models, the design's
// journeys for contacts without a case: a person's next contact joins the
// journey when it starts within window of the previous one (inclusive).
// bad holds outcome events per person; each attaches to the person's latest
// journey started at or before it, if it is no later than horizon after
// that journey's last contact. A journey's end is open when nothing bad
// attached and its last contact's window runs past dataEnd. A contact
// failed when another contact of its journey follows, or when it ends a
// judged journey with a bad event; the gap is claimed AND failed.
func chainJourneys(cs []chainContact, bad map[string][]time.Time, window, horizon time.Duration, dataEnd time.Time) chainFigures {
	byPerson := map[string][]chainContact{}
	for _, c := range cs {
		byPerson[c.person] = append(byPerson[c.person], c)
	}
	var f chainFigures
	for p, list := range byPerson {
		sort.SliceStable(list, func(i, j int) bool { return list[i].at.Before(list[j].at) })
		var js [][]chainContact
		for i, c := range list {
			if i == 0 || c.at.Sub(list[i-1].at) > window {
				js = append(js, nil)
			}
			js[len(js)-1] = append(js[len(js)-1], c)
		}
		badJ := make([]bool, len(js))
		for _, ev := range bad[p] {
			k := -1
			for i, j := range js {
				if !j[0].at.After(ev) {
					k = i
				}
			}
			if k >= 0 && !ev.After(js[k][len(js[k])-1].at.Add(horizon)) {
				badJ[k] = true
			}
		}
		for i, j := range js {
			f.journeys++
			last := j[len(j)-1]
			open := !badJ[i] && last.at.Add(window).After(dataEnd)
			if open {
				f.openEnds++
				if len(j) == 1 {
					f.openJourneys++
				}
			}
			for k, c := range j {
				followed := k < len(j)-1
				if followed {
					f.followed++
				}
				if c.claimed && (followed || (!open && badJ[i])) {
					f.gap++
				}
			}
		}
	}
	return f
}

func checkEq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: pipeline %v, raw file %v", what, got, want)
	}
}

func checkNear(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s: pipeline %v, raw file %v", what, got, want)
	}
}

func TestDatasetAnonymousBank(t *testing.T) {
	r := runDataset(t, "anonymous-bank-1999")
	const file = "data_anonymous_bank_february.txt"
	raw := readRaw(t, filepath.Join(r.d.Path(sharedForTest(t)), file), '\t')
	c := func(name string) int { return raw.col(t, name) }
	vru, callID, cust, date, entry, outcome, serTime := c("vru_line"), c("call_id"), c("customer_id"), c("date"), c("vru_entry"), c("outcome"), c("ser_time")

	// Row counts: records = physical lines (no quoted line breaks) = the
	// 33,344 calls the Technion documentation states.
	checkEq(t, "records vs lines", len(raw.rows), raw.dataLines)
	checkEq(t, "calls in February (documented)", len(raw.rows), 33344)
	in := r.input(t, "anonymous_bank_1999", file)
	checkEq(t, "rows read", in.RowsRead, int64(len(raw.rows)))

	loc, err := time.LoadLocation("Asia/Jerusalem")
	if err != nil {
		t.Fatal(err)
	}
	var phantomLines []string
	hang, kept, agent := 0, 0, 0
	serSum := 0.0
	claimed := 0
	idents := map[string]bool{}
	var cs []chainContact
	var dataEnd time.Time
	for i, row := range raw.rows {
		if row[outcome] == "PHANTOM" {
			phantomLines = append(phantomLines, strconv.Itoa(raw.lines[i]))
			continue
		}
		kept++
		at, err := time.ParseInLocation("20060102 15:04:05", "19"+row[date]+" "+row[entry], loc)
		if err != nil {
			t.Fatalf("line %d: %v", raw.lines[i], err)
		}
		if at.After(dataEnd) {
			dataEnd = at
		}
		served := row[outcome] == "AGENT"
		sec, _ := strconv.Atoi(row[serTime])
		switch row[outcome] {
		case "HANG":
			hang++
		case "AGENT":
			agent++
			serSum += float64(sec)
		}
		// The bank's claim: served, within the 300 s AHT target.
		isClaimed := served && sec <= 300
		if isClaimed {
			claimed++
		}
		if row[cust] != "0" {
			idents[row[cust]] = true
			cs = append(cs, chainContact{person: row[cust], at: at, claimed: isClaimed})
		}
	}
	// Every reject is a PHANTOM call, at its line; nothing else is refused.
	r.rejectsExplained(t, regexp.MustCompile(`^PHANTOM call: an ACD artefact`))
	checkEq(t, "rejected rows = PHANTOM calls", in.RowsRejected, int64(len(phantomLines)))
	checkEq(t, "loaded rows", in.RowsLoaded, int64(kept))
	gotLines := r.strings(t, "SELECT CAST(CAST(_source_line AS BIGINT) AS VARCHAR) FROM rejects ORDER BY _source_line")
	checkEq(t, "PHANTOM reject lines", strings.Join(gotLines, ","), strings.Join(phantomLines, ","))
	// Each keeps its record byte for byte: the line of the file, without its
	// line break.
	content, err := os.ReadFile(filepath.Join(r.d.Path(sharedForTest(t)), file))
	if err != nil {
		t.Fatal(err)
	}
	fileLines := bytes.Split(content, []byte("\n"))
	var wantHex []string
	for _, l := range phantomLines {
		n, _ := strconv.Atoi(l)
		wantHex = append(wantHex, hex.EncodeToString(bytes.TrimSuffix(fileLines[n-1], []byte("\r"))))
	}
	gotHex := r.strings(t, "SELECT lower(hex(raw_bytes)) FROM rejects ORDER BY _source_line")
	checkEq(t, "PHANTOM records' bytes", strings.Join(gotHex, ","), strings.Join(wantHex, ","))
	// The key is vru+line and call_id: unique, so nothing is lost as a duplicate.
	keysSeen := map[string]bool{}
	for _, row := range raw.rows {
		keysSeen[row[vru]+"-"+row[callID]] = true
	}
	checkEq(t, "distinct vru+line-call_id keys", len(keysSeen), len(raw.rows))

	checkEq(t, "identified customers", r.int(t, "SELECT count(DISTINCT customer_key) FROM contacts"), int64(len(idents)))
	checkEq(t, "persons in coverage", r.int(t, "SELECT persons FROM coverage"), int64(len(idents)))
	checkEq(t, "anonymous calls", r.int(t, "SELECT anonymous_contacts FROM coverage"), int64(kept-len(cs)))
	checkNear(t, "share of HANG calls", r.float(t, "SELECT avg(CASE WHEN disposition = 'abandoned' THEN 1.0 ELSE 0.0 END) FROM contacts"), float64(hang)/float64(kept))
	checkNear(t, "AHT of served calls", r.gapTotal(t, "handle_time_seconds"), serSum/float64(agent))
	checkEq(t, "claimed successes", r.int(t, "SELECT count(*) FROM contact_facts WHERE claimed_success"), int64(claimed))

	day := 24 * time.Hour
	window := time.Duration(r.cfg.Build.RepeatWindowDays * float64(day))
	f := chainJourneys(cs, nil, window, 90*day, dataEnd)
	checkEq(t, "journeys", r.int(t, "SELECT count(*) FROM journeys"), int64(f.journeys))
	checkEq(t, "open journeys (end of February)", r.int(t, "SELECT open_journeys FROM coverage"), int64(f.openJourneys))
	checkEq(t, "open (censored) calls", r.int(t, "SELECT open_contacts FROM coverage"), int64(f.openEnds))
	checkEq(t, "calls followed by a repeat call", r.int(t, "SELECT count(*) FROM contact_facts WHERE followed_by_repeat"), int64(f.followed))
	checkEq(t, "gap contacts", int64(r.gapTotal(t, "gap_contacts")), int64(f.gap))
	t.Logf("bank: %d calls, %d PHANTOM, %d customers, HANG %.4f, AHT %.1f s, claimed %d, journeys %d (open ends %d, open journeys %d), gap %d",
		len(raw.rows), len(phantomLines), len(idents), float64(hang)/float64(kept), serSum/float64(agent), claimed, f.journeys, f.openEnds, f.openJourneys, f.gap)
}

// cfpbDate reads the extracts' dates: m/d/yyyy or m/d/yy (20yy).
func cfpbDate(t *testing.T, s string, loc *time.Location) time.Time {
	t.Helper()
	for _, layout := range []string{"1/2/2006", "1/2/06"} {
		if at, err := time.ParseInLocation(layout, s, loc); err == nil {
			return at
		}
	}
	t.Fatalf("CFPB date %q", s)
	return time.Time{}
}

func TestDatasetCFPB(t *testing.T) {
	r := runDataset(t, "cfpb-complaints-disputes")
	shared := sharedForTest(t)
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	r.rejectsExplained(t) // none at all
	checkEq(t, "rejected rows", r.int(t, "SELECT count(*) FROM rejects"), 0)

	var dataEnd time.Time
	type complaint struct {
		received time.Time
		claimed  bool
		disputed string
	}
	var all []complaint
	for _, file := range cfpbFiles {
		raw := readRaw(t, filepath.Join(r.d.Path(shared), file), ',')
		checkEq(t, file+": records vs lines", len(raw.rows), raw.dataLines)
		received, response := raw.col(t, "date_received"), raw.col(t, "company_response_to_consumer")
		sent, timely, disputed := raw.col(t, "date_sent_to_company"), raw.col(t, "timely_response"), raw.col(t, "consumer_disputed")
		yes, untimely := 0, 0
		for _, row := range raw.rows {
			at := cfpbDate(t, row[received], loc)
			if at.After(dataEnd) {
				dataEnd = at
			}
			if row[disputed] == "Yes" {
				yes++
				// The dispute is dated when the complaint was sent to the
				// company; it must fall within the outcome horizon.
				if d := cfpbDate(t, row[sent], loc).Sub(at); d > time.Duration(r.cfg.Build.OutcomeHorizonDays*24*float64(time.Hour)) {
					t.Errorf("%s: dispute sent %v after receipt, beyond the outcome horizon", file, d)
				}
			}
			if row[timely] == "No" {
				untimely++
			}
			all = append(all, complaint{received: at, disputed: row[disputed],
				claimed: strings.HasPrefix(row[response], "Closed") && row[timely] == "Yes"})
		}
		cin := r.input(t, "cfpb_complaints", file)
		checkEq(t, file+": complaints read", cin.RowsRead, int64(len(raw.rows)))
		checkEq(t, file+": complaints loaded", cin.RowsLoaded, int64(len(raw.rows)))
		din := r.input(t, "cfpb_disputes", file)
		checkEq(t, file+": disputes read", din.RowsRead, int64(yes))
		checkEq(t, file+": disputes loaded", din.RowsLoaded, int64(yes))
		checkEq(t, file+": dispute events", r.int(t, "SELECT count(*) FROM outcomes WHERE kind = 'dispute' AND _source_file LIKE '%/' || ?", file), int64(yes))
		checkEq(t, file+": timely = No", r.int(t, "SELECT count(*) FROM contacts WHERE NOT sla_met AND _source_file LIKE '%/' || ?", file), int64(untimely))

		// Complaint ids: the file's own, else derived from the content
		// (md5 of the fields joined by U+001F, ordinal among identical rows).
		// Either way each contact sits at its record's line.
		want := map[string]int{}
		seen := map[string]int{}
		idCol := -1
		if slices.ContainsFunc(raw.header, func(h string) bool { return normName(h) == "complaint_id" }) {
			idCol = raw.col(t, "complaint_id")
		}
		for i, row := range raw.rows {
			id := ""
			if idCol >= 0 {
				id = row[idCol]
			} else {
				sum := md5.Sum([]byte(strings.Join(row, "\x1f")))
				h := hex.EncodeToString(sum[:])[:16]
				seen[h]++
				id = fmt.Sprintf("h%s-%d", h, seen[h])
			}
			want[id] = raw.lines[i]
		}
		rows, err := r.db.Query("SELECT contact_id, _source_line FROM contacts WHERE _source_file LIKE '%/' || ?", file)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for rows.Next() {
			var id string
			var line int
			if err := rows.Scan(&id, &line); err != nil {
				t.Fatal(err)
			}
			got[id] = line
		}
		rows.Close()
		checkEq(t, file+": distinct complaint ids", len(got), len(want))
		bad := 0
		for id, line := range want {
			if got[id] != line {
				if bad < 3 {
					t.Errorf("%s: complaint %s: pipeline line %d, raw file line %d", file, id, got[id], line)
				}
				bad++
			}
		}
		checkEq(t, file+": complaints with the wrong id or line", bad, 0)
		t.Logf("%s: %d complaints, %d disputed, %d untimely", file, len(raw.rows), yes, untimely)
	}

	// The company's claim (closed, timely) against the consumer's verdict
	// (disputed). Blank "Consumer disputed?" is not judged.
	window := time.Duration(r.cfg.Build.RepeatWindowDays * 24 * float64(time.Hour))
	judged, gap, claimedJudged, anon, open := 0, 0, 0, 0, 0
	for _, c := range all {
		switch {
		case c.disputed != "Yes" && c.disputed != "No":
			anon++
			continue
		case c.disputed == "No" && c.received.Add(window).After(dataEnd):
			open++
			continue
		}
		judged++
		if c.claimed {
			claimedJudged++
			if c.disputed == "Yes" {
				gap++
			}
		}
	}
	checkEq(t, "complaints without a dispute verdict (not judged)", r.int(t, "SELECT anonymous_contacts FROM coverage"), int64(anon))
	checkEq(t, "open complaints", r.int(t, "SELECT open_contacts FROM coverage"), int64(open))
	checkEq(t, "journeys (one per judged complaint)", r.int(t, "SELECT count(*) FROM journeys"), int64(len(all)-anon))
	checkEq(t, "disputes attached", r.int(t, "SELECT outcomes_unattached FROM coverage"), 0)
	checkEq(t, "gap contacts (closed in time, then disputed)", int64(r.gapTotal(t, "gap_contacts")), int64(gap))
	checkNear(t, "gap rate", r.gapTotal(t, "gap_ratio"), float64(gap)/float64(claimedJudged))
	checkNear(t, "claimed success rate", r.gapTotal(t, "claimed_success_ratio"), float64(claimedJudged)/float64(judged))

	// The same files through the same mappings again: nothing new, while
	// the second mapping of each file was not skipped the first time.
	ctx := context.Background()
	j := Job{Config: r.cfg}
	err = j.WithLake(ctx, false, func(db *sql.DB) error {
		res, err := j.IngestLocked(ctx, db, r.sources)
		if err == nil && res.Committed {
			t.Errorf("re-ingesting the same files committed batch %s; want a no-op", res.Batch.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDatasetServiceNow(t *testing.T) {
	r := runDataset(t, "servicenow-incident-log")
	raw := readRaw(t, filepath.Join(r.d.Path(sharedForTest(t)), serviceNowFile), ',')
	checkEq(t, "records vs lines", len(raw.rows), raw.dataLines)
	c := func(name string) int { return raw.col(t, name) }
	number, state, reassign, reopen, mods, sla := c("number"), c("incident_state"), c("reassignment_count"), c("reopen_count"), c("sys_mod_count"), c("made_sla")
	caller, opened, updated := c("caller_id"), c("opened_at"), c("sys_updated_at")
	const layout = "02-01-2006 15:04"
	ts := func(s string) time.Time {
		at, err := time.Parse(layout, s)
		if err != nil {
			t.Fatalf("timestamp %q: %v", s, err)
		}
		return at
	}

	// The final state of an incident: highest sys_mod_count, then latest
	// sys_updated_at, then the later line. Reopenings: the first row (in
	// update order) showing each reopen_count value above 0.
	type ev struct {
		row  []string
		line int
		mods int
		upd  time.Time
	}
	byInc := map[string][]ev{}
	for i, row := range raw.rows {
		m, err := strconv.Atoi(row[mods])
		if err != nil {
			t.Fatalf("line %d: sys_mod_count %q", raw.lines[i], row[mods])
		}
		byInc[row[number]] = append(byInc[row[number]], ev{row, raw.lines[i], m, ts(row[updated])})
	}
	final := map[string]ev{}
	reopenEvents := 0
	bad := map[string][]time.Time{}
	reopened, madeSLA, reassigned, reassignments := 0, 0, 0, 0
	var cs []chainContact
	var dataEnd time.Time
	for n, evs := range byInc {
		sort.SliceStable(evs, func(i, j int) bool {
			a, b := evs[i], evs[j]
			if a.mods != b.mods {
				return a.mods < b.mods
			}
			if !a.upd.Equal(b.upd) {
				return a.upd.Before(b.upd)
			}
			return a.line < b.line
		})
		f := evs[len(evs)-1]
		final[n] = f
		seenK := map[string]bool{}
		for _, e := range evs {
			if k := e.row[reopen]; k != "0" && !seenK[k] {
				seenK[k] = true
				reopenEvents++
				bad[e.row[caller]] = append(bad[e.row[caller]], e.upd)
			}
		}
		if f.row[reopen] != "0" {
			reopened++
		}
		if f.row[sla] == "TRUE" {
			madeSLA++
		}
		if f.row[reassign] != "0" {
			reassigned++
		}
		n, err := strconv.Atoi(f.row[reassign])
		if err != nil {
			t.Fatalf("reassignment_count %q: %v", f.row[reassign], err)
		}
		reassignments += n
		at := ts(f.row[opened])
		if at.After(dataEnd) {
			dataEnd = at
		}
		closed := f.row[state] == "Closed" || f.row[state] == "Resolved"
		cs = append(cs, chainContact{person: f.row[caller], at: at, claimed: closed && f.row[sla] == "TRUE"})
	}

	checkEq(t, "incidents (documented)", len(final), 890)
	in := r.input(t, "servicenow_incidents", serviceNowFile)
	checkEq(t, "rows read = incidents", in.RowsRead, int64(len(final)))
	checkEq(t, "contacts loaded", in.RowsLoaded, int64(len(final)))
	oin := r.input(t, "servicenow_reopened", serviceNowFile)
	checkEq(t, "reopen events read", oin.RowsRead, int64(reopenEvents))
	r.rejectsExplained(t) // none at all
	checkEq(t, "rejected rows", r.int(t, "SELECT count(*) FROM rejects"), 0)

	checkEq(t, "reopened incidents", r.int(t, "SELECT count(DISTINCT case_id) FROM outcomes WHERE kind = 'reopened'"), int64(reopened))
	checkEq(t, "reopen events", r.int(t, "SELECT count(*) FROM outcomes"), int64(reopenEvents))
	checkNear(t, "made_sla share at final state", r.float(t, "SELECT avg(CAST(sla_met AS DOUBLE)) FROM contacts"), float64(madeSLA)/float64(len(final)))
	checkEq(t, "reassigned incidents", r.int(t, "SELECT count(transferred_to) FROM contacts"), int64(reassigned))
	checkEq(t, "reassignments carried", r.int(t, "SELECT sum(reassignments) FROM contacts"), int64(reassignments))
	// reassignment_count → hops: a journey's hops are its group changes
	// between incidents plus the reassignments inside them.
	checkEq(t, "hops = reassignments + group changes", r.int(t, "SELECT sum(hops) FROM journeys"),
		int64(reassignments)+r.int(t, "SELECT count(*) FROM contact_facts WHERE silo_hop"))

	// Each contact carries the line of its incident's final-state row.
	rows, err := r.db.Query("SELECT contact_id, _source_line FROM contacts")
	if err != nil {
		t.Fatal(err)
	}
	wrong := 0
	for rows.Next() {
		var id string
		var line int
		if err := rows.Scan(&id, &line); err != nil {
			t.Fatal(err)
		}
		if final[id].line != line {
			if wrong < 3 {
				t.Errorf("incident %s: pipeline line %d, final-state row at line %d", id, line, final[id].line)
			}
			wrong++
		}
	}
	rows.Close()
	checkEq(t, "incidents with the wrong final-state line", wrong, 0)

	day := 24 * time.Hour
	window := time.Duration(r.cfg.Build.RepeatWindowDays * float64(day))
	horizon := time.Duration(r.cfg.Build.OutcomeHorizonDays * float64(day))
	f := chainJourneys(cs, bad, window, horizon, dataEnd)
	checkEq(t, "journeys", r.int(t, "SELECT count(*) FROM journeys"), int64(f.journeys))
	checkEq(t, "open journeys", r.int(t, "SELECT open_journeys FROM coverage"), int64(f.openJourneys))
	checkEq(t, "open (censored) incidents", r.int(t, "SELECT open_contacts FROM coverage"), int64(f.openEnds))
	checkEq(t, "incidents followed by another of the caller", r.int(t, "SELECT count(*) FROM contact_facts WHERE followed_by_repeat"), int64(f.followed))
	checkEq(t, "gap contacts", int64(r.gapTotal(t, "gap_contacts")), int64(f.gap))
	t.Logf("servicenow: %d incidents, %d reopened (%d events), made SLA %d, reassigned %d, journeys %d (open ends %d, open journeys %d), gap %d",
		len(final), reopened, reopenEvents, madeSLA, reassigned, f.journeys, f.openEnds, f.openJourneys, f.gap)
}

// TestDatasetRegistry checks every entry names shipped presets, in an
// order that loads contacts before outcomes, and valid settings.
func TestDatasetRegistry(t *testing.T) {
	for _, d := range Datasets {
		cfg := config.Defaults()
		d.Configure(&cfg)
		// the settings a build takes: [build], catalog, costs, time zone
		opts, err := Job{Config: cfg}.BuildOptions()
		if err == nil {
			_, err = build.Script(opts)
		}
		if err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
		if _, err := time.LoadLocation(d.TimeZone); err != nil {
			t.Errorf("%s: time zone: %v", d.Name, err)
		}
		last := ""
		for _, s := range d.Sources {
			m, err := ingest.Preset(s.Preset)
			if err != nil {
				t.Fatalf("%s: %v", d.Name, err)
			}
			if last == "outcomes" && m.Table == "contacts" {
				t.Errorf("%s: preset %s (contacts) after an outcomes preset", d.Name, s.Preset)
			}
			last = m.Table
		}
	}
}

// TestPresetRejects feeds the real-data presets small hand-written files
// (not real data) with the faults their comments promise to refuse, and
// checks each refused row's reason.
func TestPresetRejects(t *testing.T) {
	bankHeader := "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver\r\n"
	bankRow := func(id, outcome string) string {
		return "AA0101\t" + id + "\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\t" + outcome + "\t7:02:55\t7:05:41\t166\tDORIT\r\n"
	}
	snHeader := "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,sys_updated_at,contact_type,location,category,subcategory,u_symptom,cmdb_ci,impact,urgency,priority,assignment_group,assigned_to,knowledge,u_priority_confirmation,notify,problem_id,rfc,vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at\n"
	snRow := func(number, state, mods, opened, contact string) string {
		return number + "," + state + ",TRUE,0,0," + mods + ",TRUE,Caller 1,Opened by 1," + opened + ",Created by 1,29-02-2016 01:23,Updated by 1,29-02-2016 0" + mods + ":00," + contact + ",Location 1,Category 1,Subcategory 1,Symptom 1,?,2 - Medium,2 - Medium,3 - Moderate,Group 1,?,TRUE,FALSE,Do Not Notify,?,?,?,?,code 5,Resolved by 1,29-02-2016 11:29,05-03-2016 12:00\n"
	}
	cfpbHeader := "Date received,Product,Sub-product,Issue,Sub-issue,Company,State,ZIP code,Consumer consent provided?,Submitted via,Date sent to company,Company response to consumer,Timely response?,Consumer disputed?\n"
	tests := []struct {
		name, preset, file, text string
		read                     int64
		reasons                  []string // of the refused rows, in line order
	}{
		{"bank", "anonymous_bank_1999", "data_anonymous_bank_test.txt",
			bankHeader + bankRow("1", "AGENT") + bankRow("2", "PHANTOM") + bankRow("3", "TRANSFER"), 3,
			[]string{"PHANTOM call: an ACD artefact", `outcome: "TRANSFER" is not one of AGENT|HANG|PHANTOM`}},
		{"servicenow", "servicenow_incidents", "incident_event_log_test.csv",
			snHeader + snRow("INC1", "New", "0", "29-02-2016 01:16", "Phone") + snRow("INC1", "Closed", "1", "29-02-2016 01:16", "Phone") +
				snRow("?", "New", "0", "29-02-2016 01:16", "Phone") + snRow("?", "New", "1", "29-02-2016 01:16", "Phone") +
				snRow("INC2", "Closed", "0", "31-02-2016 01:16", "Phone") + snRow("INC3", "Closed", "0", "29-02-2016 01:16", "Carrier pigeon"), 4,
			[]string{"2 event row(s) without an incident number", `started_at: cannot read "31-02-2016 01:16"`, `channel: "Carrier pigeon" is not one of`}},
		{"cfpb", "cfpb_complaints", "cfpb_test.csv",
			cfpbHeader + "7/29/2013,Mortgage,,Issue,,Bank,VA,24540,N/A,Carrier pigeon,7/30/2013,Closed with explanation,Yes,No\n" +
				"2013.07.29,Mortgage,,Issue,,Bank,VA,24540,N/A,Web,7/30/2013,Closed with explanation,Yes,No\n" +
				"7/29/2013,Mortgage,,Issue,,Bank,VA,24540,N/A,Web,7/30/2013,Settled out of court,Yes,No\n" +
				"7/29/13,Mortgage,,Issue,,Bank,VA,24540,N/A,,7/30/13,In progress,No,\n", 4,
			[]string{`channel: "Carrier pigeon" is not one of`, `started_at: cannot read "2013.07.29"`, `disposition: "Settled out of court" is not one of`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tt.file)
			if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := ingest.Preset(tt.preset)
			if err != nil {
				t.Fatal(err)
			}
			cfg := config.Defaults()
			cfg.Lake.Dir = filepath.Join(dir, "lake")
			ctx := context.Background()
			var got []string
			j := Job{Config: cfg}
			err = j.WithLake(ctx, false, func(db *sql.DB) error {
				res, err := j.IngestLocked(ctx, db, []ingest.Source{{Mapping: m, Files: []string{path}}})
				if err != nil {
					return err
				}
				if len(res.FileErrors) > 0 {
					return fmt.Errorf("file refused: %v", res.FileErrors)
				}
				in := res.Batch.Inputs[0]
				if in.RowsRead != tt.read || in.RowsRead != in.RowsLoaded+in.RowsRejected {
					t.Errorf("read %d, loaded %d, rejected %d; want %d read", in.RowsRead, in.RowsLoaded, in.RowsRejected, tt.read)
				}
				if err := lake.AttachInputs(ctx, db, cfg.Lake.Dir); err != nil {
					return err
				}
				rows, err := db.QueryContext(ctx, "SELECT reason FROM rejects ORDER BY _source_line")
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var s string
					if err := rows.Scan(&s); err != nil {
						return err
					}
					got = append(got, s)
				}
				return rows.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.reasons) {
				t.Fatalf("rejects %q, want %d like %q", got, len(tt.reasons), tt.reasons)
			}
			for i, want := range tt.reasons {
				if !strings.Contains(got[i], want) {
					t.Errorf("reject %d = %q, want it to contain %q", i, got[i], want)
				}
			}
		})
	}
}
