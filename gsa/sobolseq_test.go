package gsa

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

func readInts(t *testing.T, path string) [][]int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]int64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		var row []int64
		for _, s := range strings.Fields(sc.Text()) {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	return rows
}

// TestSobolScipy compares the unscrambled sequence with scipy's
// qmc.Sobol(scramble=False) (scripts/golden_gsa.py), exactly: the first 256
// points in 5 dimensions, and the points of index 2^k − 1 (k = 1..16),
// which are the direction numbers, in all 1024 dimensions.
func TestSobolScipy(t *testing.T) {
	first := readInts(t, "testdata/sobol_scipy_first.txt")
	s, err := NewSobol(5, nil)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 5)
	for i, want := range first {
		s.Next(x)
		for d := range x {
			if got := int64(x[d] * (1 << 30)); got != want[d] || x[d]*(1<<30) != float64(got) {
				t.Fatalf("point %d dim %d: %v·2^30, want %d", i, d, x[d]*(1<<30), want[d])
			}
		}
	}
	dirs := readInts(t, "testdata/sobol_scipy.txt")
	s, err = NewSobol(MaxSobolDim, nil)
	if err != nil {
		t.Fatal(err)
	}
	x = make([]float64, MaxSobolDim)
	for _, row := range dirs {
		k := row[0]
		s.Skip(uint64(1)<<k - 1 - s.n)
		s.Next(x)
		for d, want := range row[1:] {
			if got := x[d] * (1 << 30); got != float64(want) {
				t.Fatalf("index 2^%d-1, dimension %d: %v·2^30, want %d", k, d+1, got, want)
			}
		}
	}
	if _, err := NewSobol(MaxSobolDim+1, nil); err == nil {
		t.Error("dimension beyond the table accepted")
	}
}

// TestSobolSkip: Skip lands where Next would.
func TestSobolSkip(t *testing.T) {
	a, _ := NewSobol(7, rand.New(rand.NewPCG(1, 2)))
	b, _ := NewSobol(7, rand.New(rand.NewPCG(1, 2)))
	xa, xb := make([]float64, 7), make([]float64, 7)
	for i := 0; i < 1000; i++ {
		a.Next(xa)
	}
	b.Skip(1000)
	a.Next(xa)
	b.Next(xb)
	for d := range xa {
		if xa[d] != xb[d] {
			t.Fatalf("dim %d: skip %v, next %v", d, xb[d], xa[d])
		}
	}
}

// TestSobolScrambled: scrambling keeps the net's stratification: the first
// 2^m points have exactly one coordinate in each interval
// [j/2^m, (j+1)/2^m) of every dimension, so their mean is 1/2 within
// 2^-m.
func TestSobolScrambled(t *testing.T) {
	const m = 10
	s, _ := NewSobol(20, rand.New(rand.NewPCG(7, 7)))
	seen := make([][]bool, 20)
	for d := range seen {
		seen[d] = make([]bool, 1<<m)
	}
	x := make([]float64, 20)
	sum := make([]float64, 20)
	for i := 0; i < 1<<m; i++ {
		s.Next(x)
		for d, v := range x {
			if v < 0 || v >= 1 {
				t.Fatalf("coordinate %v outside [0, 1)", v)
			}
			c := int(v * (1 << m))
			if seen[d][c] {
				t.Fatalf("dimension %d: two points in stratum %d", d, c)
			}
			seen[d][c] = true
			sum[d] += v
		}
	}
	for d := range sum {
		if mean := sum[d] / (1 << m); math.Abs(mean-0.5) > 1.0/(1<<m) {
			t.Errorf("dimension %d: mean %v", d, mean)
		}
	}
}
