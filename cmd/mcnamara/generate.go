package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/job"
	"github.com/mcnamara/mcnamara/pipeline/synth"
)

func newGenerateCmd(g *globals) *cobra.Command {
	var (
		out      string
		contacts int64
		days     int
		seed     uint64
		start    string
		daily    bool
		noGaming bool
		format   string
	)
	cmd := &cobra.Command{
		Use:   "generate --out DIR",
		Short: "Write a simulated contact center's raw exports and their ground truth",
		Long: `generate simulates a contact center — customers with needs, agents with habits,
departments that pass customers on — and writes the raw exports its systems
would produce, each in its own format:

  acd_calls.csv        phone system call legs
  chat_sessions.jsonl  chat platform sessions
  store_visits.csv     store check-ins
  crm_events.csv       CRM outcome events (resolutions, complaints, churn, ...)
  surveys.csv          post-contact survey answers
  identity_map.csv     MDM links of each system's customer key to a person

plus ground_truth.json: the planted effects (rushed agents, a ping-pong
department pair, survey bias, churn rising with effort, nightmare journeys)
and the figures per agent, team and department the pipeline should recover.
The same --seed and flags always give byte-identical files.

With --format parquet the phone system is an Amazon Connect instance
instead of the ACD: its calls are written as the Connect analytics data
lake's contact_record table (contact_record.parquet, Parquet through
parquet-go), which the shipped amazon_connect_datalake preset loads; the
survey tool and the MDM then call that system CONNECT.`,
		Example: `  mcnamara generate --out inbox --contacts 100000 --days 90 --seed 7
  mcnamara generate --out inbox --contacts 20000 --days 14 --daily
  mcnamara generate --out inbox --format parquet && mcnamara ingest inbox/*.parquet inbox/*.csv inbox/*.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return job.Usagef("--out is required: the directory to write the exports into")
			}
			if contacts < 1 || contacts > synth.MaxContacts {
				return job.Usagef("--contacts %d: want 1..%d", contacts, synth.MaxContacts)
			}
			if days < 1 || days > 3660 {
				return job.Usagef("--days %d: want 1..3660", days)
			}
			if format != "csv" && format != "parquet" {
				return job.Usagef("--format %q: want csv or parquet", format)
			}
			st, err := time.Parse(time.DateOnly, start)
			if err != nil {
				return job.Usagef("--start %q: want a date like 2026-01-05", start)
			}
			sum, err := synth.Generate(cmd.Context(), synth.Options{
				Out: out, Contacts: contacts, Days: days, Seed: seed, Start: st, Daily: daily, Format: format, NoGaming: noGaming, Logger: g.logger,
			})
			if err != nil {
				return fmt.Errorf("generate: %w", err)
			}
			w := cmd.OutOrStdout()
			for _, f := range sum.Files {
				fmt.Fprintf(w, "%-28s %10d rows in %d file(s)\n", f.Name, f.Rows, f.Files)
			}
			fmt.Fprintf(w, "%-28s %10d contacts, %d people\n", synth.TruthFile, sum.Contacts, sum.Persons)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "output directory (created if missing)")
	f.Int64Var(&contacts, "contacts", 100_000, "contacts to generate (all channels)")
	f.IntVar(&days, "days", 90, "days of activity")
	f.Uint64Var(&seed, "seed", 1, "random seed; same seed and flags → identical files")
	f.StringVar(&start, "start", synth.DefaultStart.Format(time.DateOnly), "first day (business time zone "+synth.BusinessZone+")")
	f.StringVar(&format, "format", "csv", "the phone system's export: csv (an ACD call log) or parquet (Amazon Connect data lake contact records)")
	f.BoolVar(&noGaming, "no-gaming", false, "plant none of the gaming behaviours (the gaming detectors' false-positive check)")
	f.BoolVar(&daily, "daily", false, "write one file per export and day (e.g. acd_calls_2026-01-05.csv), like a nightly feed")
	return cmd
}
