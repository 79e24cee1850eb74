package synth

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mcnamara/mcnamara/sql/duck"
)

// The planted effects must show in the raw exports (read through the
// presets), and the truth file's figures must be what the documented
// definitions give on those exports.

var sharedDB struct {
	once sync.Once
	db   *sql.DB
	c    *sql.Conn
}

// sharedTables loads the shared data set once into one DuckDB connection
// (closed by TestMain).
func sharedTables(t *testing.T) (*sql.Conn, *Truth) {
	t.Helper()
	dir := sharedSet(t)
	sharedDB.once.Do(func() {
		db, err := duck.Open(context.Background(), duck.Options{Threads: 2, MemoryLimit: "1GB"})
		if err != nil {
			t.Fatal(err)
		}
		c, err := db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		loadAll(t, c, dir, csvNames)
		sharedDB.db, sharedDB.c = db, c
	})
	if sharedDB.c == nil {
		t.Fatal("shared tables did not load")
	}
	return sharedDB.c, readTruth(t, dir)
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = duck.Quote(x)
	}
	return strings.Join(q, ", ")
}

// The truth's KPI view and observed journey view equal an independent SQL
// implementation of the documented definitions, department by department.
func TestTruthMatchesDefinitions(t *testing.T) {
	c, tr := sharedTables(t)
	exec(t, c, "CREATE OR REPLACE TEMP TABLE aht_target (department VARCHAR, seconds DOUBLE)")
	for _, a := range tr.Targets.AHTTargetSeconds {
		exec(t, c, "INSERT INTO aht_target VALUES (?, ?)", a.Department, a.Seconds)
	}
	exec(t, c, "CREATE OR REPLACE TEMP TABLE answer_target (channel VARCHAR, seconds DOUBLE)")
	for _, a := range tr.Targets.AnswerTargetSeconds {
		exec(t, c, "INSERT INTO answer_target VALUES (?, ?)", a.Channel, a.Seconds)
	}
	q, err := os.ReadFile(filepath.Join("testdata", "observed.sql"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := c.QueryContext(context.Background(), string(q), tr.Params.End)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	byName := func(rs []Row, name string) Row {
		for _, r := range rs {
			if r.Member == name {
				return r
			}
		}
		t.Fatalf("no row %q in truth", name)
		return Row{}
	}
	n := 0
	for rows.Next() {
		n++
		var dept string
		var anon, claimedAll, contacts, claimed, repeat, followed, open, failed, gap, verified int64
		if err := rows.Scan(&dept, &anon, &claimedAll, &contacts, &claimed, &repeat, &followed, &open, &failed, &gap, &verified); err != nil {
			t.Fatal(err)
		}
		tru, obs := byName(tr.True.Departments, dept), byName(tr.Observed.Departments, dept)
		if claimedAll != tru.ClaimedSuccess || anon != tru.AnonymousContacts {
			t.Errorf("%s true view: SQL claimed %d anonymous %d, truth %d %d", dept, claimedAll, anon, tru.ClaimedSuccess, tru.AnonymousContacts)
		}
		got := Row{Member: dept, Contacts: contacts, AnonymousContacts: anon, ClaimedSuccess: claimed, RepeatContacts: repeat,
			FollowedByRepeat: followed, OpenContacts: open, OutcomeFailed: failed, GapContacts: gap, VerifiedResolved: verified}
		want := Row{Member: dept, Contacts: obs.Contacts, AnonymousContacts: obs.AnonymousContacts, ClaimedSuccess: obs.ClaimedSuccess,
			RepeatContacts: obs.RepeatContacts, FollowedByRepeat: obs.FollowedByRepeat, OpenContacts: obs.OpenContacts,
			OutcomeFailed: obs.OutcomeFailed, GapContacts: obs.GapContacts, VerifiedResolved: obs.VerifiedResolved}
		if got != want {
			t.Errorf("%s observed view:\n SQL   %+v\n truth %+v", dept, got, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != int(nDepts) {
		t.Errorf("%d departments in the data, want %d", n, nDepts)
	}
}

// Rushed agents: shorter handle times than their peers in the same queues,
// and customers they closed as resolved come back more often.
func TestPlantedRushedAgents(t *testing.T) {
	c, tr := sharedTables(t)
	exec(t, c, "CREATE OR REPLACE TEMP TABLE rushed AS SELECT unnest(["+quoteList(tr.Planted.RushedAgents)+"]) AS agent_id")
	exec(t, c, `CREATE OR REPLACE TEMP TABLE handled AS
		SELECT c.*, agent_id IN (SELECT agent_id FROM rushed) AS is_rushed,
		       coalesce(i.person_id, c.customer_key) AS person
		FROM contacts c LEFT JOIN identities i USING (source_system, customer_key)
		WHERE channel IN ('phone', 'chat') AND disposition <> 'abandoned'`)
	// Compare within the queues (channel, department) that have rushed agents.
	ratio := queryFloat(t, c, `
		WITH norm AS (SELECT channel, department, avg(handle_seconds) AS peer FROM handled WHERE NOT is_rushed GROUP BY ALL)
		SELECT avg(handle_seconds / peer) FROM handled JOIN norm USING (channel, department) WHERE is_rushed`)
	if ratio > 0.75 || ratio == 0 {
		t.Errorf("rushed agents' handle time is %.2f of their peers', want < 0.75", ratio)
	}
	came := func(rushed bool) float64 {
		return queryFloat(t, c, `
			WITH nxt AS (
				SELECT h.*, lead(started_at) OVER (PARTITION BY person ORDER BY started_at, source_system, contact_id) AS next_at
				FROM (SELECT * FROM handled UNION ALL BY NAME
				      SELECT c.*, false AS is_rushed, coalesce(i.person_id, c.customer_key) AS person
				      FROM contacts c LEFT JOIN identities i USING (source_system, customer_key)
				      WHERE NOT (channel IN ('phone', 'chat') AND disposition <> 'abandoned')) h
				WHERE customer_key IS NOT NULL),
			queues AS (SELECT DISTINCT channel, department FROM handled WHERE is_rushed)
			SELECT avg(CASE WHEN next_at IS NOT NULL AND epoch(next_at) - epoch(started_at) <= 7 * 86400 THEN 1 ELSE 0 END)
			FROM nxt JOIN queues USING (channel, department)
			WHERE disposition = 'resolved' AND is_rushed = ? AND started_at < (SELECT max(started_at) FROM contacts) - INTERVAL 7 DAY`, rushed)
	}
	r, o := came(true), came(false)
	t.Logf("rushed handle/peers %.2f; resolved-then-came-back rushed %.3f, peers %.3f", ratio, r, o)
	if r < 1.5*o {
		t.Errorf("resolved-then-came-back: rushed %.3f vs peers %.3f, want rushed ≥ 1.5×", r, o)
	}
	// The truth agrees: the rushed team has a higher claimed success and gap rate than its department.
	for _, tm := range tr.True.Teams {
		if !tm.Rushed {
			continue
		}
		for _, d := range tr.True.Departments {
			if d.Member == tm.Department && (tm.GapRate < 1.5*d.GapRate || tm.ClaimedSuccessRate < d.ClaimedSuccessRate) {
				t.Errorf("rushed team %s: gap %.3f claimed %.3f vs department %.3f %.3f", tm.Member, tm.GapRate, tm.ClaimedSuccessRate, d.GapRate, d.ClaimedSuccessRate)
			}
		}
	}
}

// Transfers concentrate on the Billing ↔ Technical Support pair, both ways.
func TestPlantedPingPong(t *testing.T) {
	c, tr := sharedTables(t)
	rows, err := c.QueryContext(context.Background(), `
		SELECT least(department, transferred_to), greatest(department, transferred_to), count(*) AS n,
		       count(*) FILTER (department < transferred_to) AS one_way
		FROM contacts WHERE disposition = 'transferred' AND channel IN ('phone', 'chat')
		GROUP BY ALL ORDER BY n DESC, 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type pair struct {
		a, b      string
		n, oneWay int64
	}
	var ps []pair
	var total int64
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.a, &p.b, &p.n, &p.oneWay); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
		total += p.n
	}
	if len(ps) < 2 {
		t.Fatalf("transfer pairs: %v", ps)
	}
	top := ps[0]
	t.Logf("transfer pairs %v of %d", ps[:3], total)
	if [2]string{top.a, top.b} != tr.Planted.PingPong {
		t.Fatalf("top transfer pair %s ↔ %s, planted %v", top.a, top.b, tr.Planted.PingPong)
	}
	if share := float64(top.n) / float64(total); share < 0.35 || top.n < 3*ps[1].n {
		t.Errorf("ping-pong pair has %d of %d transfers (next pair %d), want ≥ 35%% and ≥ 3× the next", top.n, total, ps[1].n)
	}
	if back := float64(top.oneWay) / float64(top.n); back < 0.3 || back > 0.7 {
		t.Errorf("ping-pong is one-way: %.2f of the pair's transfers go %s → %s", back, top.a, top.b)
	}
}

// Surveys follow "resolved" wrap codes, so CSAT looks good.
func TestPlantedSurveyBias(t *testing.T) {
	c, _ := sharedTables(t)
	surveyed := queryFloat(t, c, `SELECT avg(CASE WHEN c.disposition = 'resolved' THEN 1 ELSE 0 END)
		FROM surveys s JOIN contacts c USING (source_system, contact_id)`)
	all := queryFloat(t, c, `SELECT avg(CASE WHEN disposition = 'resolved' THEN 1 ELSE 0 END) FROM contacts WHERE disposition <> 'abandoned'`)
	csat := queryFloat(t, c, "SELECT avg(csat) FROM surveys")
	t.Logf("resolved share surveyed %.3f, all %.3f, mean csat %.2f", surveyed, all, csat)
	if surveyed < 0.8 || all > 0.7 || csat < 3.8 {
		t.Errorf("resolved share: surveyed %.2f vs all %.2f; mean CSAT %.2f; want ≥ 0.8, ≤ 0.7, ≥ 3.8", surveyed, all, csat)
	}
}

// Churn rises with the contacts a person needed.
func TestPlantedChurnRisesWithEffort(t *testing.T) {
	c, tr := sharedTables(t)
	rows, err := c.QueryContext(context.Background(), `
		WITH p AS (
			SELECT coalesce(i.person_id, c.customer_key) AS person, count(*) AS n
			FROM contacts c LEFT JOIN identities i USING (source_system, customer_key)
			WHERE customer_key IS NOT NULL GROUP BY ALL),
		churned AS (
			SELECT DISTINCT coalesce(i.person_id, o.customer_key) AS person
			FROM outcomes o LEFT JOIN identities i USING (source_system, customer_key) WHERE kind = 'churn')
		SELECT CASE WHEN n = 1 THEN 1 WHEN n <= 3 THEN 2 WHEN n <= 7 THEN 3 ELSE 4 END AS bucket,
		       avg(CASE WHEN churned.person IS NULL THEN 0 ELSE 1 END) AS rate, count(*)
		FROM p LEFT JOIN churned USING (person) GROUP BY bucket ORDER BY bucket`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	prev := -1.0
	var got []float64
	for rows.Next() {
		var b, n int64
		var rate float64
		if err := rows.Scan(&b, &rate, &n); err != nil {
			t.Fatal(err)
		}
		got = append(got, rate)
		if rate <= prev {
			t.Errorf("churn by contacts per person does not rise: %v", got)
		}
		prev = rate
	}
	t.Logf("churn rate by contacts per person (1, 2-3, 4-7, 8+): %.4f", got)
	if len(got) != 4 || got[3] < 2*got[0] {
		t.Errorf("churn rates by effort bucket %v, want 4 rising buckets, the last ≥ 2× the first", got)
	}
	// And in the simulator's own per-need table.
	cb := tr.ChurnByEffort
	if cb[len(cb)-1].ChurnRate < 3*cb[0].ChurnRate {
		t.Errorf("truth churn_by_effort %+v: want the top bucket ≥ 3× the first", cb)
	}
}

// Nightmare journeys are in the exports: weeks long, ≥ 4 calls, ≥ 3 visits.
func TestPlantedNightmares(t *testing.T) {
	c, tr := sharedTables(t)
	if len(tr.Nightmares.Examples) == 0 {
		t.Fatal("no nightmare examples")
	}
	for _, nm := range tr.Nightmares.Examples {
		var ids []string
		for _, r := range nm.Contacts {
			ids = append(ids, r.SourceSystem+"/"+r.ContactID)
		}
		var calls, visits, n int64
		var days float64
		err := c.QueryRowContext(context.Background(), `
			SELECT count(*) FILTER (channel = 'phone'), count(*) FILTER (channel = 'store'), count(*),
			       (epoch(max(started_at)) - epoch(min(started_at))) / 86400
			FROM contacts WHERE source_system || '/' || contact_id IN (`+quoteList(ids)+`)`).Scan(&calls, &visits, &n, &days)
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(len(ids)) {
			t.Errorf("nightmare %s: %d of its %d contacts in the exports", nm.PersonID, n, len(ids))
		}
		if len(ids) == len(nightmareScript) && (calls < 4 || visits < 3 || days < 21) {
			t.Errorf("nightmare %s: %d calls, %d visits over %.1f days", nm.PersonID, calls, visits, days)
		}
	}
}
