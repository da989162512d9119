package main

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/scenario"
	"github.com/holobiont/holobiont/sim"
)

// runFitted runs model m through the run pipeline (package holobiont) from
// the initial species values x0, with the input signals of sched as the
// scenario's interventions, once per parameter set in sets (a nil set runs
// the model's own values). It returns each run's species values (in
// m.Species order) at times, or that run's error. Runs are spread over the
// cores, one holobiont.Runner per worker.
func runFitted(ctx context.Context, m *model.Model, x0 map[string]float64, sched *sim.Schedule, times []float64, sets []map[string]float64) ([][][]float64, []error, error) {
	mc := *m
	mc.Species = make([]*model.Species, len(m.Species))
	for i, sp := range m.Species {
		c := *sp
		if v, ok := x0[sp.ID]; ok {
			c.Initial, c.InitialSet = v, true
		}
		mc.Species[i] = &c
	}
	p, err := holobiont.New(ctx, &mc, holobiont.WithScenario(subjectScenario(sched, times)))
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, s := range sets {
		for id := range s {
			names = append(names, id)
		}
		if names != nil {
			break
		}
	}
	sort.Strings(names)
	base := make([]float64, len(names))
	for k, id := range names {
		for _, par := range mc.Parameters {
			if par.ID == id {
				base[k] = par.Value
			}
		}
	}
	opt := holobiont.Options{Method: ode.Auto, RTol: 1e-8, ATol: 1e-12}
	out := make([][][]float64, len(sets))
	errs := make([]error, len(sets))
	next := make(chan int)
	var wg sync.WaitGroup
	var setupErr error
	var mu sync.Mutex
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(sets)); w++ {
		r, err := p.NewRunner(names...)
		if err != nil {
			return nil, nil, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			vals := make([]float64, len(names))
			for i := range next {
				for k, id := range names {
					v, ok := sets[i][id]
					if !ok {
						v = base[k]
					}
					vals[k] = v
				}
				res, err := r.Run(ctx, vals, opt)
				if err != nil {
					errs[i] = err
					continue
				}
				rows, err := speciesRows(res, mc.Species)
				if err != nil {
					mu.Lock()
					setupErr = err
					mu.Unlock()
					continue
				}
				out[i] = rows
			}
		}()
	}
	for i := range sets {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if setupErr != nil {
		return nil, nil, setupErr
	}
	return out, errs, ctx.Err()
}

// speciesRows returns the species' values per output time.
func speciesRows(res *holobiont.Result, species []*model.Species) ([][]float64, error) {
	cols := make([][]float64, len(species))
	for i, sp := range species {
		if cols[i] = res.Series(sp.ID); cols[i] == nil {
			return nil, fmt.Errorf("the trajectory has no column %s", sp.ID)
		}
	}
	rows := make([][]float64, len(res.Times()))
	for k := range rows {
		rows[k] = make([]float64, len(species))
		for i := range species {
			rows[k][i] = cols[i][k]
		}
	}
	return rows, nil
}

// subjectScenario turns a schedule of input signals into a scenario with
// output at the given times: one input intervention per piece.
func subjectScenario(sched *sim.Schedule, times []float64) *scenario.Scenario {
	sc := &scenario.Scenario{Name: "the subject's inputs", Start: times[0], End: times[len(times)-1], OutputTimes: times}
	if sched != nil {
		for _, s := range sched.Signals {
			for _, pc := range s.Pieces {
				sc.Interventions = append(sc.Interventions, &scenario.InputSignal{Base: scenario.Base{Name: s.Input,
					Timing: scenario.Timing{Start: pc.Start, Duration: pc.End - pc.Start}}, Input: s.Input, Value: pc.Value})
			}
		}
	}
	return sc
}
