package stats

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

func parseFloats(t *testing.T, s string) []float64 {
	t.Helper()
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// TestRankTestsScipy checks the Wilcoxon rank-sum (exact and normal, every
// alternative) and Kruskal–Wallis tests against scipy
// (testdata/ranktests_scipy.tsv, scripts/golden_ranktests.py) to 1e-12
// relative.
func TestRankTestsScipy(t *testing.T) {
	f, err := os.Open("testdata/ranktests_scipy.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "#") || strings.HasPrefix(l, "test\t") {
			continue
		}
		c := strings.Split(l, "\t")
		x := parseFloats(t, c[3])
		wantStat, _ := strconv.ParseFloat(c[5], 64)
		wantP, _ := strconv.ParseFloat(c[6], 64)
		var got RankTest
		switch c[0] {
		case "wilcoxon":
			y := parseFloats(t, c[4])
			alt := map[string]Alternative{"two-sided": TwoSided, "greater": Greater, "less": Less}[c[2]]
			got = NewRankSum(len(x), len(y)).Test(x, y, alt, true, nil)
			if alt == TwoSided {
				g2, err := WilcoxonRankSum(x, y)
				if err != nil || g2 != got {
					t.Errorf("%s: WilcoxonRankSum %v %v differs from RankSum.Test %v", c[1], g2, err, got)
				}
			}
		case "kruskal":
			lab := parseFloats(t, c[4])
			g := make([]int, len(lab))
			k := 0
			for i, v := range lab {
				g[i] = int(v)
				k = max(k, g[i]+1)
			}
			if got, err = KruskalWallis(x, g, k); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range [][3]float64{{got.Statistic, wantStat, 0}, {got.PValue, wantP, 1}} {
			if d := math.Abs(p[0] - p[1]); d > 1e-12*math.Max(1, math.Abs(p[1])) && d > 1e-15 {
				t.Errorf("%s %s: %s = %.17g, scipy %.17g", c[0], c[1], map[float64]string{0: "statistic", 1: "p"}[p[2]], p[0], p[1])
			}
		}
		n++
	}
	if n != 10 {
		t.Errorf("%d cases read", n)
	}
}

// TestRankSumFirst checks the bucket-sort rank sum against the comparison
// sort on continuous, heavy-tailed, tied, constant and NaN samples: the
// rank sums and tie sums must be identical.
func TestRankSumFirst(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gens := map[string]func() float64{
		"normal": r.NormFloat64,
		"heavy":  func() float64 { z := r.NormFloat64(); return 2 * math.Log2(z*z) },
		"ties":   func() float64 { return float64(r.IntN(6)) },
		"mixed": func() float64 {
			if r.IntN(3) == 0 {
				return 0
			}
			return r.ExpFloat64()
		},
		"outlier": func() float64 {
			if r.IntN(50) == 0 {
				return -1e300
			}
			return r.NormFloat64()
		},
		"nan": func() float64 {
			if r.IntN(40) == 0 {
				return math.NaN()
			}
			return r.NormFloat64()
		},
		"constant": func() float64 { return 3 },
	}
	var s1, s2 RankScratch
	for name, g := range gens {
		for _, n := range []int{1, 2, 3, 10, 57, 400} {
			for rep := 0; rep < 20; rep++ {
				x := make([]float64, n)
				for i := range x {
					x[i] = g()
				}
				nx := r.IntN(n + 1)
				rx, ties := rankSumFirst(x, nx, &s1)
				wx, wties := rankSumSorted(append([]float64(nil), x...), nx, &s2)
				if rx != wx || ties != wties {
					t.Fatalf("%s n=%d nx=%d: bucket rank sum %v ties %v, sorted %v %v", name, n, nx, rx, ties, wx, wties)
				}
			}
		}
	}
}

func BenchmarkRankSum200x200(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x, y := make([]float64, 200), make([]float64, 200)
	rs := NewRankSum(200, 200)
	var s RankScratch
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for j := range x {
			x[j], y[j] = r.NormFloat64(), r.NormFloat64()+0.1
		}
		rs.Test(x, y, Greater, false, &s)
	}
}
