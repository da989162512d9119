// Command petab_bench_gradient times holobiont's objective + gradient
// evaluation of a PEtab problem at its nominal parameters, as a whole
// process, for side-by-side timing with scripts/petab_cvodes.py's CVODES
// program:
//
//	go build -o petab_bench_gradient ./scripts/petab_bench_gradient
//	./petab_bench_gradient PROBLEM.yaml N [value]
//
// It loads and compiles the problem, evaluates the log-likelihood with its
// gradient and Fisher information (forward sensitivities) N times, and
// prints the seconds per evaluation and the BDF's steps per evaluation.
// With "value" it evaluates the log-likelihood only.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/petab"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: petab_bench_gradient PROBLEM.yaml N [value]")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 {
		fmt.Fprintln(os.Stderr, "N must be a positive integer")
		os.Exit(2)
	}
	grad := len(os.Args) < 4 || os.Args[3] != "value"
	spec, err := petab.Load(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	p, err := estimate.Compile(spec, estimate.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ev, err := p.NewEvaluator()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	u := spec.Nominal()
	t0 := time.Now()
	var llh float64
	for i := 0; i < n; i++ {
		r, err := ev.Evaluate(context.Background(), u, grad)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		llh = r.LLH
	}
	el := time.Since(t0).Seconds()
	st := ev.Stats()
	fmt.Printf("%d evaluations, %.6e s each, %d steps per evaluation, llh %.10g\n", n, el/float64(n), st.Steps/n, llh)
}
