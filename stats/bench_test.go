package stats

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/holobiont/holobiont/distmat"
)

// benchMatrix returns Euclidean distances between n random points in 10
// dimensions, with group shifts, and a grouping of k groups.
func benchMatrix(n, k int) (*distmat.Matrix, *Grouping) {
	r := rand.New(rand.NewPCG(1, 1))
	const dim = 10
	pts := make([]float64, n*dim)
	labels := make([]string, n)
	for i := 0; i < n; i++ {
		labels[i] = "g" + strconv.Itoa(i%k)
		for j := 0; j < dim; j++ {
			pts[i*dim+j] = r.NormFloat64() + 0.1*float64(i%k)
		}
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "s" + strconv.Itoa(i)
	}
	d := distmat.New(ids)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			var s float64
			for c := 0; c < dim; c++ {
				e := pts[i*dim+c] - pts[j*dim+c]
				s += e * e
			}
			d.Set(i, j, math.Sqrt(s))
		}
	}
	g, _ := NewGrouping(labels)
	return d, g
}

func benchPerm(b *testing.B, n, k int, f func(d *distmat.Matrix, g *Grouping, opt PermOptions) error) {
	d, g := benchMatrix(n, k)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := f(d, g, PermOptions{Permutations: 999, Src: rand.NewPCG(1, uint64(i))}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPermanova2000x4Groups(b *testing.B) {
	benchPerm(b, 2000, 4, func(d *distmat.Matrix, g *Grouping, opt PermOptions) error {
		_, err := Permanova(context.Background(), d, g, opt)
		return err
	})
}

func BenchmarkPermanova2000x2Groups(b *testing.B) {
	benchPerm(b, 2000, 2, func(d *distmat.Matrix, g *Grouping, opt PermOptions) error {
		_, err := Permanova(context.Background(), d, g, opt)
		return err
	})
}

func BenchmarkAnosim500(b *testing.B) {
	benchPerm(b, 500, 4, func(d *distmat.Matrix, g *Grouping, opt PermOptions) error {
		_, err := Anosim(context.Background(), d, g, opt)
		return err
	})
}

func BenchmarkPermdispResiduals500(b *testing.B) {
	benchPerm(b, 500, 4, func(d *distmat.Matrix, g *Grouping, opt PermOptions) error {
		_, err := Permdisp(context.Background(), d, g, PermdispOptions{Type: Centroid, Scheme: PermuteResiduals, NegativeAxes: true}, opt)
		return err
	})
}

func BenchmarkMantel500(b *testing.B) {
	d, _ := benchMatrix(500, 2)
	e, _ := benchMatrix(500, 3)
	e.IDs = d.IDs
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Mantel(context.Background(), d, e, Pearson, TwoSided, PermOptions{Permutations: 999, Src: rand.NewPCG(1, 1)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPermanovaTerms300(b *testing.B) {
	d, g := benchMatrix(300, 3)
	names := make([]string, len(g.Labels))
	x := make([]float64, len(g.Labels))
	for i, l := range g.Labels {
		names[i] = g.Names[l]
		x[i] = float64(i % 7)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := PermanovaTerms(context.Background(), d, []Term{FactorTerm("g", names), NumericTerm("x", x)},
			PermOptions{Permutations: 999, Src: rand.NewPCG(1, 1)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSpearmanTest50(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	x := make([]float64, 50)
	y := make([]float64, 50)
	for i := range x {
		x[i], y[i] = r.NormFloat64(), r.NormFloat64()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := CorrelationTest(x, y, Spearman, TwoSided, 0.95); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFitLM53x4(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	const n = 53
	y := make([]float64, n)
	preds := make([][]float64, 3)
	for k := range preds {
		preds[k] = make([]float64, n)
	}
	for i := 0; i < n; i++ {
		for k := range preds {
			preds[k][i] = r.NormFloat64()
		}
		y[i] = preds[0][i] + r.NormFloat64()
	}
	names := []string{"stress", "age", "sex"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := FitLM(y, names, preds, 0.95); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCLR1000(b *testing.B) {
	r := rand.New(rand.NewPCG(4, 4))
	x := make([]float64, 1000)
	for i := range x {
		x[i] = float64(r.IntN(100))
	}
	dst := make([]float64, len(x))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := CLR(dst, x, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAdjustBH10000(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	p := make([]float64, 10000)
	for i := range p {
		p[i] = r.Float64()
	}
	dst := make([]float64, len(p))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		AdjustBH(dst, p)
	}
}
