package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/dabench"
	"github.com/holobiont/holobiont/report"
)

func newDABenchmarkCmd() *cobra.Command {
	var (
		out     string
		workers int
	)
	cmd := &cobra.Command{
		Use:   "da-benchmark SPEC.yaml --out DIR",
		Short: "Score differential-abundance methods on simulated studies with known truth",
		Long: `da-benchmark simulates studies with known differences and scores every
differential-abundance method of "analyze da" on them. The trial named in
SPEC (a cohort-engine trial, e.g. a probiotic arm raising one taxon and an
antibiotic arm lowering a guild) gives each subject's true community at the
compared site and day; background taxa no arm touches, zero inflation and
sequencing at the trial's depth give the counts. A large truth cohort
(truth_subjects per arm) fixes each taxon's true natural-log fold change in
absolute abundance and in relative abundance; a taxon is differentially
abundant when that exceeds the threshold. Every method is run on every
replicate, and FDR, power and effect-size bias are reported per method,
comparison and kind of truth.

DIR receives scores.tsv (the table), replicates.tsv (FDR and power per
replicate), truth.tsv (true fold changes) and report.html (the table and an
FDR–power figure per comparison and truth). Results depend on the spec's
seed only, not on --workers.`,
		Example: `  holobiont da-benchmark examples/da-benchmark.yaml --out da-bench`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out DIR is required")
			}
			s, err := dabench.LoadSpec(args[0])
			if err != nil {
				return err
			}
			if workers <= 0 {
				workers = numCPU()
			}
			res, err := dabench.Run(cmd.Context(), s, dabench.Options{Workers: workers,
				Progress: func(m string) { fmt.Fprintln(cmd.ErrOrStderr(), "da-benchmark:", m) }})
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			return writeDABench(cmd, out, args[0], res)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output directory (required)")
	cmd.Flags().IntVar(&workers, "workers", 0, "goroutines (0 = all cores)")
	return cmd
}

func writeDABench(cmd *cobra.Command, dir, specPath string, res *dabench.Result) error {
	head := fmt.Sprintf("# holobiont %s da-benchmark %s: %d replicates, %d subjects per comparison, seed %d",
		version, specPath, res.Spec.Replicates, res.Subjects, res.Spec.Seed)
	err := divWriteOutput(cmd, filepath.Join(dir, "scores.tsv"), func(w *bufio.Writer) error {
		fmt.Fprintln(w, head)
		for _, n := range res.Notes {
			fmt.Fprintln(w, "# "+n)
		}
		fmt.Fprintln(w, "method\tcomparison\ttruth\treplicates\tdifferential\tcalled\tfdr\tpower\tbias\trmse\tseconds")
		for _, s := range res.Scores {
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Method, s.Comparison, s.Truth, s.Replicates,
				fmtNum(s.DA), fmtNum(s.Called), fmtNum(s.FDR), fmtNum(s.Power), fmtNum(s.Bias), fmtNum(s.RMSE), fmtNum(s.Seconds))
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = divWriteOutput(cmd, filepath.Join(dir, "replicates.tsv"), func(w *bufio.Writer) error {
		fmt.Fprintln(w, head)
		fmt.Fprintln(w, "method\tcomparison\ttruth\treplicate\tfdr\tpower")
		for _, r := range res.Replicates {
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\n", r.Method, r.Comparison, r.Truth, r.Replicate, fmtNum(r.FDR), fmtNum(r.Power))
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = divWriteOutput(cmd, filepath.Join(dir, "truth.tsv"), func(w *bufio.Writer) error {
		fmt.Fprintln(w, head)
		fmt.Fprintln(w, "comparison\ttaxon\tabsolute_lfc\tcompositional_lfc")
		for _, t := range res.Truths {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", t.Comparison, t.Taxon, fmtNum(t.Absolute), fmtNum(t.Compositional))
		}
		return nil
	})
	if err != nil {
		return err
	}
	page := &report.Page{Title: "Differential-abundance benchmark: " + res.Spec.Name, Subtitle: specPath,
		Meta: [][2]string{{"holobiont", version}, {"spec", specPath}, {"trial", res.Spec.Trial}, {"replicates", strconv.Itoa(res.Spec.Replicates)},
			{"seed", strconv.FormatUint(res.Spec.Seed, 10)}, {"threshold", fmtNum(res.Spec.Threshold)}, {"alpha", fmtNum(res.Spec.Alpha)}}}
	tb := report.Table{Header: []string{"method", "comparison", "truth", "differential", "called", "FDR", "power", "bias", "RMSE", "s/run"}}
	f3 := func(v float64) string {
		if math.IsNaN(v) {
			return "NA"
		}
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
	for _, s := range res.Scores {
		tb.Rows = append(tb.Rows, []string{s.Method, s.Comparison, s.Truth, f3(s.DA), f3(s.Called), f3(s.FDR), f3(s.Power), f3(s.Bias), f3(s.RMSE), f3(s.Seconds)})
	}
	sec := report.Section{Heading: "FDR, power and effect bias per method", Text: strings.Join(res.Notes, "\n\n"), Tables: []report.Table{tb}}
	var methods []string
	seen := map[string]bool{}
	for _, s := range res.Scores {
		if !seen[s.Method] {
			seen[s.Method] = true
			methods = append(methods, s.Method)
		}
	}
	type key struct{ c, t string }
	var keys []key
	seenK := map[key]bool{}
	for _, s := range res.Scores {
		k := key{s.Comparison, s.Truth}
		if !seenK[k] {
			seenK[k] = true
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		var x, y []float64
		var g, lab []string
		for _, r := range res.Replicates {
			if r.Comparison == k.c && r.Truth == k.t {
				x = append(x, r.FDR)
				y = append(y, r.Power)
				g = append(g, r.Method)
				lab = append(lab, fmt.Sprintf("%s replicate %d", r.Method, r.Replicate))
			}
		}
		sec.Figures = append(sec.Figures, report.Scatter{Title: fmt.Sprintf("%s vs %s (%s truth)", k.c, res.Spec.Control, k.t),
			XLabel: "false discovery rate", YLabel: "power", X: x, Y: y, Groups: g, Labels: lab, HoverOnly: true, Palette: methods})
	}
	page.Sections = []report.Section{sec}
	return page.WriteFile(filepath.Join(dir, "report.html"))
}
