package report

import (
	"math"
	"strconv"
	"testing"
)

// TestBoxR compares Box with R 4.2.2's boxplot.stats() on the fixed data of
// testdata/boxstats.tsv (scripts/golden_report.R); tolerance 1e-12
// relative.
func TestBoxR(t *testing.T) {
	rows := readGolden(t, "testdata/boxstats.tsv")
	if len(rows) < 10 {
		t.Fatalf("only %d golden rows", len(rows))
	}
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
	for _, r := range rows {
		name, x := r[0], parseFloats(t, r[1])
		stats, conf := parseFloats(t, r[2]), parseFloats(t, r[4])
		n, _ := strconv.Atoi(r[3])
		var out []float64
		if len(r) > 5 {
			out = parseFloats(t, r[5])
		}
		// non-finite values must be ignored, as R drops NA
		x = append(x, math.NaN(), math.Inf(1))
		b := Box(x)
		got := []float64{b.LowerWhisker, b.LowerHinge, b.Median, b.UpperHinge, b.UpperWhisker}
		for i := range stats {
			if !close(got[i], stats[i]) {
				t.Errorf("%s: stats = %v, R gives %v", name, got, stats)
				break
			}
		}
		if b.N != n {
			t.Errorf("%s: n = %d, R gives %d", name, b.N, n)
		}
		if !close(b.NotchLo, conf[0]) || !close(b.NotchHi, conf[1]) {
			t.Errorf("%s: conf = [%g %g], R gives %v", name, b.NotchLo, b.NotchHi, conf)
		}
		if len(b.Out) != len(out) {
			t.Errorf("%s: out = %v, R gives %v", name, b.Out, out)
			continue
		}
		for i := range out {
			if !close(b.Out[i], out[i]) {
				t.Errorf("%s: out = %v, R gives %v", name, b.Out, out)
				break
			}
		}
	}
}

func TestFiveNumEmpty(t *testing.T) {
	f := FiveNum([]float64{math.NaN()})
	for _, v := range f {
		if !math.IsNaN(v) {
			t.Fatalf("FiveNum of no data = %v, want NaNs", f)
		}
	}
	if b := Box(nil); b.N != 0 || !math.IsNaN(b.Median) {
		t.Fatalf("Box(nil) = %+v", b)
	}
	// FiveNum agrees with R's fivenum(c(1, 2, 3, 4)) = 1, 1.5, 2.5, 3.5, 4
	want := [5]float64{1, 1.5, 2.5, 3.5, 4}
	if got := FiveNum([]float64{4, 3, 2, 1}); got != want {
		t.Fatalf("FiveNum = %v, want %v", got, want)
	}
}
