package fit

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
	"github.com/holobiont/holobiont/series"
)

// The peer comparison uses one real design matrix: the glv-ridge regression
// of the Stein 2013 forecasting data (11 abundance columns in units of the
// mean sample total, the growth column of ones, the clindamycin column;
// 68 intervals; 11 responses). testdata/peer/design.tsv holds it;
// scripts/fit_peer_regression.py fits it with scikit-learn (Ridge,
// ElasticNet) and R glmnet and writes testdata/peer/*.tsv.

const peerDir = "testdata/peer"

// TestWritePeerDesign regenerates testdata/peer/design.tsv when
// HOLOBIONT_UPDATE_GOLDEN=1. With HOLOBIONT_PEER_DATA=FOLDER (any data set
// series.Read reads) it writes that data set's glv-ridge design to
// $HOLOBIONT_PEER_DESIGN instead (the large timing comparison of
// benchmarks/fit.md).
func TestWritePeerDesign(t *testing.T) {
	out := filepath.Join(peerDir, "design.tsv")
	var d *series.Dataset
	var err error
	switch {
	case os.Getenv("HOLOBIONT_PEER_DATA") != "":
		if d, err = series.Read(os.Getenv("HOLOBIONT_PEER_DATA"), series.Options{}); err == nil {
			_, err = d.Filter(series.DefaultFilter)
		}
		out = os.Getenv("HOLOBIONT_PEER_DESIGN")
	case os.Getenv("HOLOBIONT_UPDATE_GOLDEN") != "":
		d, err = series.ReadLong(filepath.Join(testutil.SharedDir(t), "data", "forecast", "stein2013"), false)
	default:
		t.Skip("set HOLOBIONT_UPDATE_GOLDEN=1 to rewrite testdata/peer/design.tsv")
	}
	if err != nil {
		t.Fatal(err)
	}
	tr, err := newTransform(GLVRidge, d, DefaultPseudoCount)
	if err != nil {
		t.Fatal(err)
	}
	lay := tr.layout(len(d.Inputs))
	os.MkdirAll(filepath.Dir(out), 0o755)
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	var head []string
	for j := 0; j < lay.p; j++ {
		b := "a"
		if j == lay.regs {
			b = "g"
		} else if j > lay.regs {
			b = "e"
		}
		head = append(head, fmt.Sprintf("x%d_%s", j+1, b))
	}
	for i := 0; i < lay.m; i++ {
		head = append(head, fmt.Sprintf("y%d", i+1))
	}
	fmt.Fprintln(w, strings.Join(head, "\t"))
	for i := range d.Subjects {
		ps := tr.prepare(&d.Subjects[i], lay)
		for k := range ps.x {
			var cells []string
			for _, v := range append(append([]float64(nil), ps.x[k]...), ps.y[k]...) {
				cells = append(cells, strconv.FormatFloat(v, 'g', 17, 64))
			}
			fmt.Fprintln(w, strings.Join(cells, "\t"))
		}
	}
	w.Flush()
	f.Close()
}

// readTable reads a tab-separated numeric table with a header.
func readTable(t testing.TB, path string) ([]string, [][]float64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	head := strings.Split(lines[0], "\t")
	var rows [][]float64
	for _, l := range lines[1:] {
		var row []float64
		for _, c := range strings.Split(l, "\t") {
			v, err := strconv.ParseFloat(c, 64)
			if err != nil {
				t.Fatalf("%s: %q", path, c)
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	return head, rows
}

// peerDesign returns the Gram and cross-product matrices of design.tsv
// (or of $HOLOBIONT_PEER_DESIGN, for benchmarks).
func peerDesign(t testing.TB) (layout, []float64, []float64) {
	path := filepath.Join(peerDir, "design.tsv")
	if p := os.Getenv("HOLOBIONT_PEER_DESIGN"); p != "" {
		if _, ok := t.(*testing.B); ok {
			path = p
		}
	}
	head, rows := readTable(t, path)
	lay := layout{}
	for _, h := range head {
		switch {
		case strings.HasSuffix(h, "_a"):
			lay.regs++
		case strings.HasSuffix(h, "_e"):
			lay.nu++
		case strings.HasPrefix(h, "y"):
			lay.m++
		}
	}
	lay.p = lay.regs + 1 + lay.nu
	gram := make([]float64, lay.p*lay.p)
	cross := make([]float64, lay.p*lay.m)
	for _, r := range rows {
		for a := 0; a < lay.p; a++ {
			for b := 0; b < lay.p; b++ {
				gram[a*lay.p+b] += r[a] * r[b]
			}
			for i := 0; i < lay.m; i++ {
				cross[a*lay.m+i] += r[a] * r[lay.p+i]
			}
		}
	}
	return lay, gram, cross
}

// TestPeerRegression compares the block-penalised ridge and elastic-net
// solutions on the Stein design with scikit-learn 1.2.1 (Ridge with the
// columns scaled by 1/sqrt(λ_j); ElasticNet with one λ) and R glmnet 4.1-6
// (elastic net with per-block penalty.factor; growth unpenalised, as
// glmnet's intercept), golden files made by
// scripts/fit_peer_regression.py. Tolerance, relative to the largest
// coefficient of each response: 1e-12 for ridge (direct solves; measured
// 1.7e-15), 1e-8 for the elastic net (the peers stop their coordinate
// descent at a tolerance; measured 4.6e-14 against scikit-learn, 6.3e-10
// against glmnet).
func TestPeerRegression(t *testing.T) {
	lay, gram, cross := peerDesign(t)
	s := newSolver(lay)
	for _, tc := range []struct {
		file string
		pen  Penalty
		tol  float64
	}{
		{"sklearn_ridge.tsv", Penalty{Growth: 9, Interaction: 2.25, Perturbation: 0.25}, 1e-12},
		{"sklearn_enet.tsv", Penalty{Growth: 0.5, Interaction: 0.5, Perturbation: 0.5, L1Ratio: 0.5}, 1e-8},
		{"glmnet_enet.tsv", Penalty{Growth: 0, Interaction: 1, Perturbation: 0.05, L1Ratio: 0.7}, 1e-8},
	} {
		_, want := readTable(t, filepath.Join(peerDir, tc.file))
		var err error
		if tc.pen.L1Ratio > 0 {
			err = s.elasticNet(gram, cross, tc.pen, 1e-12, 100000)
		} else {
			err = s.ridge(gram, cross, tc.pen)
		}
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for i := 0; i < lay.m; i++ {
			scale := 0.0
			for j := 0; j < lay.p; j++ {
				scale = math.Max(scale, math.Abs(want[i][j]))
			}
			for j := 0; j < lay.p; j++ {
				d := math.Abs(s.beta[j*lay.m+i]-want[i][j]) / scale
				worst = math.Max(worst, d)
				if d > tc.tol {
					t.Errorf("%s: response %d column %d: %.8g, peer %.8g", tc.file, i+1, j+1, s.beta[j*lay.m+i], want[i][j])
				}
			}
		}
		t.Logf("%s: largest difference %.2g of the response's largest coefficient", tc.file, worst)
	}
}
