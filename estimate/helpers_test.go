package estimate_test

import (
	"testing"

	"github.com/holobiont/holobiont/estimate"
)

// evaluator compiles spec with opt and returns an evaluator, failing tb on
// either error: the set-up the tests and benchmarks of this package share.
func evaluator(tb testing.TB, spec *estimate.Spec, opt estimate.Options) *estimate.Evaluator {
	tb.Helper()
	p, err := estimate.Compile(spec, opt)
	if err != nil {
		tb.Fatal(err)
	}
	ev, err := p.NewEvaluator()
	if err != nil {
		tb.Fatal(err)
	}
	return ev
}
