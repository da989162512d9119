package assoc

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/holobiont/holobiont/table"
)

// BenchmarkRun: 4 sites × 53 subjects (the Tyson-Carr design), 300 genera,
// 7 host variables, Spearman on CLR.
func BenchmarkRun(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const subjects, nf, nv = 53, 300, 7
	sites := []string{"face", "scalp", "axilla", "forearm"}
	t := &table.Table{Indptr: []int{0}}
	for j := 0; j < nf; j++ {
		t.FeatureIDs = append(t.FeatureIDs, "g"+strconv.Itoa(j))
	}
	var d Design
	for v := 0; v < nv; v++ {
		d.VarNames = append(d.VarNames, "v"+strconv.Itoa(v))
		d.Vars = append(d.Vars, nil)
	}
	for _, s := range sites {
		for p := 0; p < subjects; p++ {
			t.SampleIDs = append(t.SampleIDs, s+strconv.Itoa(p))
			for j := 0; j < nf; j++ {
				if r.Float64() < 0.4 {
					t.Indices = append(t.Indices, int32(j))
					t.Data = append(t.Data, float64(1+r.IntN(500)))
				}
			}
			t.Indptr = append(t.Indptr, len(t.Data))
			d.Strata = append(d.Strata, s)
			for v := range d.Vars {
				d.Vars[v] = append(d.Vars[v], float64(r.IntN(40)))
			}
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(context.Background(), t, d, Options{Method: Spearman, Transform: CLR, MinPrevalence: 0.1}); err != nil {
			b.Fatal(err)
		}
	}
}
