package main

import (
	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/petab"
)

func newPetabCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "petab",
		Short: "Check, simulate and evaluate PEtab parameter estimation problems",
		Long: `Read PEtab problems (format versions 1 and 2, SBML models): the problem YAML, the
parameter, observable, condition, experiment, measurement and mapping tables.
Conditions, pre-equilibration (to steady state), condition-specific parameters,
observable and noise formulas with placeholders, normal and Laplace noise on lin,
log and log10 scales, and priors are supported. Problems using something holobiont
does not support (another model language, a required extension, SBML events with
the bdf solver, ...) are refused with an error that starts "unsupported:".

Every error names the file, line, column and id: a missing column, an unknown id,
a formula that does not parse, a lower bound above the upper bound, a parameter
estimated on a log scale with a bound that is not positive. They are reported
before any simulation.

To fit a problem, see holobiont calibrate.`,
		Example: `  holobiont petab check Boehm_JProteomeRes2014.yaml
  holobiont petab llh Boehm_JProteomeRes2014.yaml --format json
  holobiont petab llh problem.yaml --parameters fit/parameters_best.tsv
  holobiont petab simulate problem.yaml --out sim
  holobiont petab testsuite ../shared/petab-test-suite/petabtests/cases`,
	}
	cmd.AddCommand(newPetabCheckCmd(), newPetabSimulateCmd(), newPetabLLHCmd(), newPetabTestsuiteCmd())
	return cmd
}

// solverFlags are the integration settings shared by the petab commands
// and calibrate.
type solverFlags struct {
	rtol, atol float64
	solver     string
	maxSteps   int
}

func (f *solverFlags) add(cmd *cobra.Command) {
	cmd.Flags().Float64Var(&f.rtol, "rtol", 1e-8, "relative integration tolerance")
	cmd.Flags().Float64Var(&f.atol, "atol", 1e-12, "absolute integration tolerance")
	cmd.Flags().IntVar(&f.maxSteps, "max-steps", 200000, "integration steps allowed in one period of an experiment; a simulation that needs more fails: calibrate then redraws a start point and backs off from a trial point")
	cmd.Flags().StringVar(&f.solver, "solver", "", `integrator: "bdf" (holobiont's BDF with forward sensitivities; no SBML events) or "ode" (automatic explicit/Rosenbrock with SBML events); default: bdf unless the model has events`)
}

func (f *solverFlags) options() estimate.Options {
	return estimate.Options{RTol: f.rtol, ATol: f.atol, Solver: f.solver, MaxSteps: f.maxSteps}
}

// loadPetab reads and compiles a PEtab problem; parameters, if not empty,
// names a table of parameter values (parameterId, nominalValue) that
// replace the nominal ones.
func loadPetab(path, parameters string, opt estimate.Options) (*estimate.Spec, *estimate.Problem, error) {
	spec, err := petab.Load(path)
	if err != nil {
		return nil, nil, err
	}
	if parameters != "" {
		vals, err := petab.ReadParameterValues(parameters)
		if err != nil {
			return nil, nil, err
		}
		if err := petab.SetNominal(spec, vals, parameters); err != nil {
			return nil, nil, err
		}
	}
	prob, err := estimate.Compile(spec, opt)
	if err != nil {
		return nil, nil, err
	}
	return spec, prob, nil
}
