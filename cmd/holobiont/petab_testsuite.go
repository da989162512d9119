package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/petab"
)

func newPetabTestsuiteCmd() *cobra.Command {
	var (
		sf      solverFlags
		out     string
		workers int
		all     bool
	)
	cmd := &cobra.Command{
		Use:   "testsuite DIR",
		Short: "Run the PEtab test suite's cases and count passes",
		Long: `Run every PEtab test-suite case (a folder NNNN with _NNNN.yaml and
_NNNN_solution.yaml) under DIR: evaluate the problem at its nominal parameters and
compare chi2, the log-likelihood, the simulation table (mean absolute difference,
as petabtests.evaluate computes it) and, where the solution gives them, the log
priors and the unnormalised log posterior, each within the solution's tolerance.
DIR may be the suite's cases folder, a version folder or one case. Only cases
whose model format folder is "sbml" run unless --all-formats is given (the others
are then refused as unsupported). Prints one line per case that does not pass,
counts per version, and ends with the line "N passed, M failed" (unsupported
cases and errors count as failed). --out writes one row per case (TSV).`,
		Example: `  holobiont petab testsuite ../shared/petab-test-suite/petabtests/cases
  holobiont petab testsuite ../shared/petab-test-suite/petabtests/cases/v2.0.0/sbml/0016 --solver ode`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dirs, err := petab.ListCases(args[0])
			if err != nil {
				return err
			}
			if !all {
				var keep []string
				for _, d := range dirs {
					if filepath.Base(filepath.Dir(d)) == "sbml" {
						keep = append(keep, d)
					}
				}
				dirs = keep
			}
			if len(dirs) == 0 {
				return fmt.Errorf("no SBML test-suite cases under %s (use --all-formats for others)", args[0])
			}
			if workers <= 0 {
				workers = runtime.GOMAXPROCS(0)
			}
			results := runPetabCases(cmd.Context(), dirs, workers, sf.options())
			if out != "" {
				f, err := safefile.Create(out)
				if err != nil {
					return err
				}
				defer f.Abort()
				if err := writePetabCases(f, results); err != nil {
					return err
				}
				if err := f.Commit(); err != nil {
					return err
				}
			}
			printPetabCases(cmd.OutOrStdout(), results)
			return nil
		},
	}
	sf.add(cmd)
	cmd.Flags().StringVar(&out, "out", "", "write per-case results (TSV) to this file")
	cmd.Flags().IntVar(&workers, "workers", 0, "parallel workers (default: number of CPUs)")
	cmd.Flags().BoolVar(&all, "all-formats", false, "also run cases of model formats other than sbml (refused as unsupported)")
	return cmd
}

func runPetabCases(ctx context.Context, dirs []string, workers int, opt estimate.Options) []petab.CaseResult {
	return runEachCase(ctx, dirs, workers, func(dir string) petab.CaseResult { return petab.RunCase(ctx, dir, opt) })
}

func writePetabCases(w io.Writer, rs []petab.CaseResult) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "version\tcase\tstatus\tllh\twant_llh\tchi2\twant_chi2\tsim_distance\tdetail")
	for _, r := range rs {
		detail := strings.ReplaceAll(strings.ReplaceAll(r.Msg, "\t", " "), "\n", " ")
		fmt.Fprintf(bw, "%s\t%s\t%s\t%.12g\t%.12g\t%.12g\t%.12g\t%.3g\t%s\n", r.Version, r.ID, r.Status, r.LLH, r.WantLLH, r.Chi2, r.WantChi2, r.SimDistance, detail)
	}
	return bw.Flush()
}

func printPetabCases(w io.Writer, rs []petab.CaseResult) {
	type count struct{ pass, fail, unsup, errs int }
	by := map[string]*count{}
	total := &count{}
	for _, r := range rs {
		if r.Status != "pass" {
			fmt.Fprintf(w, "%s/%s: %s: %s\n", r.Version, r.ID, r.Status, r.Msg)
		}
		c := by[r.Version]
		if c == nil {
			c = &count{}
			by[r.Version] = c
		}
		for _, x := range []*count{c, total} {
			switch r.Status {
			case "pass":
				x.pass++
			case "fail":
				x.fail++
			case "unsupported":
				x.unsup++
			default:
				x.errs++
			}
		}
	}
	var vs []string
	for v := range by {
		vs = append(vs, v)
	}
	sort.Strings(vs)
	fmt.Fprintf(w, "%-10s %6s %6s %6s %11s %6s\n", "", "cases", "pass", "fail", "unsupported", "error")
	for _, v := range vs {
		c := by[v]
		fmt.Fprintf(w, "%-10s %6d %6d %6d %11d %6d\n", v, c.pass+c.fail+c.unsup+c.errs, c.pass, c.fail, c.unsup, c.errs)
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", total.pass, total.fail+total.unsup+total.errs)
}
