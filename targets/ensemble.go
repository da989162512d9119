package targets

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// EnsembleTable is an ensemble of parameter sets as ensemble.tsv holds it
// (WriteEnsembleTSV): one row per accepted set, in draw order.
type EnsembleTable struct {
	Params []string
	Draws  []int
	Sets   [][]float64 // Sets[i][k]: parameter k of set i (linear scale)
}

// ParseEnsemble reads an ensemble table (tab-separated: draw, objective,
// then one column per parameter). Errors name the file, line and column.
func ParseEnsemble(name string, data []byte) (*EnsembleTable, error) {
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"), "\n")
	head := strings.Split(lines[0], "\t")
	if len(head) < 3 || head[0] != "draw" || head[1] != "objective" {
		return nil, fmt.Errorf("%s:1: not an ensemble table: want the header draw, objective, then parameter names (tab-separated)", name)
	}
	e := &EnsembleTable{Params: head[2:]}
	seen := map[string]bool{}
	for k, p := range e.Params {
		if p == "" || seen[p] {
			return nil, fmt.Errorf("%s:1:%d: empty or repeated parameter name %q", name, k+3, p)
		}
		seen[p] = true
	}
	for i, ln := range lines[1:] {
		f := strings.Split(ln, "\t")
		if len(f) != len(head) {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d", name, i+2, len(f), len(head))
		}
		d, err := strconv.Atoi(f[0])
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%s:%d:1: draw %q: want a whole number >= 0", name, i+2, f[0])
		}
		set := make([]float64, len(e.Params))
		for k := range set {
			v, err := strconv.ParseFloat(f[k+2], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s:%d:%d: %s = %q: want a finite number", name, i+2, k+3, e.Params[k], f[k+2])
			}
			set[k] = v
		}
		e.Draws = append(e.Draws, d)
		e.Sets = append(e.Sets, set)
	}
	if len(e.Sets) == 0 {
		return nil, fmt.Errorf("%s: the ensemble holds no parameter set", name)
	}
	return e, nil
}
