package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/google/renameio/v2"
	"github.com/spf13/cobra"

	"github.com/mcnamara/mcnamara/config"
	"github.com/mcnamara/mcnamara/job"
)

func newInitCmd(g *globals) *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter configuration",
		Long: `Write a commented starter configuration (mcnamara.toml) explaining every key:
the lake, the business time zone, the sources and their mappings, the run.
With --out - it is printed to standard output.`,
		Example: `  mcnamara init
  mcnamara init --out - | less`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "-" {
				_, err := fmt.Fprint(cmd.OutOrStdout(), config.Starter())
				return err
			}
			if _, err := os.Stat(out); err == nil && !force {
				return job.Usagef("%s already exists: pass --force to overwrite it, or --out another path", out)
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			if err := renameio.WriteFile(out, []byte(config.Starter()), 0o644); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: edit [[sources]], then run `mcnamara run --config %s`\n", out, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "mcnamara.toml", "where to write it (- for standard output)")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	return cmd
}
