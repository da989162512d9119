package estimate_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/petab"
)

// decayDE compiles testdata/decay (two parameters) for the DE tests.
func decayDE(t *testing.T) *estimate.Problem {
	t.Helper()
	spec, err := petab.Load(filepath.Join("testdata", "decay", "problem.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := estimate.Compile(spec, estimate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func deBits(r estimate.DEResult) []uint64 {
	out := []uint64{math.Float64bits(r.F), uint64(r.Generations), uint64(r.Evals)}
	for _, v := range r.U {
		out = append(out, math.Float64bits(v))
	}
	return out
}

// TestDEResumeBitForBit: a search interrupted after generation k (the
// context cancelled from Checkpoint) and resumed from the last state, or
// run for k generations and resumed for all of them, gives the
// uninterrupted search's result bit for bit, on 1 and 2 workers; resuming
// a finished search evaluates nothing more.
func TestDEResumeBitForBit(t *testing.T) {
	p := decayDE(t)
	opt := estimate.DEOptions{Seed: 5, Generations: 30, Pop: 12, Workers: 1}
	var states []estimate.DEState
	opt.Checkpoint = func(s estimate.DEState) error { states = append(states, s); return nil }
	want, err := p.DifferentialEvolution(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 31 || states[30].Generation != 30 || want.Generations != 30 {
		t.Fatalf("%d checkpoints, %d generations; want 31 (generations 0 to 30)", len(states), want.Generations)
	}
	for _, w := range []int{1, 2} {
		for _, k := range []int{0, 1, 13, 29, 30} {
			if got := interruptedDE(t, p, w, k, opt.Generations); !reflect.DeepEqual(deBits(got), deBits(want)) {
				t.Errorf("%d workers, interrupted after generation %d: %v, want %v", w, k, got, want)
			}
			short := estimate.DEOptions{Seed: 5, Generations: max(k, 1), Pop: 12, Workers: w}
			var last estimate.DEState
			short.Checkpoint = func(s estimate.DEState) error { last = s; return nil }
			if _, err := p.DifferentialEvolution(context.Background(), short); err != nil {
				t.Fatal(err)
			}
			got, err := p.DifferentialEvolution(context.Background(), estimate.DEOptions{Generations: 30, Pop: 12, Workers: w, Resume: &last})
			if err != nil || !reflect.DeepEqual(deBits(got), deBits(want)) {
				t.Errorf("%d workers, %d generations then resumed: %v (%v), want %v", w, short.Generations, got, err, want)
			}
		}
	}
}

// interruptedDE runs the search with the context cancelled after
// generation k and resumes it from the last checkpoint.
func interruptedDE(t *testing.T, p *estimate.Problem, workers, k, gens int) estimate.DEResult {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var last estimate.DEState
	opt := estimate.DEOptions{Seed: 5, Generations: gens, Pop: 12, Workers: workers, Checkpoint: func(s estimate.DEState) error {
		last = s
		if s.Generation == k {
			cancel()
		}
		return nil
	}}
	_, err := p.DifferentialEvolution(ctx, opt)
	if k < gens && !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted after generation %d: err %v, want context.Canceled", k, err)
	}
	if last.Generation != k {
		t.Fatalf("last checkpoint at generation %d, want %d", last.Generation, k)
	}
	opt.Checkpoint, opt.Seed, opt.Resume = nil, 99, &last // the seed is the state's
	evals := last.Evals
	got, err := p.DifferentialEvolution(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if k == gens && got.Evals != evals {
		t.Fatalf("resuming a finished search evaluated %d more points", got.Evals-evals)
	}
	return got
}

// TestDEResumeRefusesOtherSearch: a state of another population size,
// dimension, generation budget, with members outside the bounds or a
// random stream that does not decode is an error naming the mismatch, and
// so is a population too small for DE/rand/1.
func TestDEResumeRefusesOtherSearch(t *testing.T) {
	p := decayDE(t)
	var st estimate.DEState
	opt := estimate.DEOptions{Seed: 1, Generations: 2, Pop: 6, Checkpoint: func(s estimate.DEState) error { st = s; return nil }}
	if _, err := p.DifferentialEvolution(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		edit func(s *estimate.DEState, o *estimate.DEOptions)
		want string
	}{
		{"population", func(s *estimate.DEState, o *estimate.DEOptions) { o.Pop = 8 }, "population of 6 members"},
		{"generations", func(s *estimate.DEState, o *estimate.DEOptions) { o.Generations = 1 }, "resuming generation 2"},
		{"dimension", func(s *estimate.DEState, o *estimate.DEOptions) { s.Pop[3] = s.Pop[3][:1] }, "member 3 has 1 parameters"},
		{"bounds", func(s *estimate.DEState, o *estimate.DEOptions) { s.Pop[2][1] = 7 }, "outside"},
		{"nan", func(s *estimate.DEState, o *estimate.DEOptions) { s.Pop[2][0] = math.NaN() }, "outside"},
		{"rng", func(s *estimate.DEState, o *estimate.DEOptions) { s.RNG = s.RNG[:5] }, "random stream"},
		{"tiny population", func(s *estimate.DEState, o *estimate.DEOptions) { o.Pop, o.Resume = 3, nil }, "population 3: want at least 4"},
	} {
		s := st
		s.Pop = append([][]float64(nil), st.Pop...)
		for i := range s.Pop {
			s.Pop[i] = append([]float64(nil), st.Pop[i]...)
		}
		o := estimate.DEOptions{Generations: 2, Pop: 6, Resume: &s}
		c.edit(&s, &o)
		_, err := p.DifferentialEvolution(context.Background(), o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want one containing %q", c.name, err, c.want)
		}
	}
}
