package gsa

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ishigami is Ishigami & Homma (1990)'s function on [-π, π]^3.
func ishigami(x []float64, a, b float64) float64 {
	return math.Sin(x[0]) + a*math.Pow(math.Sin(x[1]), 2) + b*math.Pow(x[2], 4)*math.Sin(x[0])
}

// ishigamiIndices are the analytic indices (Saltelli et al. 2008, §4.8;
// Sobol' & Levitan 1999).
func ishigamiIndices(a, b float64) (s1, st [3]float64, s13 float64) {
	pi := math.Pi
	v1 := 0.5 * math.Pow(1+b*math.Pow(pi, 4)/5, 2)
	v2 := a * a / 8
	v13 := b * b * math.Pow(pi, 8) * (1.0/18 - 1.0/50)
	v := v1 + v2 + v13
	s1 = [3]float64{v1 / v, v2 / v, 0}
	st = [3]float64{(v1 + v13) / v, v2 / v, v13 / v}
	return s1, st, v13 / v
}

func saltelliDesign(t *testing.T, n, d int, second bool, seed uint64) []float64 {
	t.Helper()
	var rnd *rand.Rand
	if seed != 0 {
		rnd = rand.New(rand.NewPCG(seed, 1))
	}
	seq, err := NewSobol(2*d, rnd)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, SaltelliRuns(n, d, second)*d)
	if err := Saltelli(x, n, d, second, seq); err != nil {
		t.Fatal(err)
	}
	return x
}

// TestIshigami checks the indices at N = 2^14 against the analytic values
// the issue states (a = 7, b = 0.1: S1 = 0.3139, 0.4424, 0; ST = 0.5576,
// 0.4424, 0.2437) within 0.01, for both first-order estimators, scrambled
// and not, and S13 = 0.2437 with second-order indices.
func TestIshigami(t *testing.T) {
	const a, b = 7, 0.1
	s1, st, s13 := ishigamiIndices(a, b)
	published := [2][3]float64{{0.3139, 0.4424, 0}, {0.5576, 0.4424, 0.2437}}
	for i := 0; i < 3; i++ {
		if math.Abs(s1[i]-published[0][i]) > 5e-5 || math.Abs(st[i]-published[1][i]) > 5e-5 {
			t.Fatalf("analytic indices %v %v differ from the published ones %v", s1, st, published)
		}
	}
	const n, d = 1 << 14, 3
	for _, seed := range []uint64{0, 7} {
		for _, est := range []Estimator{Saltelli2010, Jansen} {
			x := saltelliDesign(t, n, d, true, seed)
			y := make([]float64, len(x)/d)
			for r := range y {
				row := x[r*d : (r+1)*d]
				u := []float64{-math.Pi + 2*math.Pi*row[0], -math.Pi + 2*math.Pi*row[1], -math.Pi + 2*math.Pi*row[2]}
				y[r] = ishigami(u, a, b)
			}
			res, err := SobolIndices(y, d, SobolOptions{SecondOrder: true, FirstOrder: est, Resamples: 100}, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < d; i++ {
				if e := math.Abs(res.S1[i] - s1[i]); e > 0.01 {
					t.Errorf("seed %d %v: S1[%d] = %.4f, want %.4f (error %.4f)", seed, est, i, res.S1[i], s1[i], e)
				}
				if e := math.Abs(res.ST[i] - st[i]); e > 0.01 {
					t.Errorf("seed %d %v: ST[%d] = %.4f, want %.4f (error %.4f)", seed, est, i, res.ST[i], st[i], e)
				}
				if !(res.S1Conf[i] > 0 && res.S1Conf[i] < 0.05 && res.STConf[i] > 0 && res.STConf[i] < 0.05) {
					t.Errorf("seed %d %v: implausible interval half-widths S1 %v ST %v", seed, est, res.S1Conf[i], res.STConf[i])
				}
			}
			if e := math.Abs(res.S2[0][2] - s13); e > 0.02 {
				t.Errorf("seed %d %v: S13 = %.4f, want %.4f", seed, est, res.S2[0][2], s13)
			}
			for _, p := range [][2]int{{0, 1}, {1, 2}} {
				if e := math.Abs(res.S2[p[0]][p[1]]); e > 0.02 {
					t.Errorf("seed %d %v: S%d%d = %.4f, want 0", seed, est, p[0]+1, p[1]+1, res.S2[p[0]][p[1]])
				}
			}
			t.Logf("seed %d %v: S1 %.4f ST %.4f S13 %.4f; max |error| S1 %.4f ST %.4f", seed, est, res.S1, res.ST, res.S2[0][2], maxErr(res.S1, s1[:]), maxErr(res.ST, st[:]))
		}
	}
}

func maxErr(got, want []float64) float64 {
	var m float64
	for i := range got {
		m = math.Max(m, math.Abs(got[i]-want[i]))
	}
	return m
}

// gFunction is Sobol's g-function, whose indices are known in closed form
// (Saltelli & Sobol' 1995): V_i = 1/(3(1+a_i)^2), V = Π(1+V_i) − 1,
// S_i = V_i/V, ST_i = V_i Π_{j≠i}(1+V_j)/V.
func gFunction(x, a []float64) float64 {
	p := 1.0
	for i, v := range x {
		p *= (math.Abs(4*v-2) + a[i]) / (1 + a[i])
	}
	return p
}

func TestGFunction(t *testing.T) {
	a := []float64{0, 1, 4.5, 9, 99, 99, 99, 99}
	d := len(a)
	vi := make([]float64, d)
	prod := 1.0
	for i := range a {
		vi[i] = 1 / (3 * (1 + a[i]) * (1 + a[i]))
		prod *= 1 + vi[i]
	}
	v := prod - 1
	const n = 1 << 13
	x := saltelliDesign(t, n, d, false, 3)
	y := make([]float64, len(x)/d)
	for r := range y {
		y[r] = gFunction(x[r*d:(r+1)*d], a)
	}
	res, err := SobolIndices(y, d, SobolOptions{Resamples: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		s1 := vi[i] / v
		st := vi[i] * prod / (1 + vi[i]) / v
		if math.Abs(res.S1[i]-s1) > 0.01 || math.Abs(res.ST[i]-st) > 0.01 {
			t.Errorf("x%d (a=%g): S1 %.4f (want %.4f), ST %.4f (want %.4f)", i+1, a[i], res.S1[i], s1, res.ST[i], st)
		}
	}
}

func TestSaltelliLayout(t *testing.T) {
	const n, d = 4, 3
	seq, _ := NewSobol(2*d, nil)
	pts := make([][]float64, n)
	for j := range pts {
		pts[j] = make([]float64, 2*d)
		seq.Next(pts[j])
	}
	x := saltelliDesign(t, n, d, true, 0)
	step := 2*d + 2
	for j := 0; j < n; j++ {
		a, b := pts[j][:d], pts[j][d:]
		for i := 0; i < d; i++ {
			if x[(j*step)*d+i] != a[i] || x[(j*step+step-1)*d+i] != b[i] {
				t.Fatalf("sample %d: A or B row wrong", j)
			}
			for k := 0; k < d; k++ {
				want := a[k]
				if k == i {
					want = b[k]
				}
				if got := x[(j*step+1+i)*d+k]; got != want {
					t.Fatalf("AB_%d row of sample %d: column %d = %v, want %v", i, j, k, got, want)
				}
				want = b[k]
				if k == i {
					want = a[k]
				}
				if got := x[(j*step+1+d+i)*d+k]; got != want {
					t.Fatalf("BA_%d row of sample %d: column %d = %v, want %v", i, j, k, got, want)
				}
			}
		}
	}
	if err := Saltelli(make([]float64, 1000), 10, d, false, seq); err == nil {
		t.Error("n = 10 accepted; want a power-of-two error")
	}
}

// TestSobolNaN: a base sample with a failed run is dropped, not propagated.
func TestSobolNaN(t *testing.T) {
	const n, d = 1 << 10, 3
	x := saltelliDesign(t, n, d, false, 5)
	y := make([]float64, len(x)/d)
	for r := range y {
		y[r] = x[r*d] + 2*x[r*d+1]
	}
	y[7] = math.NaN()
	res, err := SobolIndices(y, d, SobolOptions{Resamples: 10}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if res.N != n-1 {
		t.Errorf("N = %d, want %d", res.N, n-1)
	}
	// y = x1 + 2 x2 with uniform x: S1 = (1, 4)/5, S3 = 0.
	for i, want := range []float64{0.2, 0.8, 0} {
		if math.Abs(res.S1[i]-want) > 0.01 || math.Abs(res.ST[i]-want) > 0.01 {
			t.Errorf("x%d: S1 %v ST %v, want %v", i+1, res.S1[i], res.ST[i], want)
		}
	}
}
