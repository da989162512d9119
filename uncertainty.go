package holobiont

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/holobiont/holobiont/stats"
)

// RunSets runs the Problem once per parameter set: sets[i][k] is the value
// of params[k] in run i (params not in the list keep the Problem's
// values). Runs are spread over workers goroutines (each with its own
// Runner); each result is passed to each(i, res) from the worker that made
// it (keep what is needed: a caller that holds only a few columns keeps
// memory flat however many sets there are). The results do not depend on
// workers. opt.Variables limits each trajectory's columns, as for Run.
func (p *Problem) RunSets(ctx context.Context, params []string, sets [][]float64, opt Options, workers int, each func(i int, res *Result) error) error {
	if workers < 1 {
		workers = 1
	}
	errs := make([]error, len(sets))
	next := make(chan int)
	var wg sync.WaitGroup
	runners := make([]*Runner, min(workers, len(sets)))
	for w := range runners {
		r, err := p.NewRunner(params...)
		if err != nil {
			return err
		}
		runners[w] = r
	}
	for _, r := range runners {
		wg.Add(1)
		go func(r *Runner) {
			defer wg.Done()
			for i := range next {
				if errs[i] = ctx.Err(); errs[i] != nil {
					continue
				}
				res, err := r.Run(ctx, sets[i], opt)
				if errs[i] = err; err == nil {
					errs[i] = each(i, res)
				}
			}
		}(r)
	}
	for i := range sets {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("parameter set %d: %w", i+1, err)
		}
	}
	return nil
}

// Interval is a value with its ensemble interval.
type Interval struct {
	Value float64 `json:"value"`
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
}

// EndpointInterval is an Endpoint's statistics with their intervals.
type EndpointInterval struct {
	Variable string   `json:"variable"`
	Baseline Interval `json:"baseline"`
	Min      Interval `json:"min"`
	Max      Interval `json:"max"`
	End      Interval `json:"end"`
}

// UncertaintyRecord is what an ensemble of parameter sets says about a
// run: each endpoint statistic and each variable at each output time with
// its interval (BandOf).
type UncertaintyRecord struct {
	// N counts the runs: the point estimate (the Problem's own values)
	// and N − 1 parameter sets of the ensemble.
	N         int                `json:"n"`
	Ensemble  InputInfo          `json:"ensemble"`
	Params    []string           `json:"parameters"`
	Draws     []int              `json:"draws,omitempty"`
	Endpoints []EndpointInterval `json:"endpoints"`
	Times     []float64          `json:"-"`
	// Bands holds, per variable, the lower and upper band at Times.
	Bands map[string][2][]float64 `json:"-"`
}

// BandOf returns the interval an ensemble gives a quantity: the 2.5% and
// 97.5% quantiles of its values x over the ensemble's runs (linear
// interpolation between order statistics), widened to hold the point
// estimate v when it falls outside (the point estimate is itself one of
// the parameter sets consistent with the targets). With no x it is [v, v].
func BandOf(v float64, x []float64) Interval {
	if len(x) == 0 {
		return Interval{v, v, v}
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	return Interval{v, math.Min(stats.QuantileSorted(s, 0.025), v), math.Max(stats.QuantileSorted(s, 0.975), v)}
}

// Uncertainty summarises point (the run at the point estimate) and
// members (runs at the ensemble's parameter sets, same scenario and output
// times): every endpoint of point's record and every variable of the
// members' trajectories get their intervals.
func Uncertainty(point *Result, members []*Result) *UncertaintyRecord {
	u := &UncertaintyRecord{N: len(members) + 1, Times: point.Times(), Bands: map[string][2][]float64{}}
	x := make([]float64, len(members))
	for _, e := range point.Record.Endpoints {
		if len(members) > 0 && members[0].Series(e.Variable) == nil {
			continue // not among the members' variables
		}
		ei := EndpointInterval{Variable: e.Variable}
		stat := func(v float64, f func(y []float64) float64) Interval {
			for i, m := range members {
				x[i] = f(m.Series(e.Variable))
			}
			return BandOf(v, x)
		}
		ei.Baseline = stat(e.Baseline, func(y []float64) float64 { return y[0] })
		ei.End = stat(e.End, func(y []float64) float64 { return y[len(y)-1] })
		ei.Min = stat(e.Min, func(y []float64) float64 { return minOf(y) })
		ei.Max = stat(e.Max, func(y []float64) float64 { return -minOf(neg(y)) })
		u.Endpoints = append(u.Endpoints, ei)
	}
	if len(members) == 0 {
		return u
	}
	for _, name := range members[0].Trajectory.Names {
		y := point.Series(name)
		if y == nil {
			continue
		}
		cols := make([][]float64, len(members))
		for i, m := range members {
			cols[i] = m.Series(name)
		}
		lo, hi := make([]float64, len(y)), make([]float64, len(y))
		for k := range y {
			for i := range members {
				x[i] = cols[i][k]
			}
			b := BandOf(y[k], x)
			lo[k], hi[k] = b.Lower, b.Upper
		}
		u.Bands[name] = [2][]float64{lo, hi}
	}
	return u
}

func minOf(y []float64) float64 {
	m := math.Inf(1)
	for _, v := range y {
		m = math.Min(m, v)
	}
	return m
}

func neg(y []float64) []float64 {
	out := make([]float64, len(y))
	for i, v := range y {
		out[i] = -v
	}
	return out
}
