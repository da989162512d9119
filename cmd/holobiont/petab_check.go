package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newPetabCheckCmd() *cobra.Command {
	var sf solverFlags
	cmd := &cobra.Command{
		Use:   "check PROBLEM.yaml",
		Short: "Check a PEtab problem's files and references without simulating",
		Long: `Read every table of the problem and its SBML model, check columns, numbers,
formulas, bounds and every reference (observables, conditions, experiments,
parameters, model ids), compile the model, and print a summary. Nothing is
simulated. Exits non-zero with a file:line error on the first problem found.`,
		Example: `  holobiont petab check ../shared/petab-benchmark/Boehm_JProteomeRes2014/Boehm_JProteomeRes2014.yaml`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec, prob, err := loadPetab(args[0], "", sf.options())
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			m := spec.Model
			fmt.Fprintf(w, "%s: PEtab v%d, SBML model %s (%d species, %d parameters, %d reactions)\n", args[0], spec.Version, m.ID, len(m.Species), len(m.Parameters), len(m.Reactions))
			fmt.Fprintf(w, "parameters: %d (%d estimated, %d reaching the dynamics)\n", len(spec.Params), len(prob.Free), prob.NumSensCols())
			fmt.Fprintf(w, "observables: %d, experiments: %d, measurements: %d\n", len(spec.Observables), len(spec.Experiments), len(spec.Measurements))
			grad := "forward sensitivities"
			if !prob.CanGradient() {
				grad = "central differences (no analytic sensitivities for this model)"
			}
			fmt.Fprintf(w, "gradients: %s\nOK\n", grad)
			return nil
		},
	}
	sf.add(cmd)
	return cmd
}
