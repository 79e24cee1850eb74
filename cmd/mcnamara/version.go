package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	mcduck "github.com/mcnamara/mcnamara/sql/duck"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, the Go toolchain and the DuckDB library version",
		Example: `  mcnamara version`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			duck := "unknown"
			if bi, ok := debug.ReadBuildInfo(); ok {
				for _, d := range bi.Deps {
					if d.Path == "github.com/duckdb/duckdb-go/v2" {
						duck = d.Version
					}
				}
			}
			// the engine's own version is what a bug report needs
			engine := "unknown"
			if db, err := mcduck.Open(cmd.Context(), mcduck.Options{Threads: 1}); err == nil {
				_ = db.QueryRowContext(cmd.Context(), "SELECT version()").Scan(&engine)
				db.Close()
			}
			fmt.Fprintf(cmd.OutOrStdout(), "mcnamara %s (%s, %s/%s, DuckDB %s, duckdb-go %s)\n",
				version, runtime.Version(), runtime.GOOS, runtime.GOARCH, engine, duck)
			return nil
		},
	}
}
