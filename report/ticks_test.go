package report

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
	if s == "" {
		return nil
	}
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			t.Fatalf("parse %q: %v", f, err)
		}
		out = append(out, v)
	}
	return out
}

// readGolden reads a tab-separated golden file, skipping comments and the
// header line.
func readGolden(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	header := true
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		if header {
			header = false
			continue
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestPrettyTicksR compares PrettyTicks with R 4.2.2's pretty() over the
// table in testdata/pretty.tsv (scripts/golden_report.R). Tolerance: the
// tick count must match exactly and each tick within 1e-9 of the tick step.
func TestPrettyTicksR(t *testing.T) {
	rows := readGolden(t, "testdata/pretty.tsv")
	if len(rows) < 100 {
		t.Fatalf("only %d golden rows", len(rows))
	}
	for _, r := range rows {
		lo, hi := parseFloats(t, r[0])[0], parseFloats(t, r[1])[0]
		n, _ := strconv.Atoi(r[2])
		want := parseFloats(t, r[3])
		got := PrettyTicks(lo, hi, n)
		if len(got) != len(want) {
			t.Errorf("PrettyTicks(%g, %g, %d) = %v, R gives %v", lo, hi, n, got, want)
			continue
		}
		step := 1.0
		if len(want) > 1 {
			step = want[1] - want[0]
		}
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-9*step {
				t.Errorf("PrettyTicks(%g, %g, %d)[%d] = %.17g, R gives %.17g", lo, hi, n, i, got[i], want[i])
			}
		}
	}
}

// TestHeckbertTicks checks the loose labelling of Heckbert (Graphics Gems,
// 1990) against values worked by hand from the paper's nicenum rules; the
// first row is the paper's own example (105..543 → 100..600 by 100).
func TestHeckbertTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{105, 543, 5, []float64{100, 200, 300, 400, 500, 600}},
		{0, 1, 5, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{-3.7, 12.2, 5, []float64{-5, 0, 5, 10, 15}},
		{0, 180, 5, []float64{0, 50, 100, 150, 200}},
		{0.98, 1.02, 5, []float64{0.98, 0.99, 1, 1.01, 1.02}},
		{2, 3, 3, []float64{2, 2.5, 3}},
		{-0.3, 0.7, 6, []float64{-0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8}},
	} {
		got := HeckbertTicks(tc.lo, tc.hi, tc.n)
		if len(got) != len(tc.want) {
			t.Errorf("HeckbertTicks(%g, %g, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-12 {
				t.Errorf("HeckbertTicks(%g, %g, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
				break
			}
		}
	}
	if HeckbertTicks(math.NaN(), 1, 5) != nil || HeckbertTicks(0, math.Inf(1), 5) != nil || HeckbertTicks(0, 1, 1) != nil {
		t.Error("HeckbertTicks accepts invalid input")
	}
}

// TestLogTicks checks log-axis ticks against hand-worked values.
func TestLogTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   []float64
	}{
		{1, 1000, []float64{1, 10, 100, 1000}},
		{1, 100, []float64{1, 2, 5, 10, 20, 50, 100}},
		{0.01, 1, []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1}},
		{2, 9, []float64{2, 3, 4, 5, 6, 7, 8, 9}},
		{3e7, 8e7, []float64{3e7, 4e7, 5e7, 6e7, 7e7, 8e7}},
		{1e-12, 1e12, []float64{1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3, 1e6, 1e9, 1e12}},
		{0.5, 2000, []float64{1, 10, 100, 1000}},
	} {
		got := LogTicks(tc.lo, tc.hi)
		if len(got) != len(tc.want) {
			t.Errorf("LogTicks(%g, %g) = %v, want %v", tc.lo, tc.hi, got, tc.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-9*tc.want[i] {
				t.Errorf("LogTicks(%g, %g) = %v, want %v", tc.lo, tc.hi, got, tc.want)
				break
			}
		}
	}
	if LogTicks(0, 10) != nil || LogTicks(-1, 10) != nil || LogTicks(1, math.Inf(1)) != nil {
		t.Error("LogTicks accepts non-positive or infinite bounds")
	}
}

func TestFormatLogTicks(t *testing.T) {
	for _, tc := range []struct {
		ticks []float64
		want  string
	}{
		{[]float64{1, 10, 100, 1000}, "1 10 100 1000"},
		{[]float64{0.001, 0.01, 0.1, 1}, "0.001 0.01 0.1 1"},
		{[]float64{1, 2, 5, 10}, "1 2 5 10"},
		{[]float64{1e3, 1e4, 1e5}, "10^3 10^4 10^5"},
		{[]float64{1e-6, 1e-3, 1}, "10^−6 10^−3 10^0"},
		{[]float64{3e7, 4e7}, "3×10^7 4×10^7"},
	} {
		var s []string
		for _, l := range formatLogTicks(tc.ticks) {
			s = append(s, l.String())
		}
		if got := strings.Join(s, " "); got != tc.want {
			t.Errorf("formatLogTicks(%v) = %q, want %q", tc.ticks, got, tc.want)
		}
	}
}

func TestFormatTicks(t *testing.T) {
	for _, tc := range []struct {
		ticks []float64
		step  float64
		want  string
	}{
		{[]float64{0, 0.2, 0.4}, 0.2, "0.0 0.2 0.4"},
		{[]float64{-0.5, 0, 0.5}, 0.5, "−0.5 0.0 0.5"},
		{[]float64{0, 0.25, 0.5}, 0.25, "0.00 0.25 0.50"},
		{[]float64{0, 50, 100, 150}, 50, "0 50 100 150"},
		{[]float64{1e6, 2e6, 3e6}, 1e6, "10^6 2×10^6 3×10^6"},
		{[]float64{1.5e6, 2e6, 2.5e6}, 5e5, "1.5×10^6 2×10^6 2.5×10^6"},
		{[]float64{0, 1e-5, 2e-5}, 1e-5, "0 10^−5 2×10^−5"},
		{[]float64{0.30000000000000004, 0.6000000000000001}, 0.3, "0.3 0.6"},
		{[]float64{-1.1102230246251565e-16, 1}, 1, "0 1"},
	} {
		ls := formatTicks(tc.ticks, tc.step)
		var s []string
		for _, l := range ls {
			s = append(s, l.String())
		}
		if got := strings.Join(s, " "); got != tc.want {
			t.Errorf("formatTicks(%v, %g) = %q, want %q", tc.ticks, tc.step, got, tc.want)
		}
	}
}
