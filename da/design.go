package da

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/holobiont/holobiont/stats"
)

// Column is one metadata variable aligned to the samples.
type Column struct {
	Values  []string // one per sample; "" is missing
	Numeric bool
}

// ColumnError names the metadata column (and sample id, when one is at
// fault) of a design problem.
type ColumnError struct {
	Column string
	ID     string
	Msg    string
}

func (e *ColumnError) Error() string {
	if e.ID != "" {
		return fmt.Sprintf("column %q, sample %q: %s", e.Column, e.ID, e.Msg)
	}
	return fmt.Sprintf("column %q: %s", e.Column, e.Msg)
}

// Design is a model matrix with treatment contrasts, as R's model.matrix.
type Design struct {
	N, P  int
	X     []float64 // N×P, row-major
	Names []string  // coefficient names: "(Intercept)", "age", "group[sick]", "time:group[sick]"
	Terms []DesignTerm
	// Random is the random-intercept group of each sample (nil without one)
	// and RandomLevels its level names.
	Random       []int
	RandomName   string
	RandomLevels []string
}

// DesignTerm is the set of design columns that one formula term produces.
type DesignTerm struct {
	Name   string
	Cols   []int
	Factor bool     // a single categorical variable
	Levels []string // for a factor: its levels, the reference first
	Var    string   // for a single-variable term: the variable
}

// DesignOptions tunes NewDesign.
type DesignOptions struct {
	// Reference sets the reference (first) level of a factor; otherwise
	// levels sort and the first is the reference.
	Reference map[string]string
	// Random names a categorical column for a random intercept.
	Random string
}

// NewDesign builds the model matrix of f from the columns (aligned to ids).
// A formula variable missing from cols, a missing value, a constant
// column, a factor level with a single sample, a random-effect column with
// one level or a design whose columns are linearly dependent is an error
// naming the column (and the sample).
func NewDesign(f *Formula, cols map[string]Column, ids []string, opt DesignOptions) (*Design, error) {
	n := len(ids)
	code := map[string]*codedVar{}
	for _, v := range f.Vars() {
		cd, err := codeVariable(v, cols, ids, opt.Reference)
		if err != nil {
			return nil, err
		}
		code[v] = cd
	}
	d := &Design{N: n}
	cols2 := d.expandTerms(f, code)
	d.P = len(cols2)
	if d.P >= n {
		return nil, fmt.Errorf("design: %d samples for %d coefficients leave no residual degrees of freedom", n, d.P)
	}
	d.X = make([]float64, n*d.P)
	for j, x := range cols2 {
		for i, v := range x {
			d.X[i*d.P+j] = v
		}
	}
	if err := d.checkRank(); err != nil {
		return nil, err
	}
	if opt.Random != "" {
		if err := d.setRandom(opt.Random, cols, ids); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// codedVar is one metadata variable as design columns: a numeric column
// as itself, a factor as the indicators of its non-reference levels.
type codedVar struct {
	names []string
	cols  [][]float64
	lev   []string // a factor's levels, the reference first; nil if numeric
}

// codeVariable checks and codes variable v (refs: reference levels by
// variable; without one a factor's first sorted level).
func codeVariable(v string, cols map[string]Column, ids []string, refs map[string]string) (*codedVar, error) {
	n := len(ids)
	c, ok := cols[v]
	if !ok {
		return nil, &ColumnError{Column: v, Msg: "no such metadata column"}
	}
	if len(c.Values) != n {
		return nil, &ColumnError{Column: v, Msg: fmt.Sprintf("%d values for %d samples", len(c.Values), n)}
	}
	for i, s := range c.Values {
		if s == "" {
			return nil, &ColumnError{Column: v, ID: ids[i], Msg: "missing value (drop the sample or fill the value)"}
		}
	}
	if c.Numeric {
		return codeNumeric(v, c, ids)
	}
	return codeFactor(v, c, ids, refs)
}

func codeNumeric(v string, c Column, ids []string) (*codedVar, error) {
	x := make([]float64, len(ids))
	for i, s := range c.Values {
		val, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(val) || math.IsInf(val, 0) {
			return nil, &ColumnError{Column: v, ID: ids[i], Msg: fmt.Sprintf("%q is not a finite number", s)}
		}
		x[i] = val
	}
	if isConstant(x) {
		return nil, &ColumnError{Column: v, Msg: fmt.Sprintf("constant (every sample has %s); it cannot be estimated", c.Values[0])}
	}
	return &codedVar{names: []string{v}, cols: [][]float64{x}}, nil
}

func codeFactor(v string, c Column, ids []string, refs map[string]string) (*codedVar, error) {
	levels, counts := levelsOf(c.Values)
	if len(levels) < 2 {
		return nil, &ColumnError{Column: v, Msg: fmt.Sprintf("constant (every sample is %q); it cannot be estimated", c.Values[0])}
	}
	if ref, ok := refs[v]; ok {
		k := indexOf(levels, ref)
		if k < 0 {
			return nil, &ColumnError{Column: v, Msg: fmt.Sprintf("reference level %q does not occur (levels: %s)", ref, strings.Join(levels, ", "))}
		}
		levels = append([]string{ref}, append(levels[:k:k], levels[k+1:]...)...)
	}
	for _, l := range levels {
		if counts[l] < 2 {
			id := ""
			for i, s := range c.Values {
				if s == l {
					id = ids[i]
				}
			}
			return nil, &ColumnError{Column: v, ID: id, Msg: fmt.Sprintf("level %q has a single sample; a group needs at least two", l)}
		}
	}
	cd := &codedVar{lev: levels}
	for _, l := range levels[1:] {
		x := make([]float64, len(ids))
		for i, s := range c.Values {
			if s == l {
				x[i] = 1
			}
		}
		cd.names = append(cd.names, v+"["+l+"]")
		cd.cols = append(cd.cols, x)
	}
	return cd, nil
}

// expandTerms sets d.Names and d.Terms and returns the design columns: the
// intercept, then each term's columns (an interaction's are the products
// of its variables' columns, the first variable varying slowest).
func (d *Design) expandTerms(f *Formula, code map[string]*codedVar) [][]float64 {
	var cols [][]float64
	if f.Intercept {
		one := make([]float64, d.N)
		for i := range one {
			one[i] = 1
		}
		cols = append(cols, one)
		d.Names = append(d.Names, "(Intercept)")
		d.Terms = append(d.Terms, DesignTerm{Name: "(Intercept)", Cols: []int{0}})
	}
	for _, t := range f.Terms {
		names, prod := termColumns(t.Vars, code, d.N)
		dt := DesignTerm{Name: t.Name()}
		if len(t.Vars) == 1 {
			dt.Var = t.Vars[0]
			if cd := code[t.Vars[0]]; cd.lev != nil {
				dt.Factor, dt.Levels = true, cd.lev
			}
		}
		for k, x := range prod {
			dt.Cols = append(dt.Cols, len(cols))
			cols = append(cols, x)
			d.Names = append(d.Names, names[k])
		}
		d.Terms = append(d.Terms, dt)
	}
	return cols
}

// termColumns returns the names and columns of the term over vars.
func termColumns(vars []string, code map[string]*codedVar, n int) ([]string, [][]float64) {
	names := []string{""}
	prod := [][]float64{nil}
	for _, v := range vars {
		cd := code[v]
		var nn []string
		var pp [][]float64
		for a, an := range names {
			for b, bn := range cd.names {
				x := make([]float64, n)
				for i := range x {
					x[i] = cd.cols[b][i]
					if prod[a] != nil {
						x[i] *= prod[a][i]
					}
				}
				if an != "" {
					bn = an + ":" + bn
				}
				nn = append(nn, bn)
				pp = append(pp, x)
			}
		}
		names, prod = nn, pp
	}
	return names, prod
}

// setRandom sets the random-intercept grouping from column name.
func (d *Design) setRandom(name string, cols map[string]Column, ids []string) error {
	c, ok := cols[name]
	if !ok {
		return &ColumnError{Column: name, Msg: "no such metadata column (--random)"}
	}
	levels, _ := levelsOf(c.Values)
	for i, s := range c.Values {
		if s == "" {
			return &ColumnError{Column: name, ID: ids[i], Msg: "missing random-effect level"}
		}
	}
	if len(levels) < 2 {
		return &ColumnError{Column: name, Msg: fmt.Sprintf("the random effect has one level (%q); it needs at least two", c.Values[0])}
	}
	if len(levels) == d.N {
		return &ColumnError{Column: name, Msg: "every sample is its own level; a random intercept needs repeated samples"}
	}
	idx := map[string]int{}
	for k, l := range levels {
		idx[l] = k
	}
	d.Random = make([]int, d.N)
	for i, s := range c.Values {
		d.Random[i] = idx[s]
	}
	d.RandomName, d.RandomLevels = name, levels
	return nil
}

func (d *Design) checkRank() error {
	if j := stats.AliasedColumn(mat.NewDense(d.N, d.P, append([]float64(nil), d.X...))); j >= 0 {
		return fmt.Errorf("design: coefficient %q is constant or a linear combination of the others (confounded columns?)", d.Names[j])
	}
	return nil
}

// Column returns design column j.
func (d *Design) Column(j int) []float64 {
	x := make([]float64, d.N)
	for i := range x {
		x[i] = d.X[i*d.P+j]
	}
	return x
}

// PrimaryFactor returns the first single-factor term, or nil.
func (d *Design) PrimaryFactor() *DesignTerm {
	for k := range d.Terms {
		if d.Terms[k].Factor {
			return &d.Terms[k]
		}
	}
	return nil
}

// FactorTerm returns the single-factor term of variable v, or nil.
func (d *Design) FactorTerm(v string) *DesignTerm {
	for k := range d.Terms {
		if d.Terms[k].Factor && d.Terms[k].Var == v {
			return &d.Terms[k]
		}
	}
	return nil
}

// FactorGroups returns, for the factor term t, the level index of every
// sample (0 = reference).
func (d *Design) FactorGroups(t *DesignTerm) []int {
	g := make([]int, d.N)
	for i := range g {
		for k, c := range t.Cols {
			if d.X[i*d.P+c] == 1 {
				g[i] = k + 1
			}
		}
	}
	return g
}

func levelsOf(v []string) ([]string, map[string]int) {
	counts := map[string]int{}
	var levels []string
	for _, s := range v {
		if s == "" {
			continue
		}
		if counts[s] == 0 {
			levels = append(levels, s)
		}
		counts[s]++
	}
	sort.Strings(levels)
	return levels, counts
}

func indexOf(s []string, x string) int {
	for i, v := range s {
		if v == x {
			return i
		}
	}
	return -1
}

func isConstant(x []float64) bool {
	for _, v := range x[1:] {
		if v != x[0] {
			return false
		}
	}
	return true
}
