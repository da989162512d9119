package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/petab"
)

func newPetabSimulateCmd() *cobra.Command {
	var (
		sf     solverFlags
		out    string
		params string
	)
	cmd := &cobra.Command{
		Use:   "simulate PROBLEM.yaml --out DIR",
		Short: "Simulate a PEtab problem and write its simulation table",
		Long: `Simulate every experiment of the problem at the nominal parameter values (or at
the values of --parameters) and write DIR/simulations.tsv: the measurement
table's identifying columns (observableId, condition or experiment ids, time,
overrides) with the simulated observable in the column simulation, in
measurement order (PEtab's simulation table format).`,
		Example: `  holobiont petab simulate problem.yaml --out sim
  holobiont petab simulate problem.yaml --parameters fit/parameters_best.tsv --out fitted`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out DIR is required")
			}
			spec, prob, err := loadPetab(args[0], params, sf.options())
			if err != nil {
				return err
			}
			ev, err := prob.NewEvaluator()
			if err != nil {
				return err
			}
			sim, err := ev.Simulate(cmd.Context(), spec.Nominal())
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			path := filepath.Join(out, "simulations.tsv")
			f, err := safefile.Create(path)
			if err != nil {
				return err
			}
			defer f.Abort()
			if err := petab.WriteSimulations(f, spec, sim); err != nil {
				return err
			}
			if err := f.Commit(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d simulated measurements written to %s\n", len(sim), path)
			return nil
		},
	}
	sf.add(cmd)
	cmd.Flags().StringVar(&out, "out", "", "output directory (created if needed)")
	cmd.Flags().StringVar(&params, "parameters", "", "parameter values to use: a table with parameterId and nominalValue (linear scale)")
	return cmd
}
