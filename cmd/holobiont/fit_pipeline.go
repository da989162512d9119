package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

// runFitted simulates model m from the initial species values x0 under
// sched, once per parameter set in sets (a nil set runs the model's own
// values), and returns each run's species values (in m.Species order) at
// times, or that run's error. It is the one place where fit and forecast
// assemble the run chain (modelfile IR → system.Compile → SetParameter →
// sim.Run); it moves to the root package's pipeline once that lands.
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
	sys, err := system.Compile(&mc)
	if err != nil {
		return nil, nil, err
	}
	idx := make([]int, len(mc.Species))
	for i, sp := range mc.Species {
		k, ok := sys.StateIndex(sp.ID)
		if !ok {
			return nil, nil, fmt.Errorf("species %s is not a state of the compiled model", sp.ID)
		}
		idx[i] = k
	}
	opt := sim.Options{Start: times[0], End: times[len(times)-1], OutputTimes: times, NoRows: true,
		ODE: ode.Options{RTol: 1e-8, ATol: 1e-12}}
	out := make([][][]float64, len(sets))
	errs := make([]error, len(sets))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range next {
				s := sys.Clone()
				for id, v := range sets[r] {
					if err := s.SetParameter(id, v); err != nil {
						errs[r] = err
						break
					}
				}
				if errs[r] != nil {
					continue
				}
				var rows [][]float64
				o := opt
				o.StateHook = func(_ float64, y []float64) {
					row := make([]float64, len(idx))
					for i, k := range idx {
						row[i] = y[k]
					}
					rows = append(rows, row)
				}
				if _, err := sim.Run(ctx, s, sched, o); err != nil {
					errs[r] = err
					continue
				}
				out[r] = rows
			}
		}()
	}
	for r := range sets {
		if ctx.Err() != nil {
			break
		}
		next <- r
	}
	close(next)
	wg.Wait()
	return out, errs, ctx.Err()
}
