package diversity

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/holobiont/holobiont/distmat"
)

// TestPCoACancel: an interrupt during the eigendecomposition of a large
// matrix returns the cancellation at once (analyze pcoa kept running 30 s
// after SIGINT), on both the full and the few-axes path.
func TestPCoACancel(t *testing.T) {
	const n = 700
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([][2]float64, n)
	for i := range pts {
		pts[i] = [2]float64{rng.Float64(), rng.Float64()}
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = string(rune('a'+i%26)) + string(rune('0'+i/26%10)) + string(rune('0'+i/260))
	}
	m := distmat.New(ids)
	for i := range n {
		for j := i + 1; j < n; j++ {
			m.Set(i, j, math.Hypot(pts[i][0]-pts[j][0], pts[i][1]-pts[j][1]))
		}
	}
	for _, axes := range []int{0, 3} {
		stop := errors.New("interrupted")
		ctx, cancel := context.WithCancelCause(context.Background())
		time.AfterFunc(5*time.Millisecond, func() { cancel(stop) })
		t0 := time.Now()
		res, err := PCoAAxes(ctx, m, axes)
		if err == nil && res != nil {
			t.Logf("axes %d: finished in %v before the cancel took effect", axes, time.Since(t0))
			continue
		}
		if !errors.Is(err, stop) && !errors.Is(err, context.Canceled) {
			t.Errorf("axes %d: error %v, want the cancellation cause", axes, err)
		}
	}
}
