package study

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/holobiont/holobiont/cohort"
	"github.com/holobiont/holobiont/gsa"
)

// Indices are the sensitivity indices of one column: Sobol or Morris.
type Indices struct {
	Column Column
	Sobol  *gsa.SobolResult
	Morris *gsa.MorrisResult
}

// Analysis is a finished sensitivity analysis.
type Analysis struct {
	Plan    *Plan
	Results []RunResult
	Failed  int       // runs whose integration failed
	Indices []Indices // per column, in Plan.Columns order
}

// planFromLayout rebuilds the spec-only part of a plan (parameters,
// columns, design) from a layout, without the model.
func planFromLayout(lay *Layout) (*Plan, error) {
	s, err := ParseSpec(lay.SpecFile, []byte(lay.Spec))
	if err != nil {
		return nil, fmt.Errorf("the layout's spec: %w", err)
	}
	s.defaultWindows(lay.Start, lay.End)
	pl := &Plan{Spec: s, Params: s.ParamNames(), Columns: lay.Columns}
	if fmt.Sprint(pl.Params) != fmt.Sprint(lay.Params) {
		return nil, fmt.Errorf("the layout's parameters %v differ from its spec's %v", lay.Params, pl.Params)
	}
	for _, id := range pl.Params {
		pl.Dists = append(pl.Dists, s.Parameters[id])
	}
	if err := pl.design(); err != nil {
		return nil, err
	}
	if pl.Runs != lay.Runs {
		return nil, fmt.Errorf("the layout records %d runs, its spec's design has %d", lay.Runs, pl.Runs)
	}
	return pl, nil
}

// column returns column c of the results.
func column(res []RunResult, c int) []float64 {
	y := make([]float64, len(res))
	for r := range res {
		y[r] = res[r].V[c]
	}
	return y
}

// analyseGSA computes the indices of every column on up to GOMAXPROCS
// goroutines; column c's bootstrap draws from the stream (seed, c), so the
// result does not depend on the goroutine count.
func analyseGSA(ctx context.Context, pl *Plan, res []RunResult) (*Analysis, error) {
	a := &Analysis{Plan: pl, Results: res, Indices: make([]Indices, len(pl.Columns))}
	for _, r := range res {
		if r.Err != "" {
			a.Failed++
		}
	}
	s, d := pl.Spec, len(pl.Params)
	errs := make([]error, len(pl.Columns))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				if ctx.Err() != nil {
					errs[c] = ctx.Err()
					continue
				}
				y := column(res, c)
				rnd := cohort.Stream(s.Seed, c, purposeBootstrap)
				ix := Indices{Column: pl.Columns[c]}
				var err error
				if s.Method == "morris" {
					m := s.Morris
					ix.Morris, err = gsa.MorrisIndices(pl.Unit, y, d, gsa.MorrisOptions{Levels: m.Levels, Resamples: m.Bootstrap, Confidence: m.Confidence}, rnd)
				} else {
					sb := s.Sobol
					est := gsa.Saltelli2010
					if sb.Estimator == "jansen" {
						est = gsa.Jansen
					}
					ix.Sobol, err = gsa.SobolIndices(y, d, gsa.SobolOptions{SecondOrder: sb.SecondOrder, FirstOrder: est, Resamples: sb.Bootstrap, Confidence: sb.Confidence}, rnd)
				}
				a.Indices[c], errs[c] = ix, err
			}
		}()
	}
	for c := range pl.Columns {
		jobs <- c
	}
	close(jobs)
	wg.Wait()
	for c, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", pl.ColumnName(pl.Columns[c]), err)
		}
	}
	return a, nil
}
