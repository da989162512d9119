package stats

import (
	"context"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/holobiont/holobiont/distmat"
)

// floatsFrom turns fuzz bytes into float64 values.
func floatsFrom(b []byte) []float64 {
	var out []float64
	for len(b) >= 8 {
		out = append(out, math.Float64frombits(binary.LittleEndian.Uint64(b)))
		b = b[8:]
	}
	return out
}

// FuzzCorrelationTest: arbitrary input never panics, and a result is
// always a valid correlation and probability.
func FuzzCorrelationTest(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 8, 64, 0, 0, 0, 0, 0, 0, 16, 64}, uint8(0))
	f.Add(make([]byte, 64), uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, m uint8) {
		v := floatsFrom(b)
		h := len(v) / 2
		ct, err := CorrelationTest(v[:h], v[h:2*h], CorMethod(m%2), Alternative(m%3), 0.95)
		if err != nil {
			return
		}
		if !(ct.PValue >= 0 && ct.PValue <= 1) || ct.Estimate < -1 || ct.Estimate > 1 {
			t.Errorf("estimate %g p %g", ct.Estimate, ct.PValue)
		}
	})
}

// FuzzPermanova: arbitrary matrices and labels give an error or a p-value
// in (0, 1], never a panic.
func FuzzPermanova(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []byte{0, 0, 1, 1, 2})
	f.Fuzz(func(t *testing.T, dist []byte, labels []byte) {
		n := len(labels)
		if n > 40 {
			return
		}
		ids := make([]string, n)
		vals := make([]string, n)
		for i := range ids {
			ids[i] = string(rune('a'+i%26)) + string(rune('A'+i/26))
			vals[i] = string(rune('0' + labels[i]%4))
		}
		d := distmat.New(ids)
		k := 0
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if k < len(dist) {
					d.Set(i, j, float64(dist[k]))
				}
				k++
			}
		}
		g, err := NewGrouping(vals)
		if err != nil {
			return
		}
		r, err := Permanova(context.Background(), d, g, PermOptions{Permutations: 19, Src: rand.NewPCG(1, 1)})
		if err != nil {
			return
		}
		if !(r.PValue > 0 && r.PValue <= 1) && !math.IsNaN(r.Statistic) {
			t.Errorf("p = %g", r.PValue)
		}
	})
}
