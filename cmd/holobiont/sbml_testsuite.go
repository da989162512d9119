package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/sbmlsuite"
	"github.com/spf13/cobra"
)

func newSBMLTestsuiteCmd() *cobra.Command {
	var (
		cases   string
		out     string
		workers int
	)
	cmd := &cobra.Command{
		Use:   "testsuite DIR",
		Short: "Run the SBML Test Suite's semantic cases and count passes",
		Long: `Run every case folder NNNNN under DIR the way its NNNNN-settings.txt asks (start,
duration, steps, variables, amount or concentration output, absolute and relative
tolerance), using the highest SBML level the case offers (l3v2, then l3v1, then
l2v4), and compare with NNNNN-results.csv: a point passes when
|computed - expected| <= absolute + relative*|expected| (NaN and infinities must
match). Prints pass/fail/unsupported/error counts in total, per component tag and
per test tag, and ends with one line "N passed, M failed" (unsupported cases and
errors count as failed). --out writes one row per case (TSV).

Example:
  holobiont sbml testsuite ../shared/sbml-test-suite/cases
  holobiont sbml testsuite ../shared/sbml-test-suite/cases --cases 1-100,200 --out results.tsv`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sel, err := sbmlsuite.ParseCases(cases)
			if err != nil {
				return err
			}
			dirs, err := sbmlsuite.ListCases(args[0], sel)
			if err != nil {
				return err
			}
			if len(dirs) == 0 {
				return fmt.Errorf("no case folders (NNNNN) under %s match --cases %s", args[0], cases)
			}
			if workers <= 0 {
				workers = runtime.GOMAXPROCS(0)
			}
			results := runCases(cmd.Context(), dirs, workers)
			if err := context.Cause(cmd.Context()); err != nil {
				// the cases not run are blank: no summary, no --out file
				return fmt.Errorf("sbml testsuite stopped after %d of %d cases: %w", countRun(results), len(dirs), err)
			}
			var f *safefile.File
			if out != "" {
				if f, err = safefile.CreateContext(cmd.Context(), out); err != nil {
					return err
				}
				defer f.Abort()
				if err := writeResultsTSV(f, results); err != nil {
					return err
				}
			}
			printSummary(cmd.OutOrStdout(), results)
			if f != nil {
				return f.Commit()
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cases, "cases", "1-1821", "case numbers to run: ranges and lists, e.g. 1-100,250")
	cmd.Flags().StringVar(&out, "out", "", "write per-case results (TSV) to this file")
	cmd.Flags().IntVar(&workers, "workers", 0, "parallel workers (default: number of CPUs)")
	return cmd
}

func runCases(ctx context.Context, dirs []string, workers int) []sbmlsuite.Result {
	return runEachCase(ctx, dirs, workers, func(dir string) sbmlsuite.Result { return sbmlsuite.RunCase(ctx, dir) })
}

// countRun counts the cases that ran (a result with a status).
func countRun(rs []sbmlsuite.Result) int {
	n := 0
	for _, r := range rs {
		if r.Status != "" {
			n++
		}
	}
	return n
}

func writeResultsTSV(w io.Writer, rs []sbmlsuite.Result) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "case\tstatus\tlevel\tseconds\tcomponents\ttags\tdetail")
	for _, r := range rs {
		detail := strings.ReplaceAll(strings.ReplaceAll(r.Detail, "\t", " "), "\n", " ")
		fmt.Fprintf(bw, "%s\t%s\t%s\t%.4f\t%s\t%s\t%s\n", r.Case, r.Status, r.Level, r.Elapsed.Seconds(),
			strings.Join(r.Components, ","), strings.Join(r.Tags, ","), detail)
	}
	return bw.Flush()
}

func printSummary(w io.Writer, rs []sbmlsuite.Result) {
	s := sbmlsuite.Summarize(rs)
	st := []sbmlsuite.Status{sbmlsuite.Pass, sbmlsuite.Fail, sbmlsuite.Unsupported, sbmlsuite.Error}
	fmt.Fprintf(w, "%-34s %6s %6s %6s %11s %6s\n", "", "cases", "pass", "fail", "unsupported", "error")
	line := func(name string, c map[sbmlsuite.Status]int) {
		tot := 0
		for _, v := range c {
			tot += v
		}
		fmt.Fprintf(w, "%-34s %6d %6d %6d %11d %6d\n", name, tot, c[st[0]], c[st[1]], c[st[2]], c[st[3]])
	}
	line("total", s.Total)
	for _, group := range []struct {
		title string
		m     map[string]map[sbmlsuite.Status]int
	}{{"component", s.ByComponent}, {"test tag", s.ByTestTag}} {
		fmt.Fprintf(w, "by %s:\n", group.title)
		keys := make([]string, 0, len(group.m))
		for k := range group.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			line("  "+k, group.m[k])
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed\n", s.Passed, s.Fail)
}

// runEachCase runs run on every case folder with workers goroutines and
// returns the results in the order of dirs; after ctx is cancelled no new
// case starts (the cases not run keep R's zero value).
func runEachCase[R any](ctx context.Context, dirs []string, workers int, run func(dir string) R) []R {
	results := make([]R, len(dirs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = run(dirs[i])
			}
		}()
	}
	for i := range dirs {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}
