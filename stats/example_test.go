package stats_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/holobiont/holobiont/distmat"
	"github.com/holobiont/holobiont/stats"
)

// The 6-sample example of scikit-bio's permdisp documentation, two groups of
// three. vegan adonis2 gives F = 0.2279663, R² = 0.0539187.
func ExamplePermanova() {
	d := distmat.New([]string{"s1", "s2", "s3", "s4", "s5", "s6"})
	v := [][]float64{
		{0, 0.5, 0.75, 1, 0.66, 0.33},
		{0.5, 0, 0.25, 0.33, 0.77, 0.61},
		{0.75, 0.25, 0, 0.1, 0.44, 0.55},
		{1, 0.33, 0.1, 0, 0.75, 0.88},
		{0.66, 0.77, 0.44, 0.75, 0, 0.77},
		{0.33, 0.61, 0.55, 0.88, 0.77, 0},
	}
	for i := range v {
		copy(d.Data[i*6:], v[i])
	}
	g, _ := stats.NewGrouping([]string{"G1", "G1", "G1", "G2", "G2", "G2"})
	r, _ := stats.Permanova(context.Background(), d, g, stats.PermOptions{Permutations: 99, Src: rand.NewPCG(1, 2)})
	fmt.Printf("%s %s = %.4f, R2 = %.4f, %d permutations\n", r.Method, r.StatName, r.Statistic, r.R2, r.Permutations)
	// Output: PERMANOVA pseudo-F = 0.2280, R2 = 0.0539, 99 permutations
}

// Spearman's rho with the exact p-value R's cor.test reports for small
// samples without ties.
func ExampleCorrelationTest() {
	x := []float64{9, 3, 7, 1, 5, 8, 2, 6, 4}
	y := []float64{8, 1, 9, 3, 4, 7, 2, 5, 6}
	ct, _ := stats.CorrelationTest(x, y, stats.Spearman, stats.TwoSided, 0.95)
	fmt.Printf("rho = %.4f, S = %.0f, p = %.6f, exact = %v\n", ct.Estimate, ct.Statistic, ct.PValue, ct.Exact)
	// Output: rho = 0.8333, S = 20, p = 0.008267, exact = true
}

// Benjamini–Hochberg adjusted p-values, as R's p.adjust(p, "BH").
func ExampleAdjustBH() {
	fmt.Printf("%.3f\n", stats.AdjustBH(nil, []float64{0.01, 0.04, 0.03, 0.2}))
	// Output: [0.040 0.053 0.053 0.200]
}
