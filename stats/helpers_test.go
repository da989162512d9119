package stats

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/distmat"
)

// readGolden reads a "key<TAB>v1,v2,..." file written by scripts/golden_stats.*.
func readGolden(t testing.TB, path string) map[string][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string][]float64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		k, v, _ := strings.Cut(line, "\t")
		var vals []float64
		for _, s := range strings.Split(v, ",") {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				if s == "NA" {
					x = math.NaN()
				} else {
					t.Fatalf("%s: %s: %v", path, k, err)
				}
			}
			vals = append(vals, x)
		}
		m[k] = vals
	}
	return m
}

func g1(t testing.TB, m map[string][]float64, k string) float64 {
	t.Helper()
	v, ok := m[k]
	if !ok {
		t.Fatalf("golden key %q missing", k)
	}
	return v[0]
}

// readDM reads a scikit-bio lsmat TSV (test helper; the real reader is
// distmat.ReadFile).
func readDM(t testing.TB, path string) *distmat.Matrix {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	ids := strings.Split(lines[0], "\t")[1:]
	m := distmat.New(ids)
	for i, l := range lines[1:] {
		f := strings.Split(l, "\t")
		for j, s := range f[1:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			m.Data[i*len(ids)+j] = v
		}
	}
	return m
}

// readColumn returns column col of a metadata TSV in the order of ids.
func readColumn(t testing.TB, path, col string, ids []string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	hdr := strings.Split(lines[0], "\t")
	c := -1
	for i, h := range hdr {
		if h == col {
			c = i
		}
	}
	if c < 0 {
		t.Fatalf("%s: no column %s", path, col)
	}
	vals := map[string]string{}
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		vals[f[0]] = f[c]
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		v, ok := vals[id]
		if !ok {
			t.Fatalf("%s: no row %s", path, id)
		}
		out[i] = v
	}
	return out
}

func relErr(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}

// pBand is the tolerance for comparing two permutation p-values estimated
// with n1 and n2 permutations: 4 binomial standard deviations of their
// difference plus the resolution of both estimates.
func pBand(p float64, n1, n2 int) float64 {
	p = math.Max(p, 1/float64(n2+1))
	return 4*math.Sqrt(p*(1-p)*(1/float64(n1)+1/float64(n2))) + 1/float64(n1+1) + 1/float64(n2+1)
}
