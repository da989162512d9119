package cohort

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestStatsAgainstR compares Welch, ANCOVA and the two-proportion test with
// R (scripts/golden_cohort_stats.R → testdata/stats_golden.tsv), relative
// tolerance 1e-9.
func TestStatsAgainstR(t *testing.T) {
	f, err := os.Open("testdata/stats_golden.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gold := map[string][]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Split(sc.Text(), "\t")
		for _, x := range fs[1:] {
			v, _ := strconv.ParseFloat(x, 64)
			gold[fs[0]] = append(gold[fs[0]], v)
		}
	}
	a := []float64{3.1, 2.4, 5.6, 4.4, 3.9, 2.2, 4.8, 3.3}
	b := []float64{5.2, 4.9, 6.8, 3.7, 6.1, 5.5, 7.2, 4.4, 5.9, 6.6}
	base := []float64{2.9, 2.1, 5.0, 4.6, 3.2, 2.8, 4.1, 3.0, 4.1, 4.0, 5.2, 3.9, 4.4, 4.9, 5.1, 3.3, 4.7, 5.3}
	close := func(name string, got, want float64) {
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: got %.15g want %.15g", name, got, want)
		}
	}
	w, err := Welch(a, b, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	g := gold["welch"]
	close("welch effect", w.Effect, g[0])
	close("welch low", w.Low, g[1])
	close("welch high", w.High, g[2])
	close("welch p", w.P, g[3])
	y := append(append([]float64{}, a...), b...)
	tr := make([]float64, len(y))
	for i := len(a); i < len(y); i++ {
		tr[i] = 1
	}
	an, err := ANCOVA(y, tr, base, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	g = gold["ancova"]
	close("ancova effect", an.Effect, g[0])
	close("ancova low", an.Low, g[1])
	close("ancova high", an.High, g[2])
	close("ancova p", an.P, g[3])
	pr := Proportions(12, 40, 21, 42, 0.05)
	close("prop p", pr.P, gold["prop"][0])
}
