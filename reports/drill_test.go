package reports

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mcnamara/mcnamara/internal/golden"
)

// testPseudonym is the report's pseudonym of an id under testOptions' key,
// written again from its definition (HMAC-SHA256, the first 10 hex digits).
func testPseudonym(id string) string {
	m := hmac.New(sha256.New, testOptions().PseudonymKey)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))[:10]
}

// ids runs a query of one string column.
func ids(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// settledSQL is the fixture's settled contacts: their repeat window has
// closed by the last contact's start.
const settledSQL = "started_at + INTERVAL 7 DAY <= (SELECT max(started_at) FROM contact_facts)"

// TestDrillLists recomputes every drill-down list of the fixture from the
// marts with queries of its own: which journeys are behind each element,
// how many, that the embedded ones are the worst of them, and that every
// journey is shown by pseudonyms, with its timeline.
func TestDrillLists(t *testing.T) {
	f := newFixture(t, cleanWorld())
	o := testOptions()
	o.DrillTop = 3
	m, err := BuildModel(context.Background(), f.db, f.meta, o)
	if err != nil {
		t.Fatal(err)
	}
	d := m.Drill
	if d == nil || d.Top != 3 {
		t.Fatalf("drill = %+v, want lists of at most 3", d)
	}
	// every drawn element of the four charts opens a list
	n := map[string]int{}
	for _, s := range allSections(m) {
		if s.Drill == nil {
			continue
		}
		if len(s.Drill) != len(s.Data.Rows) {
			t.Errorf("%s: %d drill keys for %d rows", s.ID, len(s.Drill), len(s.Data.Rows))
		}
		for i, k := range s.Drill {
			if k == "" && cellText(s.Data, s.Data.Rows[i], "level") == "all" {
				continue // the centre's row: a comparison, not an element to open
			}
			if d.Lists[k] == nil {
				t.Errorf("%s row %d: key %q names no list", s.ID, i+1, k)
			}
			n[s.ID]++
		}
	}
	for _, id := range []string{"quadrant", "heatmap", "resolution", "flows"} {
		if n[id] == 0 {
			t.Errorf("section %s has no drill-down", id)
		}
	}
	journeyOf := map[string]string{}
	for _, id := range ids(t, f.db, "SELECT journey_id FROM journeys") {
		journeyOf[testPseudonym(id)] = id
	}
	flows := map[string]int64{}
	for _, s := range m.Journeys {
		if s.ID == "flows" {
			for _, r := range s.Data.Rows {
				flows[r[0].(string)+"→"+r[1].(string)] = r[2].(int64)
			}
		}
	}
	cut := 0
	for key, l := range d.Lists {
		sc := l.Scope
		var want []string // the journeys behind the element
		switch {
		case l.Measure == "gap_journeys" && sc.Period == "settled":
			c := map[string]string{"agent": "agent_id", "team": "team"}[sc.Dim]
			want = ids(t, f.db, "SELECT DISTINCT journey_id FROM contact_facts WHERE gap AND "+c+" = ? AND "+settledSQL, sc.Member)
		case l.Measure == "gap_journeys":
			want = ids(t, f.db, `SELECT DISTINCT journey_id FROM contact_facts WHERE gap AND department = ?
				AND CAST(date_trunc('week', started_at) AS DATE) = CAST(? AS DATE)`, sc.Member, strings.TrimPrefix(sc.Period, "week:"))
		case l.Measure == "unverified_resolution_journeys":
			// claimed resolved (the disposition), not verified: the customer
			// came back or the journey ended badly
			want = ids(t, f.db, `SELECT DISTINCT journey_id FROM contact_facts WHERE disposition = 'resolved'
				AND outcome_failed AND department = ? AND `+settledSQL, sc.Member)
		case l.Measure == "flow_journeys":
			from, to, _ := strings.Cut(sc.Member, "→")
			// step k's node, then step k+1's node or the journey's end
			want = ids(t, f.db, `WITH c AS (
					SELECT f.journey_id, f.department || '·' || f.channel || ' #' || f.seq_in_journey AS node,
						coalesce(lead(f.department || '·' || f.channel || ' #' || f.seq_in_journey) OVER (PARTITION BY f.journey_id ORDER BY f.seq_in_journey),
							'outcome·' || j.outcome) AS next
					FROM contact_facts f JOIN journeys j USING (journey_id))
				SELECT DISTINCT journey_id FROM c WHERE node = ? AND next = ?`, from, to)
			if int64(len(want)) != flows[sc.Member] {
				t.Errorf("%s: %d journeys made the move, the flow counts %d", key, len(want), flows[sc.Member])
			}
		default:
			t.Fatalf("%s: no definition of %s over %+v", key, l.Measure, sc)
		}
		if l.Total != int64(len(want)) {
			t.Errorf("%s (%s): total %d, the marts have %d journeys behind it", key, l.Title, l.Total, len(want))
		}
		if len(l.Rows) != min(3, len(want)) {
			t.Errorf("%s: %d rows, want %d", key, len(l.Rows), min(3, len(want)))
		}
		if l.Total > int64(len(l.Rows)) {
			cut++
		}
		prev := int64(math.MaxInt64)
		for _, r := range l.Rows {
			j := d.Journeys[r.J]
			id, ok := journeyOf[j.ID]
			if !ok || !slices.Contains(want, id) {
				t.Errorf("%s: journey %s is not behind the element", key, j.ID)
				continue
			}
			if j.Contacts > prev {
				t.Errorf("%s: not worst first (%d contacts after %d)", key, j.Contacts, prev)
			}
			prev = j.Contacts
		}
	}
	if cut == 0 {
		t.Error("no list was cut at drill_top = 3: the cut is not exercised")
	}
	for i, j := range d.Journeys {
		id := journeyOf[j.ID]
		var contacts, gap int64
		var person string
		if err := f.db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE gap), any_value(person_id) FROM contact_facts WHERE journey_id = ?`, id).
			Scan(&contacts, &gap, &person); err != nil {
			t.Fatal(err)
		}
		if j.Contacts != contacts || j.Gap != gap || j.Customer != testPseudonym(person) || len(j.Timeline) != int(min(contacts, drillTimeline)) {
			t.Errorf("journey %d: %+v; the marts: %d contacts, %d gap, customer %s", i, j, contacts, gap, testPseudonym(person))
		}
	}
	js, _ := json.Marshal(d)
	if strings.Contains(string(js), "cust-") || strings.Contains(string(js), `"J0`) {
		t.Error("the drill-down data carries a customer key or a journey id")
	}
}

// TestDrillListsInParts: the drill-down read in parts (as a lake too
// large for one pass of the flows' query is) holds the same lists, totals
// and journeys, in the same order, as read at once; and the parts did
// split the flows' journeys (no part held them all).
func TestDrillListsInParts(t *testing.T) {
	f := newFixture(t, cleanWorld())
	o := testOptions()
	o.DrillTop = 3
	build := func(parts int) *Drill {
		t.Helper()
		drillPartsOverride = parts
		defer func() { drillPartsOverride = 0 }()
		m, err := BuildModel(context.Background(), f.db, f.meta, o)
		if err != nil {
			t.Fatal(err)
		}
		if m.Drill == nil {
			t.Fatal("no drill-down")
		}
		return m.Drill
	}
	one := build(1)
	for _, parts := range []int{2, 5} {
		if diff := cmp.Diff(one, build(parts)); diff != "" {
			t.Errorf("in %d parts the drill-down differs (-at once +in parts):\n%s", parts, diff)
		}
	}
	// the flows' journeys fall in more than one part
	var flows []string
	for _, l := range one.Lists {
		if l.Measure == "flow_journeys" {
			for _, r := range l.Rows {
				flows = append(flows, one.Journeys[r.J].ID)
			}
		}
	}
	byPart := map[uint64]bool{}
	journeyOf := map[string]string{}
	for _, id := range ids(t, f.db, "SELECT journey_id FROM journeys") {
		journeyOf[testPseudonym(id)] = id
	}
	for _, p := range flows {
		var h uint64
		if err := f.db.QueryRow("SELECT hash(?::VARCHAR) % 5", journeyOf[p]).Scan(&h); err != nil {
			t.Fatal(err)
		}
		byPart[h] = true
	}
	if len(byPart) < 2 {
		t.Errorf("the flows' journeys fall in %d of 5 parts: the merge is not exercised", len(byPart))
	}
}

// TestFilterViews recomputes the tiles and chart rows of every filtered
// view from the fixture's contacts with queries of its own, and checks that
// the unfiltered view says what the sections say.
func TestFilterViews(t *testing.T) {
	f := newFixture(t, cleanWorld())
	m, err := BuildModel(context.Background(), f.db, f.meta, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	F := m.Filters
	if F == nil {
		t.Fatal("no filters")
	}
	if want := (len(F.Departments) + 1) * (len(F.Channels) + 1) * len(F.Periods); len(F.Views) != want || want < 50 {
		t.Fatalf("%d views, want %d", len(F.Views), want)
	}
	// the unfiltered view is the sections' own
	all := F.Views[ViewKey(Selection{-1, -1, len(F.Periods) - 1})]
	section := func(id string) Section {
		for _, s := range allSections(m) {
			if s.ID == id {
				return s
			}
		}
		t.Fatalf("no section %s", id)
		return Section{}
	}
	if all.Headline != m.Tiles.Finding || all.Quadrant != section("quadrant").Finding || all.Heatmap != section("heatmap").Finding {
		t.Errorf("the unfiltered view differs from the sections:\n%s\n%s\n%s\nwant\n%s\n%s\n%s",
			all.Headline, all.Quadrant, all.Heatmap, m.Tiles.Finding, section("quadrant").Finding, section("heatmap").Finding)
	}
	for i, tile := range m.Tiles.Tiles[:3] {
		if fmt.Sprint(deref(tile.Value), deref(tile.Prev), deref(tile.Whole)) != fmt.Sprint(deref(all.Tiles[i].Value), deref(all.Tiles[i].Prev), deref(all.Tiles[i].Whole)) {
			t.Errorf("tile %s: %v %v %v unfiltered, %+v in the view", tile.Key, deref(tile.Value), deref(tile.Prev), deref(tile.Whole), all.Tiles[i])
		}
	}
	if !slices.EqualFunc(section("trend").Data.Rows, all.TrendRows.Rows, func(a, b []any) bool { return fmt.Sprint(a) == fmt.Sprint(b) }) {
		t.Errorf("the unfiltered trend rows differ:\n%v\n%v", section("trend").Data.Rows, all.TrendRows.Rows)
	}
	rate := func(where string, args ...any) [3]*float64 {
		var judged, claimed, failed, gap int64
		q := `SELECT count(*) FILTER (WHERE outcome_failed IS NOT NULL), count(*) FILTER (WHERE outcome_failed IS NOT NULL AND claimed_success),
			count(*) FILTER (WHERE outcome_failed), count(*) FILTER (WHERE gap) FROM contact_facts WHERE ` + where
		if err := f.db.QueryRow(q, args...).Scan(&judged, &claimed, &failed, &gap); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
		k, c, g := rates(judged, claimed, failed, gap)
		return [3]*float64{k, c, g}
	}
	keys := make([]string, 0, len(F.Views))
	for k := range F.Views {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var txt strings.Builder
	for _, key := range keys {
		v := F.Views[key]
		var s Selection
		fmt.Sscanf(key, "%d|%d|%d", &s.Department, &s.Channel, &s.Period)
		where, args := "true", []any{}
		if s.Department >= 0 {
			where += " AND department = ?"
			args = append(args, F.Departments[s.Department])
		}
		if s.Channel >= 0 {
			where += " AND channel = ?"
			args = append(args, F.Channels[s.Channel])
		}
		period := where + " AND " + settledSQL
		pargs := args
		if from := F.Periods[s.Period].From; from != "" {
			period += " AND CAST(date_trunc('week', started_at) AS DATE) >= CAST(? AS DATE)"
			pargs = append(slices.Clone(args), from)
		}
		week := func(w string) [3]*float64 {
			return rate(where+" AND CAST(date_trunc('week', started_at) AS DATE) = CAST(? AS DATE)", append(slices.Clone(args), w)...)
		}
		whole := rate(period, pargs...)
		var cur, prev [3]*float64
		if v.Week != "" {
			cur = week(v.Week)
		}
		if v.PrevWeek != "" {
			prev = week(v.PrevWeek)
		}
		for i, tile := range v.Tiles {
			for _, c := range []struct {
				what      string
				got, want *float64
			}{{"value", tile.Value, cur[i]}, {"previous week", tile.Prev, prev[i]}, {"whole", tile.Whole, whole[i]}} {
				if fmt.Sprint(deref(c.got)) != fmt.Sprint(deref(c.want)) {
					t.Errorf("view %s tile %d %s: %v, the contacts give %v", key, i, c.what, deref(c.got), deref(c.want))
				}
			}
		}
		for _, r := range v.TrendRows.Rows {
			if r[2] == nil {
				continue // an open week
			}
			want := week(r[0].(string))
			if fmt.Sprint(r[2:5]) != fmt.Sprint([]any{nullable(want[0]), nullable(want[1]), nullable(want[2])}) {
				t.Errorf("view %s trend week %s: %v, the contacts give %v %v %v", key, r[0], r[2:5], deref(want[0]), deref(want[1]), deref(want[2]))
			}
		}
		for _, r := range v.QuadrantRows.Rows {
			c := map[string]string{"agent": "agent_id", "team": "team"}[r[0].(string)]
			want := rate(period+" AND "+c+" = ?", append(slices.Clone(pargs), r[1])...)
			if fmt.Sprint(r[3:6]) != fmt.Sprint([]any{nullable(want[0]), nullable(want[1]), nullable(want[2])}) {
				t.Errorf("view %s quadrant %s %s: %v, the contacts give %v %v %v", key, r[0], r[1], r[3:6], deref(want[0]), deref(want[1]), deref(want[2]))
			}
		}
		for _, r := range v.HeatmapRows.Rows {
			if r[4] == nil {
				continue
			}
			want := rate(where+" AND department = ? AND CAST(date_trunc('week', started_at) AS DATE) = CAST(? AS DATE)", append(slices.Clone(args), r[0], r[1])...)
			if fmt.Sprint(r[4]) != fmt.Sprint(nullable(want[2])) {
				t.Errorf("view %s heatmap %s %s: %v, the contacts give %v", key, r[0], r[1], r[4], deref(want[2]))
			}
		}
		// every number a sentence prints is a recorded figure
		for _, part := range []struct{ id, text string }{{"headline", v.Headline}, {"trend", v.Trend}, {"quadrant", v.Quadrant}, {"heatmap", v.Heatmap}} {
			var want []string
			for _, fig := range v.Figures[part.id] {
				want = append(want, fig.Text)
			}
			if got := SentenceNumbers(part.text); !slices.Equal(got, want) {
				t.Errorf("view %s %s prints %q, records %q: %s", key, part.id, got, want, part.text)
			}
		}
		fmt.Fprintf(&txt, "%s\n  headline: %s\n  trend: %s\n  quadrant: %s\n  heatmap: %s\n", key, v.Headline, v.Trend, v.Quadrant, v.Heatmap)
	}
	golden.Check(t, filepath.Join("testdata", "filters.golden.txt"), txt.String())
	checkViewCharts(t, m)
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
