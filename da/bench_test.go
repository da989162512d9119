package da

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/observe"
)

// synthetic returns an m × n negative-binomial table (sparse, as amplicon
// tables) with two groups and 10% of the taxa changed 2–4 fold, and its
// design "~ group"; taxa present in fewer than minPrev of the samples are
// dropped (all-zero taxa always).
func synthetic(m, n int, seed uint64, minPrev float64) (*Counts, *Design) {
	r := rand.New(rand.NewPCG(seed, 0x6461))
	c := &Counts{}
	mu := make([]float64, m)
	fold := make([]float64, m)
	var s float64
	for i := range mu {
		mu[i] = math.Exp(2 * r.NormFloat64())
		s += mu[i]
		fold[i] = 1
		if r.Float64() < 0.1 {
			fold[i] = 2 + 2*r.Float64()
		}
	}
	depth := make([]float64, n)
	grp := make([]string, n)
	for j := range depth {
		depth[j] = 20000 * math.Exp(0.5*r.NormFloat64())
		c.Samples = append(c.Samples, fmt.Sprintf("s%d", j))
		grp[j] = "a"
		if j >= n/2 {
			grp[j] = "b"
		}
	}
	for i := 0; i < m; i++ {
		c.Taxa = append(c.Taxa, fmt.Sprintf("t%d", i))
		for j := 0; j < n; j++ {
			mean := depth[j] * mu[i] / s
			if j >= n/2 {
				mean *= fold[i]
			}
			c.X = append(c.X, float64(observe.NegBinomial(mean, 0.5, r)))
		}
	}
	c, _ = Filter(c, minPrev)
	fm, _ := ParseFormula("~ group")
	d, err := NewDesign(fm, map[string]Column{"group": {Values: grp}}, c.Samples, DesignOptions{})
	if err != nil {
		panic(err)
	}
	return c, d
}

func BenchmarkRun1053x36(b *testing.B) {
	c, d := synthetic(1053, 36, 1, 0.1)
	for _, m := range Methods() {
		b.Run(string(m), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := Run(context.Background(), m, c, d, Options{Sensitivity: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSpeedLarge times every method on 30,000 taxa × 400 samples (the
// issue's 60 s target). It takes minutes, so it runs only with
// HOLOBIONT_DA_SPEED=1.
func TestSpeedLarge(t *testing.T) {
	if os.Getenv("HOLOBIONT_DA_SPEED") == "" {
		t.Skip("set HOLOBIONT_DA_SPEED=1 to time 30,000 × 400")
	}
	c, d := synthetic(30000, 400, 2, 0)
	t.Logf("%d taxa × %d samples (all-zero taxa dropped, no prevalence filter)", c.M(), c.N())
	only := os.Getenv("HOLOBIONT_DA_SPEED_METHOD")
	for _, m := range Methods() {
		if m == Consensus || only != "" && string(m) != only {
			continue
		}
		t0, c0 := time.Now(), testutil.CPUSeconds()
		if _, err := Run(context.Background(), m, c, d, Options{Sensitivity: true}); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %.2f s wall, %.2f s CPU", m, time.Since(t0).Seconds(), testutil.CPUSeconds()-c0)
	}
}

// BenchmarkALDEx2Wide is ALDEx2 (128 instances, two groups) on a table
// too large for the draw cache (1,000 taxa × 400 samples), the regime of
// the 30,000 × 400 target, on one worker and on all cores; it reports the
// process's CPU seconds per run beside the wall time.
func BenchmarkALDEx2Wide(b *testing.B) {
	c, d := synthetic(1000, 400, 2, 0)
	for _, w := range []int{1, 0} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			c0 := testutil.CPUSeconds()
			for i := 0; i < b.N; i++ {
				if _, err := Run(context.Background(), ALDEx2, c, d, Options{Workers: w}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((testutil.CPUSeconds()-c0)/float64(b.N), "cpu-s/op")
		})
	}
}

// BenchmarkALDEx2Sparse is ALDEx2 (128 instances, two groups, one worker)
// on every 29th taxon of the 30,000 × 400 speed table (1,005 taxa): the
// count distribution of the target (mostly zeros), at 1/29 of its
// size, so 29 × its CPU seconds estimate the full run.
func BenchmarkALDEx2Sparse(b *testing.B) {
	full, d := synthetic(30000, 400, 2, 0)
	c := &Counts{Samples: full.Samples}
	for i := 0; i < full.M(); i += 29 {
		c.Taxa = append(c.Taxa, full.Taxa[i])
		c.X = append(c.X, full.Row(i)...)
	}
	b.ResetTimer()
	c0 := testutil.CPUSeconds()
	for i := 0; i < b.N; i++ {
		if _, err := Run(context.Background(), ALDEx2, c, d, Options{Workers: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((testutil.CPUSeconds()-c0)/float64(b.N), "cpu-s/op")
}
