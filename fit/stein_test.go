package fit

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/internal/testutil"
)

// steinSheet reads a Stein 2013 Dataset S1 sheet exported as CSV: the rows
// whose first cell is a name and whose other cells are numbers.
func steinSheet(t *testing.T, path string) (names []string, rows [][]float64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		if len(rec) < 2 || rec[0] == "" {
			continue
		}
		var row []float64
		ok := true
		for _, c := range rec[1:] {
			v, err := strconv.ParseFloat(strings.TrimSpace(c), 64)
			if err != nil {
				ok = false
				break
			}
			row = append(row, v)
		}
		if ok {
			names = append(names, rec[0])
			rows = append(rows, row)
		}
	}
	return names, rows
}

// TestStein2013Ridge reproduces Stein et al. 2013's own fit: with their
// design matrix Y (sheet Y: 11 densities, the growth vector of ones and the
// clindamycin signal per interval), their finite-difference log-derivatives
// F (sheet F) and their penalties D_λ = diag(2.25 × 11 interactions, 9
// growth, 0.25 susceptibility) (sheet D_lambda), the ridge solution
// M = F Yᵀ (Y Yᵀ + D_λ)⁻¹ computed by this package's block-penalised solver
// must equal their published parameters (sheet MmuE, 5 significant digits)
// to 1e-4 relative (+1e-5 absolute for entries near zero).
func TestStein2013Ridge(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "data", "stein2013")
	yNames, y := steinSheet(t, filepath.Join(dir, "stein2013_S1_sheet_Y.csv"))
	fNames, f := steinSheet(t, filepath.Join(dir, "stein2013_S1_sheet_F.csv"))
	// Sheet Y: Population, Replicate, ID, time rows, then 11 taxa, the
	// growth vector and the clindamycin signal; sheet F: ID, time, 11 taxa.
	y, yNames = y[len(y)-13:], yNames[len(yNames)-13:]
	f, fNames = f[len(f)-11:], fNames[len(fNames)-11:]
	for i := 0; i < 11; i++ {
		if yNames[i] != fNames[i] {
			t.Fatalf("taxon order differs: Y %q, F %q", yNames[i], fNames[i])
		}
	}
	n := len(y[0])
	lay := layout{regs: 11, nu: 1, m: 11, p: 13}
	gram := make([]float64, 13*13)
	cross := make([]float64, 13*11)
	for k := 0; k < n; k++ {
		for a := 0; a < 13; a++ {
			for b := 0; b < 13; b++ {
				gram[a*13+b] += y[a][k] * y[b][k]
			}
			for i := 0; i < 11; i++ {
				cross[a*11+i] += y[a][k] * f[i][k]
			}
		}
	}
	s := newSolver(lay)
	if err := s.ridge(gram, cross, Penalty{Growth: 9, Interaction: 2.25, Perturbation: 0.25}); err != nil {
		t.Fatal(err)
	}
	pr := fromBeta(lay, s.beta)
	// Sheet MmuE: rows in the paper's order (by susceptibility), columns
	// 11 interactions (sources in that same order), growth, susceptibility.
	mNames, mm := steinSheet(t, filepath.Join(dir, "stein2013_S1_sheet_MmuE.csv"))
	idx := map[string]int{}
	for i, nm := range yNames[:11] {
		idx[nm] = i
	}
	worst := 0.0
	check := func(what string, got, want float64) {
		err := math.Abs(got-want) / (math.Abs(want) + 0.1)
		worst = math.Max(worst, err)
		if math.Abs(got-want) > 1e-4*math.Abs(want)+1e-5 {
			t.Errorf("%s = %.6g, published %.6g", what, got, want)
		}
	}
	for r, name := range mNames[:11] {
		i, ok := idx[name]
		if !ok {
			t.Fatalf("MmuE row %q not in sheet Y", name)
		}
		for c, src := range mNames[:11] {
			check("M["+name+","+src+"]", pr.inter[i][idx[src]], mm[r][c])
		}
		check("mu["+name+"]", pr.growth[i], mm[r][11])
		check("eps["+name+"]", pr.input[i][0], mm[r][12])
	}
	t.Logf("largest |difference| / (|published| + 0.1): %.2g", worst)
}
