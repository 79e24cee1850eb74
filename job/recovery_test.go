package job

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/mcnamara/mcnamara/pipeline/synth"
)

// truthGroup is one member of ground_truth.json's observed figures.
type truthGroup struct {
	Member         string  `json:"member"`
	Team           string  `json:"team"`
	Department     string  `json:"department"`
	Contacts       int64   `json:"contacts"`
	ClaimedSuccess int64   `json:"claimed_success"`
	ClaimedRate    float64 `json:"claimed_success_rate"`
	FailedRate     float64 `json:"outcome_failed_rate"`
	GapRate        float64 `json:"gap_rate"`
	VerifiedRate   float64 `json:"verified_resolution_rate"`
	AHT            float64 `json:"aht_seconds"`
	// cost, FCR ladder and ping-pongs (observed view)
	HandleSeconds       float64 `json:"handle_seconds"`
	RepeatHandleSeconds float64 `json:"repeat_handle_seconds"`
	ReworkHandleSeconds float64 `json:"rework_handle_seconds"`
	PingPongs           float64 `json:"ping_pongs"`
	ClaimedFCR7         float64 `json:"claimed_fcr_7d"`
	MeasuredFCR7        float64 `json:"measured_fcr_7d"`
	FCRJudged7          int64   `json:"fcr_judged_7d"`
}

// TestRecoversGroundTruth runs generate → ingest → build and checks that the
// marts recover what the generator planted and recorded (its "observed"
// figures follow the same definitions, computed in Go from the simulator's
// own records): overall rates within stated tolerances, the ranking of teams
// and agents by gap rate, the rushed agents' short handle times, and the
// ping-pong department pair.
func TestRecoversGroundTruth(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	sum, err := synth.Generate(ctx, synth.Options{Out: data, Contacts: 60000, Days: 91, Seed: 11,
		Start: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var truth struct {
		Planted struct {
			RushedAgents []string `json:"rushed_agents"`
			PingPong     []string `json:"ping_pong"`
			FCROverclaim string   `json:"fcr_overclaim_department"`
		} `json:"planted"`
		True struct {
			Overall  truthGroup   `json:"overall"`
			Channels []truthGroup `json:"channels"`
		} `json:"true"`
		Observed struct {
			Overall     truthGroup   `json:"overall"`
			Agents      []truthGroup `json:"agents"`
			Teams       []truthGroup `json:"teams"`
			Departments []truthGroup `json:"departments"`
			Channels    []truthGroup `json:"channels"`
		} `json:"observed"`
	}
	b, err := os.ReadFile(sum.Truth)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}

	_, db := synthLake(t, dir, sum)

	// Overall rates. The tolerances absorb the few places where the marts'
	// rules and the generator's are allowed to differ (which journey an
	// outcome event without a case attaches to; see docs/definitions.md).
	var all truthGroup
	if err := db.QueryRow(`SELECT claimed_success_ratio, outcome_failed_ratio, gap_ratio, verified_resolution_ratio
		FROM gap WHERE dimension = 'all' AND grain = 'total'`).Scan(&all.ClaimedRate, &all.FailedRate, &all.GapRate, &all.VerifiedRate); err != nil {
		t.Fatal(err)
	}
	o := truth.Observed.Overall
	for _, c := range []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"claimed_success_rate", all.ClaimedRate, o.ClaimedRate, 0.02},
		{"gap_rate", all.GapRate, o.GapRate, 0.04},
		{"verified_resolution_rate", all.VerifiedRate, o.VerifiedRate, 0.03},
		{"outcome_failed_rate", all.FailedRate, o.FailedRate, 0.08},
	} {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("overall %s = %.3f, ground truth %.3f (tolerance ±%.2f)", c.name, c.got, c.want, c.tol)
		} else {
			t.Logf("overall %s = %.3f, ground truth %.3f", c.name, c.got, c.want)
		}
	}

	// Ranking by gap rate: teams, and agents with enough claimed successes.
	rank := func(dim string, groups []truthGroup, minClaimed int64) float64 {
		got := map[string]float64{}
		rows, err := db.Query(`SELECT member, gap_ratio FROM gap WHERE dimension = ? AND grain = 'total' AND gap_ratio IS NOT NULL`, dim)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var m string
			var r float64
			if err := rows.Scan(&m, &r); err != nil {
				t.Fatal(err)
			}
			got[m] = r
		}
		var xs, ys []float64
		for _, gr := range groups {
			if v, ok := got[gr.Member]; ok && gr.ClaimedSuccess >= minClaimed {
				xs, ys = append(xs, v), append(ys, gr.GapRate)
			}
		}
		if len(xs) < 5 {
			t.Fatalf("%s: only %d members to rank", dim, len(xs))
		}
		return spearman(xs, ys)
	}
	if rho := rank("team", truth.Observed.Teams, 100); rho < 0.8 {
		t.Errorf("teams ranked by gap rate: Spearman %.2f with the ground truth, want ≥ 0.8", rho)
	} else {
		t.Logf("teams ranked by gap rate: Spearman %.2f with the ground truth", rho)
	}
	if rho := rank("agent", truth.Observed.Agents, 80); rho < 0.7 {
		t.Errorf("agents ranked by gap rate: Spearman %.2f with the ground truth, want ≥ 0.7", rho)
	} else {
		t.Logf("agents ranked by gap rate: Spearman %.2f with the ground truth", rho)
	}

	// The rushed agents: the marts show their short handle times against
	// their own department's other agents.
	aht := map[string]float64{}
	rows, err := db.Query(`SELECT member, handle_time_seconds FROM gap WHERE dimension = 'agent' AND grain = 'total' AND handle_time_seconds IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var m string
		var v float64
		if err := rows.Scan(&m, &v); err != nil {
			t.Fatal(err)
		}
		aht[m] = v
	}
	rows.Close()
	type acc struct{ rushed, other, nr, no float64 }
	byDept := map[string]*acc{}
	for _, a := range truth.Observed.Agents {
		v, ok := aht[a.Member]
		if !ok || a.Contacts < 100 {
			continue
		}
		d := byDept[a.Department]
		if d == nil {
			d = &acc{}
			byDept[a.Department] = d
		}
		if slices.Contains(truth.Planted.RushedAgents, a.Member) {
			d.rushed, d.nr = d.rushed+v, d.nr+1
		} else {
			d.other, d.no = d.other+v, d.no+1
		}
	}
	checked := 0
	for dept, d := range byDept {
		if d.nr == 0 || d.no == 0 {
			continue
		}
		checked++
		if r, o := d.rushed/d.nr, d.other/d.no; r > 0.8*o {
			t.Errorf("%s: rushed agents' AHT %.0f s is not clearly below their peers' %.0f s", dept, r, o)
		}
	}
	if checked == 0 {
		t.Error("no department with both rushed and other agents to compare")
	}

	// The ping-pong pair, from the mart (contact_facts.ping_pong: back to
	// the department of two contacts before), not from raw transfer
	// columns: the pair the returns move between most.
	var from, to string
	var pairs float64
	if err := db.QueryRow(`SELECT least(department, prev), greatest(department, prev), count(*) FROM (
			SELECT department, ping_pong, lag(department) OVER (PARTITION BY journey_id ORDER BY seq_in_journey) AS prev
			FROM contact_facts WHERE journey_id IS NOT NULL)
		WHERE ping_pong GROUP BY ALL ORDER BY count(*) DESC LIMIT 1`).Scan(&from, &to, &pairs); err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(truth.Planted.PingPong)
	sort.Strings(want)
	if from != want[0] || to != want[1] {
		t.Errorf("the marts' most frequent ping-pong pair %s ↔ %s, planted %v", from, to, want)
	}
	var pingPongs float64
	if err := db.QueryRow(`SELECT sum(ping_pongs) FROM journeys`).Scan(&pingPongs); err != nil {
		t.Fatal(err)
	}
	near := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol*math.Max(math.Abs(want), 1) {
			t.Errorf("%s = %.4f, ground truth %.4f (tolerance ±%.1f%%)", what, got, want, tol*100)
		} else {
			t.Logf("%s = %.4f, ground truth %.4f", what, got, want)
		}
	}
	near("ping-pongs", pingPongs, o.PingPongs, 0.01)

	// The cost mart's totals equal the generator's own sums: handle hours,
	// priced at the default 35 an agent hour, of every contact, of the
	// 2nd+ contacts of journeys and of the contacts after a claimed success.
	var hours, cost, fdHours, gapHours float64
	if err := db.QueryRow(`SELECT agent_hours, agent_cost, failure_demand_hours, gap_hours FROM cost
		WHERE dimension = 'all' AND grain = 'total'`).Scan(&hours, &cost, &fdHours, &gapHours); err != nil {
		t.Fatal(err)
	}
	// every contact, anonymous ones too (the "true" view counts them all)
	var genSeconds float64
	for _, ch := range truth.True.Channels {
		genSeconds += ch.HandleSeconds
	}
	near("agent hours", hours, truth.True.Overall.HandleSeconds/3600, 1e-9)
	near("agent hours, by channel", hours, genSeconds/3600, 1e-9)
	near("agent cost", cost, genSeconds/3600*35, 1e-9)
	// of journeys, rebuilt by the generator the pipeline's way
	near("failure-demand hours", fdHours, o.RepeatHandleSeconds/3600, 0.01)
	near("gap rework hours", gapHours, o.ReworkHandleSeconds/3600, 0.01)

	// The FCR ladder's 7-day rung by department, and the planted
	// department whose claimed FCR overstates its measured FCR the most.
	type rung struct{ claimed, measured float64 }
	ladder := map[string]rung{}
	rows, err = db.Query(`SELECT member, claimed_fcr, measured_fcr FROM fcr_ladder
		WHERE dimension = 'department' AND grain = 'total' AND window_days = 7`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var m string
		var r rung
		if err := rows.Scan(&m, &r.claimed, &r.measured); err != nil {
			t.Fatal(err)
		}
		ladder[m] = r
	}
	rows.Close()
	widest, margin := "", -1.0
	for _, d := range truth.Observed.Departments {
		r, ok := ladder[d.Member]
		if !ok || d.FCRJudged7 < 200 {
			continue
		}
		near(d.Member+": claimed FCR", r.claimed, d.ClaimedFCR7, 0.02)
		near(d.Member+": measured FCR at 7 days", r.measured, d.MeasuredFCR7, 0.02)
		if r.claimed-r.measured > margin {
			widest, margin = d.Member, r.claimed-r.measured
		}
	}
	if widest != truth.Planted.FCROverclaim {
		t.Errorf("the widest claimed − measured FCR (7 days) is %s's (%.3f), planted %s", widest, margin, truth.Planted.FCROverclaim)
	}
}

// spearman is the rank correlation of xs and ys (average ranks for ties).
func spearman(xs, ys []float64) float64 {
	rx, ry := ranks(xs), ranks(ys)
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx /= float64(len(rx))
	my /= float64(len(ry))
	var num, dx, dy float64
	for i := range rx {
		num += (rx[i] - mx) * (ry[i] - my)
		dx += (rx[i] - mx) * (rx[i] - mx)
		dy += (ry[i] - my) * (ry[i] - my)
	}
	return num / math.Sqrt(dx*dy)
}

func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			r[idx[k]] = float64(i+j)/2 + 1
		}
		i = j + 1
	}
	return r
}
