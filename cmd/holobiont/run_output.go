package main

import (
	"fmt"
	"io"
	"path/filepath"

	holobiont "github.com/holobiont/holobiont"
)

// printRunSummary prints a run's record as the command's summary table.
func printRunSummary(w io.Writer, s *holobiont.Record, dir string) {
	fmt.Fprintf(w, "holobiont run %s: model %s (%s), scenario %q, days %g-%g, %d output times\n",
		s.RunID, s.Model.ID, s.Model.Source, s.Scenario.ID, s.Start, s.End, s.Outputs)
	fmt.Fprintf(w, "solver %s rtol %g atol %g: %d steps (%d rejected), %d RHS evaluations, %d Jacobians\n",
		s.Solver.Method, s.Solver.RTol, s.Solver.ATol, s.Solver.Steps, s.Solver.Rejected, s.Solver.RHSEvals, s.Solver.JacEvals)
	for _, iv := range s.Interventions {
		fmt.Fprintf(w, "  %-10s %-28s day %g-%g\n", iv.Type, iv.Name, iv.Start, iv.End)
	}
	if len(s.Endpoints) > 0 {
		fmt.Fprintf(w, "%-26s %10s %10s %8s %10s %8s %10s\n", "variable", "baseline", "min", "day", "max", "day", "end")
		for _, e := range s.Endpoints {
			fmt.Fprintf(w, "%-26s %10.4g %10.4g %8.4g %10.4g %8.4g %10.4g\n", e.Variable, e.Baseline, e.Min, e.TMin, e.Max, e.TMax, e.End)
		}
	}
	fmt.Fprintf(w, "report: %s\n", filepath.Join(dir, "report.html"))
}
