package job

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/mcnamara/mcnamara/metrics"
	"github.com/mcnamara/mcnamara/pipeline/lake"
	"github.com/mcnamara/mcnamara/sql/duck"
)

// Breach is one alert that fired: a member whose figure is past the bound
// of an [alerts] rule.
type Breach struct {
	Metric    string  `json:"metric"`
	Dimension string  `json:"dimension"`
	Member    string  `json:"member"`
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
	// Bound is "max" (the value is above it) or "min" (below).
	Bound string `json:"bound"`
	// WindowDays is the rule's window (0: the figure has none).
	WindowDays int `json:"window_days,omitempty"`
	// CountName names Count, what the value is a share of
	// (claimed_success_contacts, judged_contacts, rows_read).
	CountName string `json:"count_name"`
	Count     int64  `json:"count"`
}

// String says it in a line: `gap_ratio of department "Tech" is 0.6667,
// above its max 0.6 (3 claimed_success_contacts)`.
func (b Breach) String() string {
	how := "above"
	if b.Bound == "min" {
		how = "below"
	}
	window := ""
	if b.WindowDays > 0 {
		window = fmt.Sprintf(" at %d days", b.WindowDays)
	}
	return fmt.Sprintf("%s%s of %s %q is %s, %s its %s %s (%d %s)", b.Metric, window, b.Dimension, b.Member,
		strconv.FormatFloat(b.Value, 'g', 4, 64), how, b.Bound, strconv.FormatFloat(b.Threshold, 'g', -1, 64), b.Count, b.CountName)
}

// attrs are the breach's log attributes: one record per breach.
func (b Breach) attrs() []any {
	a := []any{"metric", b.Metric, "dimension", b.Dimension, "member", b.Member,
		"value", b.Value, "threshold", b.Threshold, "bound", b.Bound}
	if b.WindowDays > 0 {
		a = append(a, "window_days", b.WindowDays)
	}
	return append(a, b.CountName, b.Count)
}

// AlertResult is what an evaluation of the [alerts] rules found.
type AlertResult struct {
	Rules    int      // rules in force
	Checks   int      // members judged, over all rules
	Breaches []Breach // in the rules' order, then by dimension and member
}

// AlertError ends a run that finished, with everything written, but fired
// alerts. Rejected carries the batch's rejected rows, which it outranks
// (main maps it to its own exit code; README, Exit codes).
type AlertError struct {
	Breaches []Breach
	Rejected int64
}

func (e AlertError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "finished, but %d alert(s) fired: ", len(e.Breaches))
	for i, x := range e.Breaches {
		if i > 0 {
			b.WriteString("; ")
		}
		if i == 3 {
			fmt.Fprintf(&b, "and %d more (see the log)", len(e.Breaches)-i)
			break
		}
		b.WriteString(x.String())
	}
	if e.Rejected > 0 {
		fmt.Fprintf(&b, "; also %s", RejectedError{Rows: e.Rejected}.Error())
	}
	return b.String()
}

// RunOutcome is the error a finished run ends with, by precedence: files
// refused as a whole (an error), else alerts that fired, else rows
// rejected, else none.
func RunOutcome(res RunResult) error {
	err := Outcome(res.Ingest)
	var rej RejectedError
	n := len(res.Alerts.Breaches)
	switch {
	case err != nil && !errors.As(err, &rej):
		if n > 0 {
			return fmt.Errorf("%w\n(and %d alert(s) fired: see the log)", err, n)
		}
		return err
	case n > 0:
		return AlertError{Breaches: res.Alerts.Breaches, Rejected: rej.Rows}
	}
	return err
}

// EvaluateAlerts judges the [alerts] rules over the lake's marts and a
// batch (the one rejected_ratio judges; nil: none) on db, logging each
// breach as one warning record. Run calls it under the lock once the marts
// and the report are written; Alerts on demand.
func (j Job) EvaluateAlerts(ctx context.Context, db *sql.DB, batch *lake.Batch) (AlertResult, error) {
	rules, err := j.Config.AlertRules()
	if err != nil {
		return AlertResult{}, Usage(err)
	}
	out := AlertResult{Rules: len(rules)}
	if len(rules) == 0 {
		return out, nil
	}
	marts, err := lake.AttachMarts(ctx, db, j.Config.Lake.Dir)
	if err != nil {
		return out, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return out, fmt.Errorf("alerts: %w", err)
	}
	defer conn.Close()
	if err := createBatchInputs(ctx, conn, batch); err != nil {
		return out, err
	}
	log := j.logger()
	for _, r := range rules {
		for _, rel := range r.Reads {
			if rel != metrics.BatchInputs && !slices.Contains(marts, rel) {
				return out, Usagef("alert %s reads the mart %s, which %s does not have: run `mcnamara build --full`", r.Name, rel, j.Config.Lake.Dir)
			}
		}
		rows, err := conn.QueryContext(ctx, r.Query())
		if err != nil {
			return out, fmt.Errorf("alert %s: %w", r.Name, err)
		}
		for rows.Next() {
			b := Breach{Metric: r.Name, Threshold: r.Threshold, Bound: r.Bound(), WindowDays: r.WindowDays, CountName: r.Count}
			if err := rows.Scan(&b.Dimension, &b.Member, &b.Value, &b.Count); err != nil {
				rows.Close()
				return out, fmt.Errorf("alert %s: %w", r.Name, err)
			}
			out.Checks++
			if r.Breached(b.Value) {
				out.Breaches = append(out.Breaches, b)
				log.Warn("alert", b.attrs()...)
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return out, fmt.Errorf("alert %s: %w", r.Name, err)
		}
		rows.Close()
	}
	level := slog.LevelInfo
	if len(out.Breaches) > 0 {
		level = slog.LevelWarn
	}
	log.Log(ctx, level, "alerts evaluated", "rules", out.Rules, "checks", out.Checks, "breaches", len(out.Breaches))
	return out, nil
}

// createBatchInputs is metrics.BatchInputs: the inputs of the batch judged
// (empty without one), one row per input file.
func createBatchInputs(ctx context.Context, conn *sql.Conn, batch *lake.Batch) error {
	q := "CREATE OR REPLACE TEMP TABLE " + duck.Ident(metrics.BatchInputs) +
		" (batch_id VARCHAR, source VARCHAR, rows_read BIGINT, rows_rejected BIGINT)"
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	if batch == nil {
		return nil
	}
	ins := "INSERT INTO " + duck.Ident(metrics.BatchInputs) + " VALUES (?, ?, ?, ?)"
	for _, in := range batch.Inputs {
		if _, err := conn.ExecContext(ctx, ins, batch.ID, in.Source, in.RowsRead, in.RowsRejected); err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
	}
	return nil
}

// Alerts judges the [alerts] rules on demand (`mcnamara alerts`): over the
// marts as they are and the lake's latest batch, read-only and without
// the lock, as a query does. A lake whose marts lag its batches is judged
// all the same, with a warning.
func (j Job) Alerts(ctx context.Context) (AlertResult, error) {
	cfg := j.Config
	rules, err := cfg.AlertRules()
	if err != nil {
		return AlertResult{}, Usage(err)
	}
	if len(rules) == 0 {
		return AlertResult{}, Usagef("no alerts configured: add [alerts.<name>] tables to %s (`mcnamara init` shows them)", cfg.Path())
	}
	if err := j.RequireLake(); err != nil {
		return AlertResult{}, err
	}
	if !j.martsExist() {
		return AlertResult{}, Usagef("no marts in %s: run `mcnamara build` (or `mcnamara run`) first", cfg.Lake.Dir)
	}
	st, batches, err := j.MartsStatus()
	if err != nil {
		return AlertResult{}, err
	}
	if st.Pending > 0 || st.Gone > 0 || !st.Recorded {
		j.logger().Warn("the marts lag the lake: the alerts judge them as they are; `mcnamara build` brings them up to date",
			"batches", batches, "not_modelled", st.Pending)
	}
	all, err := lake.ReadManifest(cfg.Lake.Dir)
	if err != nil {
		return AlertResult{}, err
	}
	var latest *lake.Batch
	if len(all) > 0 {
		latest = &all[len(all)-1]
	}
	db, err := duck.Open(ctx, duck.Options{MemoryLimit: cfg.Lake.MemoryLimit, Threads: cfg.Lake.Threads, TempDir: cfg.Lake.TempDirectory})
	if err != nil {
		return AlertResult{}, err
	}
	defer db.Close()
	return j.EvaluateAlerts(ctx, db, latest)
}
