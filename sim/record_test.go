package sim

import (
	"context"
	"math"
	"testing"
)

// TestRowsInBlocks: a run with more rows than one block holds records them
// across blocks (x = 2·exp(-t/2) on both sides of each boundary), a run
// reusing it takes its blocks over and gives the same bits, and a run
// cancelled before its first step allocates no rows (it used to allocate
// and zero all of them first).
func TestRowsInBlocks(t *testing.T) {
	s := compile(t, decayModel(t))
	w := len(s.VariableNames())
	per := blockValues / w
	n := 2*per + 7
	opt := Options{Start: 0, End: 4, OutputTimes: make([]float64, n)}
	for k := range n {
		opt.OutputTimes[k] = 4 * float64(k) / float64(n-1)
	}
	tr, err := Run(context.Background(), s, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.blocks) != 3 || len(tr.blocks[2]) != 7*w {
		t.Fatalf("%d blocks (last of %d values), want 3 (last of %d)", len(tr.blocks), len(tr.blocks[len(tr.blocks)-1]), 7*w)
	}
	x := col(tr, "x")
	for _, k := range []int{0, per - 1, per, 2*per - 1, 2 * per, n - 1} {
		tt := opt.OutputTimes[k]
		if want := 2 * math.Exp(-tt/2); math.Abs(x[k]-want) > 1e-5 {
			t.Errorf("row %d (t=%g): x = %g, want %g", k, tt, x[k], want)
		}
	}
	first := &tr.blocks[1][0]
	opt.Reuse = tr
	again, err := Run(context.Background(), compile(t, decayModel(t)), nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if &again.blocks[1][0] != first {
		t.Error("the reusing run allocated new blocks")
	}
	for k, v := range col(again, "x") {
		if v != x[k] {
			t.Fatalf("row %d: %g on reuse, %g before", k, v, x[k])
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	opt.Reuse = nil
	part, err := Run(ctx, compile(t, decayModel(t)), nil, opt)
	if err == nil || part == nil {
		t.Fatalf("cancelled run: error %v, trajectory %v", err, part)
	}
	if len(part.blocks) > 1 {
		t.Errorf("cancelled run: %d blocks allocated (want at most the first row's)", len(part.blocks))
	}
}
