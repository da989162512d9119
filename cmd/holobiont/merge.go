package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/cohort"
)

func newMergeCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "merge DIR...",
		Short: "Merge the shards of a cohort or trial run",
		Long: `merge combines the shard directories written by ` + "`holobiont cohort --shard i/N`" + `
(or ` + "`holobiont trial --shard`" + `) into one result in --out, byte-identical to an
unsharded run of the same spec. It refuses shards of different specs (every
shard records the spec hash) and names the chunks that are missing.`,
		Example: `  holobiont merge part0 part1 part2 --out cohort
  holobiont merge shards/* --out cohort`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out DIR is required")
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			if err := cohort.Assemble(ctx, args, out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "merged %d directories -> %s\n", len(args), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output directory (required)")
	return cmd
}
