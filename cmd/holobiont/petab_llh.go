package main

import (
	"bufio"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/internal/jsonnum"
)

func newPetabLLHCmd() *cobra.Command {
	var (
		sf     solverFlags
		params string
		format string
		grad   bool
	)
	cmd := &cobra.Command{
		Use:   "llh PROBLEM.yaml [--parameters P.tsv] [--format text|json]",
		Short: "Log-likelihood, chi2 and residuals of a PEtab problem",
		Long: `Simulate the problem at its nominal parameter values (or at the values of
--parameters: a table with the columns parameterId and nominalValue, linear
scale, such as calibrate's parameters_best.tsv) and print the log-likelihood
(PEtab's definition: normal or Laplace noise on the observable's scale, including
the Jacobian term log(m) or log(m·ln 10) of log and log10 transformations),
chi2 (the sum of squared residuals (T(m) − T(y))/σ), the log prior (when
priors are given) and each measurement's simulation and residual. With
--gradient it also prints d(llh + log prior)/du for the estimated parameters u
on their scales (forward sensitivities).

--format json prints one JSON object with the keys llh, chi2, log_prior,
log_posterior, measurements, and arrays simulations and residuals (and
gradient with --gradient).`,
		Example: `  holobiont petab llh ../shared/petab-benchmark/Boehm_JProteomeRes2014/Boehm_JProteomeRes2014.yaml
  holobiont petab llh problem.yaml --parameters fit/parameters_best.tsv --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: want text or json", format)
			}
			spec, prob, err := loadPetab(args[0], params, sf.options())
			if err != nil {
				return err
			}
			ev, err := prob.NewEvaluator()
			if err != nil {
				return err
			}
			r, err := ev.Evaluate(cmd.Context(), spec.Nominal(), grad)
			if err != nil {
				return err
			}
			w := bufio.NewWriter(cmd.OutOrStdout())
			defer w.Flush()
			if format == "json" {
				obj := map[string]any{
					"llh": jsonnum.Float(r.LLH), "chi2": jsonnum.Float(r.Chi2), "log_prior": jsonnum.Float(r.LogPrior),
					"log_posterior": jsonnum.Float(r.LLH + r.LogPrior), "measurements": len(r.Sim),
					"simulations": jsonnum.Floats(r.Sim), "residuals": jsonnum.Floats(r.Residual),
				}
				if grad {
					g := map[string]any{}
					for k, j := range prob.Free {
						g[spec.Params[j].ID] = jsonnum.Float(r.Grad[k])
					}
					obj["gradient"] = g
				}
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(obj)
			}
			fmt.Fprintf(w, "llh\t%.12g\nchi2\t%.12g\n", r.LLH, r.Chi2)
			if r.PriorTerms != nil {
				fmt.Fprintf(w, "log_prior\t%.12g\nlog_posterior\t%.12g\n", r.LogPrior, r.LLH+r.LogPrior)
			}
			if grad {
				fmt.Fprintln(w, "\nparameter\tscale\tgradient")
				for k, j := range prob.Free {
					fmt.Fprintf(w, "%s\t%s\t%.10g\n", spec.Params[j].ID, spec.Params[j].Scale, r.Grad[k])
				}
			}
			fmt.Fprintln(w, "\nobservableId\tcondition\ttime\tmeasurement\tsimulation\tsigma\tresidual")
			for i, m := range spec.Measurements {
				fmt.Fprintf(w, "%s\t%s\t%g\t%g\t%.10g\t%.6g\t%.6g\n", spec.Observables[m.Obs].ID, spec.Experiments[m.Exp].ID, m.Time, m.Value, r.Sim[i], r.Sigma[i], r.Residual[i])
			}
			return nil
		},
	}
	sf.add(cmd)
	cmd.Flags().StringVar(&params, "parameters", "", "parameter values: a table with parameterId and nominalValue (linear scale)")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&grad, "gradient", false, "also print the gradient with respect to the estimated parameters (on their scales)")
	return cmd
}
