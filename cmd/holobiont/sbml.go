package main

import (
	"github.com/spf13/cobra"
)

func newSBMLCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sbml",
		Short: "Import, run, test and export SBML models",
		Long: `Read SBML (Level 2 Version 4, Level 3 Versions 1 and 2, core) into holobiont's
model IR and simulate it on holobiont's own solvers, run the SBML Test Suite, and
export holobiont models as SBML Level 3 Version 2.

Constructs holobiont does not support (algebraic rules, delay(), fast reactions,
SBML packages marked required) are refused with an error of the form
"unsupported: <construct> at <element id>, line N", never simulated wrongly.`,
		Example: `  holobiont sbml run model.xml --duration 10 --steps 100 --out out.csv
  holobiont sbml testsuite ../shared/sbml-test-suite/cases --cases 1-200 --out results.tsv
  holobiont sbml export models/gut-skin-brain.yaml --out gut-skin-brain.xml`,
	}
	cmd.AddCommand(newSBMLRunCmd(), newSBMLTestsuiteCmd(), newSBMLExportCmd())
	return cmd
}
