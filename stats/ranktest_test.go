package stats

import (
	"bufio"
	"math"
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
