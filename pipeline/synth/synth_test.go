package synth

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// generate runs Generate into a fresh directory and returns it.
func generate(t testing.TB, o Options) string {
	t.Helper()
	if o.Out == "" {
		o.Out = t.TempDir()
	}
	if _, err := Generate(context.Background(), o); err != nil {
		t.Fatalf("Generate(%+v): %v", o, err)
	}
	return o.Out
}

// shared is one medium data set used by the statistical tests.
var shared struct {
	once sync.Once
	dir  string
	err  error
}

const (
	sharedContacts = 40000
	sharedDays     = 60
	sharedSeed     = 11
)

func sharedSet(t *testing.T) string {
	t.Helper()
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "synth-shared-")
		if err != nil {
			shared.err = err
			return
		}
		shared.dir = dir
		_, shared.err = Generate(context.Background(), Options{Out: dir, Contacts: sharedContacts, Days: sharedDays, Seed: sharedSeed})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDB.c != nil {
		sharedDB.c.Close()
		sharedDB.db.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func readTruth(t testing.TB, dir string) *Truth {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, TruthFile))
	if err != nil {
		t.Fatal(err)
	}
	var tr Truth
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatalf("decode truth: %v", err)
	}
	return &tr
}

func dirFiles(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestDeterminism(t *testing.T) {
	for _, format := range []string{"csv", "parquet"} {
		t.Run(format, func(t *testing.T) {
			base := Options{Contacts: 3000, Days: 21, Seed: 42, Format: format}
			one := base
			one.Workers = 1
			three := base
			three.Workers = 3 // chunking and scheduling must not leak into the output
			a, b := generate(t, one), generate(t, three)
			names := dirFiles(t, a)
			if diff := slices.Compare(names, dirFiles(t, b)); diff != 0 {
				t.Fatalf("file sets differ: %v vs %v", names, dirFiles(t, b))
			}
			if len(names) != int(nExports)+1 {
				t.Fatalf("files = %v, want the %d exports and %s (no leftovers)", names, nExports, TruthFile)
			}
			for _, n := range names {
				x, _ := os.ReadFile(filepath.Join(a, n))
				y, _ := os.ReadFile(filepath.Join(b, n))
				if !bytes.Equal(x, y) {
					t.Errorf("%s differs between runs with the same seed", n)
				}
			}
			other := base
			other.Seed = 43
			c := generate(t, other)
			for _, n := range names {
				x, _ := os.ReadFile(filepath.Join(a, n))
				y, _ := os.ReadFile(filepath.Join(c, n))
				if bytes.Equal(x, y) {
					t.Errorf("%s is identical for seeds 42 and 43", n)
				}
			}
		})
	}
}

// The daily files hold exactly the rows of the single files, in order.
func TestDailyMatchesSingle(t *testing.T) {
	o := Options{Contacts: 2500, Days: 10, Seed: 5, Start: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)} // spans the DST switch
	single := generate(t, o)
	o.Daily = true
	daily := generate(t, o)
	for ex := range nExports {
		want, err := os.ReadFile(filepath.Join(single, exportBase[ex]+exportExt[ex]))
		if err != nil {
			t.Fatal(err)
		}
		hdr := exportHeader[ex]
		var got bytes.Buffer
		if hdr != "" {
			got.WriteString(hdr + "\n")
		}
		for d := range o.Days {
			day := time.Date(2026, 3, 5+d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			name := filepath.Join(daily, exportBase[ex]+"_"+day+exportExt[ex])
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatalf("daily file missing: %v", err)
			}
			if hdr != "" {
				rest, ok := bytes.CutPrefix(b, []byte(hdr+"\n"))
				if !ok {
					t.Fatalf("%s: no header line", name)
				}
				b = rest
			}
			got.Write(b)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: daily files do not add up to the single file", exportBase[ex])
		}
	}
	ts, td := readTruth(t, single), readTruth(t, daily)
	if ts.Totals.Contacts != td.Totals.Contacts || ts.True.Overall != td.True.Overall || ts.Observed.Overall != td.Observed.Overall {
		t.Errorf("truth differs between daily and single output")
	}
	if !td.Params.Daily || td.Files[0].Files != o.Days || td.Files[0].Name != "acd_calls_*.csv" {
		t.Errorf("daily truth params/files = %+v %+v", td.Params, td.Files[0])
	}
}

func countLines(t testing.TB, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var n int64
	for sc.Scan() {
		n++
	}
	return n
}

// The truth file agrees with the files it describes.
func TestTruthConsistent(t *testing.T) {
	dir := sharedSet(t)
	tr := readTruth(t, dir)
	if tr.Schema != TruthSchema || tr.Params.Seed != sharedSeed || tr.Params.Start != "2026-01-05" || tr.Params.End != "2026-03-06" {
		t.Errorf("params = %+v", tr.Params)
	}
	rows := map[string]int64{}
	for _, f := range tr.Files {
		n := countLines(t, filepath.Join(dir, f.Name))
		if strings.HasSuffix(f.Name, ".csv") {
			n-- // header
		}
		if n != f.Rows {
			t.Errorf("%s: truth says %d rows, file has %d", f.Name, f.Rows, n)
		}
		rows[f.Export] = f.Rows
	}
	tot := tr.Totals
	if got := rows["acd_calls"] + rows["chat_sessions"] + rows["store_visits"]; got != tot.Contacts {
		t.Errorf("contact rows %d, totals.contacts %d", got, tot.Contacts)
	}
	if tot.Contacts < sharedContacts || tot.Contacts > sharedContacts+maxContactsPerPerson {
		t.Errorf("contacts = %d, want %d (+ the last person's)", tot.Contacts, sharedContacts)
	}
	var events int64
	for _, k := range tot.OutcomeEvents {
		events += k.Events
	}
	if events != rows["crm_events"] || tot.Surveys != rows["surveys"] || tot.Identities != rows["identity_map"] {
		t.Errorf("totals %+v vs rows %v", tot, rows)
	}
	for _, v := range []struct {
		name string
		f    Figures
	}{{"true", tr.True}, {"observed", tr.Observed}} {
		o := v.f.Overall
		for _, group := range []struct {
			name string
			rows []Row
		}{{"channels", v.f.Channels}, {"departments", v.f.Departments}} {
			var c, gap, claimed, anon int64
			for _, r := range group.rows {
				c += r.Contacts
				gap += r.GapContacts
				claimed += r.ClaimedSuccess
				anon += r.AnonymousContacts
			}
			if c != o.Contacts || gap != o.GapContacts || claimed != o.ClaimedSuccess || anon != o.AnonymousContacts {
				t.Errorf("%s %s do not sum to overall: %d %d %d %d vs %+v", v.name, group.name, c, gap, claimed, anon, o)
			}
		}
		if o.GapContacts > o.ClaimedSuccess || o.GapContacts > o.OutcomeFailed || o.RepeatContacts > o.Contacts {
			t.Errorf("%s overall inconsistent: %+v", v.name, o)
		}
	}
	if tr.Observed.Overall.Contacts+tr.Observed.Overall.AnonymousContacts != tot.Contacts || tr.True.Overall.Contacts != tot.Contacts {
		t.Errorf("observed %d + anonymous %d, true %d, want %d", tr.Observed.Overall.Contacts,
			tr.Observed.Overall.AnonymousContacts, tr.True.Overall.Contacts, tot.Contacts)
	}
	if tr.True.Overall.ClaimedSuccess != tr.Observed.Overall.ClaimedSuccess+claimedAnon(tr) {
		t.Errorf("claimed success differs between views beyond the anonymous contacts")
	}
	if len(tr.Planted.RushedTeams) != 1 || len(tr.Planted.RushedAgents) < 3 {
		t.Errorf("planted = %+v", tr.Planted)
	}
	if tr.Nightmares.Count < 3 || len(tr.Nightmares.Examples) == 0 {
		t.Errorf("nightmares = %d", tr.Nightmares.Count)
	}
	// The rows are in time order (ties allowed), like real exports.
	b, _ := os.ReadFile(filepath.Join(dir, "crm_events.csv"))
	var prev string
	for i, l := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(l, ",")
		if ts := f[4]; ts < prev {
			t.Fatalf("crm_events.csv line %d: %s before %s", i+2, ts, prev)
		} else {
			prev = ts
		}
	}
}

// claimedAnon is the claimed successes of anonymous contacts (true view
// minus observed view), which must be non-negative and at most the
// anonymous contacts.
func claimedAnon(tr *Truth) int64 {
	d := tr.True.Overall.ClaimedSuccess - tr.Observed.Overall.ClaimedSuccess
	if d < 0 || d > tr.Observed.Overall.AnonymousContacts {
		return -1
	}
	return d
}

func TestOptionsRejected(t *testing.T) {
	for _, o := range []Options{
		{Contacts: 10, Days: 1},
		{Out: "x", Contacts: 0, Days: 1},
		{Out: "x", Contacts: MaxContacts + 1, Days: 1},
		{Out: "x", Contacts: 10, Days: 0},
		{Out: "x", Contacts: 10, Days: 1, Format: "orc"},
	} {
		if _, err := Generate(context.Background(), o); err == nil {
			t.Errorf("Generate(%+v) succeeded", o)
		}
	}
}

func TestTimeFormats(t *testing.T) {
	loc, err := time.LoadLocation(BusinessZone)
	if err != nil {
		t.Fatal(err)
	}
	cal := newCalendar(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), maxWarmupDays, 400, loc)
	r := rand.New(rand.NewPCG(1, 2))
	check := func(u int64) {
		tm := time.Unix(u, 0).In(loc)
		for _, tc := range []struct {
			name      string
			got, want string
		}{
			{"acd", string(cal.appendACDTime(nil, u)), tm.Format("01/02/2006 03:04:05 PM")},
			{"iso", string(cal.appendISOOffset(nil, u)), tm.Format("2006-01-02T15:04:05-07:00")},
			{"store", string(cal.appendStoreTime(nil, u)), tm.Format("2006-01-02T15:04")},
			{"crm", string(appendCRMTime(nil, u)), tm.UTC().Format("2006-01-02 15:04:05") + "+00"},
			{"zulu", string(appendZulu(nil, u)), tm.UTC().Format(time.RFC3339)},
		} {
			if tc.got != tc.want {
				t.Fatalf("%s(%d) = %q, want %q", tc.name, u, tc.got, tc.want)
			}
		}
		d, sec := cal.wall(u)
		if cal.dateString(d) != tm.Format(time.DateOnly) || sec != int64(tm.Hour()*3600+tm.Minute()*60+tm.Second()) {
			t.Fatalf("wall(%d) = %s %d, want %s", u, cal.dateString(d), sec, tm)
		}
		if h := tm.Hour(); h >= 3 || h < 1 { // the skipped/repeated hour has no wall inverse
			if back := cal.at(d, sec); back != u {
				t.Fatalf("at(wall(%d)) = %d", u, back)
			}
		}
	}
	for range 20000 {
		check(cal.midnight[0] + r.Int64N(cal.end-cal.midnight[0]))
	}
	// Around both 2026 DST switches and midnights.
	for _, day := range []string{"2026-03-08", "2026-11-01", "2026-12-31"} {
		d, _ := time.ParseInLocation(time.DateOnly, day, loc)
		for s := int64(-3600); s < 6*3600; s += 601 {
			check(d.Unix() + s)
		}
	}
}

func TestIDs(t *testing.T) {
	ids := newIDSpace(9)
	seen := map[string]bool{}
	add := func(s string) {
		if seen[s] {
			t.Fatalf("duplicate id %s", s)
		}
		seen[s] = true
	}
	for p := range int64(3000) {
		for sys := range nSystems {
			add(string(ids.appendKey(nil, sys, p)))
		}
		add(string(ids.appendMaster(nil, p)))
		for k := range int32(5) {
			for ch := range nChannels {
				add(string(ids.appendContactID(nil, ch, p, k)))
			}
			add(string(ids.appendEventID(nil, p, k)))
			add(string(ids.appendSurveyID(nil, p, k)))
			add(string(ids.appendConnID(nil, p, k)))
			add(string(ids.appendCase(nil, p, int(k))))
		}
		card := ids.appendCard(nil, p)
		if len(card) != 16 || !luhn(card) {
			t.Fatalf("card %s: want 16 digits with a valid Luhn check", card)
		}
	}
	// The affine maps are bijections.
	f := newAffine(3, 4, 1000)
	hit := make([]bool, 1000)
	for x := range uint64(1000) {
		hit[f.apply(x)] = true
	}
	if slices.Contains(hit, false) {
		t.Error("affine map is not a bijection on [0, 1000)")
	}
}

func luhn(b []byte) bool {
	sum := 0
	for i := len(b) - 1; i >= 0; i-- {
		d := int(b[i] - '0')
		if (len(b)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func TestOrgCoversOpeningHours(t *testing.T) {
	for _, n := range []int64{500, 100000, 10_000_000} {
		o := buildOrg(1, n, 365)
		for p, pl := range o.pools {
			for wd := range 7 {
				op, cl := openHours[pl.ch][wd][0], openHours[pl.ch][wd][1]
				for h := op; h < cl; h++ {
					if len(pl.onShift[wd][h]) == 0 {
						t.Errorf("contacts %d: pool %d (%s %s) has nobody on shift weekday %d hour %d",
							n, p, channelName[pl.ch], deptName[pl.dept], wd, h)
					}
				}
			}
		}
		if o.rushedTeam < 0 || !o.teams[o.rushedTeam].rushed || o.teams[o.rushedTeam].ch != chPhone {
			t.Errorf("contacts %d: no rushed phone team", n)
		}
	}
}

func ExampleGenerate() {
	dir, _ := os.MkdirTemp("", "synth-example-")
	defer os.RemoveAll(dir)
	sum, err := Generate(context.Background(), Options{Out: dir, Contacts: 500, Days: 7, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range sum.Files {
		fmt.Println(f.Name)
	}
	// Output:
	// acd_calls.csv
	// chat_sessions.jsonl
	// store_visits.csv
	// crm_events.csv
	// surveys.csv
	// identity_map.csv
}
