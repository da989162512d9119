package estimate

import (
	"context"
	"runtime"
	"sync"
)

// newEvaluators returns one evaluator per worker (GOMAXPROCS when workers
// is not positive).
func (p *Problem) newEvaluators(workers int) ([]*Evaluator, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	evs := make([]*Evaluator, workers)
	for w := range evs {
		ev, err := p.NewEvaluator()
		if err != nil {
			return nil, err
		}
		evs[w] = ev
	}
	return evs, nil
}

// forEach runs job(ev, i) for i = 0, …, n−1, one goroutine per evaluator,
// each job on whichever evaluator is free. It stops handing out jobs once
// ctx is done, waits for the running ones and returns ctx's error.
func forEach(ctx context.Context, evs []*Evaluator, n int, job func(ev *Evaluator, i int)) error {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for _, ev := range evs {
		wg.Add(1)
		go func(ev *Evaluator) {
			defer wg.Done()
			for i := range jobs {
				job(ev, i)
			}
		}(ev)
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return ctx.Err()
}
