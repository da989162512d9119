package estimate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/expr"
)

// layout places the variables of resolved expressions in one environment
// vector: [time, states (n), parameter table (P), model constants,
// placeholders, observable value, formula outputs...].
type layout struct {
	n, p    int
	consts  map[string]int // varConst/varAmt name -> slot
	constID []string       // in slot order
	phBase  int
	nph     int
	obs     int
	size    int // slots before the outputs
}

func newLayout(n, p int, consts []string, nph int) *layout {
	l := &layout{n: n, p: p, consts: map[string]int{}, constID: consts}
	k := 1 + n + p
	for _, c := range consts {
		l.consts[c] = k
		k++
	}
	l.phBase, l.nph = k, nph
	k += nph
	l.obs = k
	l.size = k + 1
	return l
}

func (l *layout) slot(name string) (int, bool) {
	switch {
	case strings.HasPrefix(name, varState):
		i, err := strconv.Atoi(name[len(varState):])
		return 1 + i, err == nil && i < l.n
	case strings.HasPrefix(name, varParam):
		i, err := strconv.Atoi(name[len(varParam):])
		return 1 + l.n + i, err == nil && i < l.p
	case strings.HasPrefix(name, varPH):
		i, err := strconv.Atoi(name[len(varPH):])
		return l.phBase + i, err == nil && i < l.nph
	case name == varObs:
		return l.obs, true
	}
	s, ok := l.consts[name]
	return s, ok
}

// isState reports whether env slot s holds a state, and which.
func (l *layout) isState(s int) (int, bool) { return s - 1, s >= 1 && s <= l.n }

// isParam reports whether env slot s holds a parameter-table value.
func (l *layout) isParam(s int) (int, bool) { return s - 1 - l.n, s > l.n && s <= l.n+l.p }

// formula is a compiled resolved expression with its partial derivatives
// with respect to the states, parameter-table values, placeholders and
// the observable value it reads: running tape on env writes the value to
// env[out] and ∂/∂(env[vars[k]]) to env[out+1+k].
type formula struct {
	out   int
	vars  []int
	tape  *expr.Tape
	grad  bool // partials compiled (false: the expression could not be differentiated)
	src   *expr.Node
	reads []int // every env slot read
}

// compileFormula compiles e (a resolved expression) with outputs from slot
// out; it returns the formula and the next free slot.
func compileFormula(l *layout, e *expr.Node, out int) (*formula, int, error) {
	f := &formula{out: out, src: e}
	b := expr.NewBuilder(l.slot, nil, 0)
	if err := b.Assign(out, e); err != nil {
		return nil, 0, err
	}
	names := expr.Vars(e)
	sort.Strings(names)
	f.grad = true
	var parts []*expr.Node
	for _, v := range names {
		s, ok := l.slot(v)
		if !ok {
			return nil, 0, fmt.Errorf("internal: unresolved %q", v)
		}
		f.reads = append(f.reads, s)
		if strings.HasPrefix(v, varConst) || strings.HasPrefix(v, varAmt) {
			continue
		}
		d, err := expr.Diff(e, v, nil)
		if err != nil {
			f.grad = false
			parts = nil
			break
		}
		if d.Op == expr.OpNum && d.Value == 0 {
			continue
		}
		f.vars = append(f.vars, s)
		parts = append(parts, d)
	}
	if !f.grad {
		f.vars = nil
	}
	for k, d := range parts {
		if err := b.Assign(out+1+k, d); err != nil {
			return nil, 0, err
		}
	}
	f.tape = b.Build()
	return f, out + 1 + len(f.vars), nil
}

// clone returns a copy with its own tape registers.
func (f *formula) clone() *formula {
	c := *f
	c.tape = f.tape.Clone()
	return &c
}

// readsState reports whether the formula reads a state variable other
// than the constant ones (constant[i] true).
func (f *formula) readsState(l *layout, constant []bool) bool {
	for _, s := range f.reads {
		if i, ok := l.isState(s); ok && !constant[i] {
			return true
		}
	}
	return false
}
