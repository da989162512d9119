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

Supported beyond plain ODEs: events (delays, priorities, persistence, values
from trigger time), delay() with a state history, fast reactions (rapid
equilibrium, checked against the tolerances at every output time), algebraic
rules that each determine one variable and are linear in it (solved into
assignment rules), rateOf, the comp package (flattened) and fbc (flux balance).
What the engine cannot simulate faithfully is refused with an error of the form
"unsupported: <construct> at <element id>, line N", never simulated wrongly:
SBML packages marked required other than comp and fbc, algebraic rules that form
a differential-algebraic system or are non-linear in their variable, nested
delay(), rateOf of a general expression. Conformance counts: CONFORMANCE.md.`,
		Example: `  holobiont sbml run model.xml --duration 10 --steps 100 --out out.csv
  holobiont sbml testsuite ../shared/sbml-test-suite/cases --cases 1-200 --out results.tsv
  holobiont sbml export models/gut-skin-brain.yaml --out gut-skin-brain.xml`,
	}
	cmd.AddCommand(newSBMLRunCmd(), newSBMLTestsuiteCmd(), newSBMLExportCmd())
	return cmd
}
