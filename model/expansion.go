package model

import (
	"fmt"
	"strings"

	"github.com/holobiont/holobiont/expr"
)

// MaxExpandedNodes bounds the size of one expression after every call of a
// model function is replaced by its body. Nested definitions that call
// each other more than once grow exponentially (40 levels of f_i(x) =
// f_{i-1}(x) + f_{i-1}(x+1) would expand to 10^12 nodes); Validate refuses
// such a model, naming the chain of functions, before anything inlines it.
const MaxExpandedNodes = 1 << 20

// MaxModelExpandedNodes bounds the sum over all of a model's expressions.
const MaxModelExpandedNodes = 1 << 23

// form is the expanded size of a function body as a linear form in the
// sizes of its arguments: c + Σ occ[i]·size(arg i). Sizes are float64 so
// that exponential growth saturates instead of overflowing.
type form struct {
	c   float64
	occ []float64
}

// expansion computes expanded sizes with memoised function forms.
type expansion struct {
	funcs map[string]*Function
	forms map[string]*form
	state map[string]int // 1 visiting, 2 done
	cycle []string       // a recursive chain, once found
	total float64        // expanded nodes so far over the model
}

func newExpansion(funcs map[string]*Function) *expansion {
	return &expansion{funcs: funcs, forms: map[string]*form{}, state: map[string]int{}}
}

// inlined reports whether a call node is replaced by a function body.
func (x *expansion) inlined(n *expr.Node) (*Function, bool) {
	if n.Op != expr.OpCall {
		return nil, false
	}
	f, ok := x.funcs[n.Name]
	return f, ok && f.Body != nil && len(f.Args) == len(n.Args)
}

// fn returns the form of function f, or nil when f is (indirectly)
// recursive; x.cycle then holds the chain.
func (x *expansion) fn(f *Function, path []string) *form {
	switch x.state[f.ID] {
	case 2:
		return x.forms[f.ID]
	case 1:
		if x.cycle == nil {
			i := 0
			for path[i] != f.ID {
				i++
			}
			x.cycle = append(append([]string(nil), path[i:]...), f.ID)
		}
		return nil
	}
	x.state[f.ID] = 1
	fm := x.size(f.Body, f.Args, append(path, f.ID))
	x.state[f.ID] = 2
	x.forms[f.ID] = fm
	return fm
}

// size returns the expanded size of n as a form over params.
func (x *expansion) size(n *expr.Node, params []string, path []string) *form {
	out := &form{occ: make([]float64, len(params))}
	if n == nil {
		return out
	}
	if n.Op == expr.OpVar {
		for i, p := range params {
			if p == n.Name {
				out.occ[i] = 1
				return out
			}
		}
	}
	if f, ok := x.inlined(n); ok {
		g := x.fn(f, path)
		if g == nil {
			return out
		}
		out.c = g.c
		for j, a := range n.Args {
			if g.occ[j] == 0 {
				continue
			}
			af := x.size(a, params, path)
			out.c += g.occ[j] * af.c
			for i := range out.occ {
				out.occ[i] += g.occ[j] * af.occ[i]
			}
		}
		return out
	}
	out.c = 1
	for _, a := range n.Args {
		af := x.size(a, params, path)
		out.c += af.c
		for i := range out.occ {
			out.occ[i] += af.occ[i]
		}
	}
	return out
}

// check returns an error message when n expands past MaxExpandedNodes or
// calls a recursive function, naming the chain of functions responsible.
func (x *expansion) check(n *expr.Node) string {
	if n == nil {
		return ""
	}
	s := x.size(n, nil, nil)
	if x.cycle != nil {
		return fmt.Sprintf("function definitions are recursive: %s", strings.Join(x.cycle, " -> "))
	}
	x.total += s.c
	if s.c <= MaxExpandedNodes {
		if x.total > MaxModelExpandedNodes {
			return fmt.Sprintf("the model's expressions expand to more than %d nodes in total after inlining functions", MaxModelExpandedNodes)
		}
		return ""
	}
	return fmt.Sprintf("expression expands to %.3g nodes after inlining functions (limit %d): heaviest chain of calls %s",
		s.c, MaxExpandedNodes, strings.Join(x.heaviest(n), " -> "))
}

// heaviest follows the function calls contributing most to n's expanded
// size, returning the chain of function ids.
func (x *expansion) heaviest(n *expr.Node) []string {
	var chain []string
	seen := map[string]bool{}
	for n != nil {
		var best *expr.Node
		bestSize := 0.0
		var walk func(m *expr.Node)
		walk = func(m *expr.Node) {
			if m == nil {
				return
			}
			if _, ok := x.inlined(m); ok {
				if s := x.size(m, nil, nil).c; s > bestSize || best == nil {
					best, bestSize = m, s
				}
			}
			for _, a := range m.Args {
				walk(a)
			}
		}
		walk(n)
		if best == nil || seen[best.Name] {
			break
		}
		seen[best.Name] = true
		chain = append(chain, best.Name)
		n = x.funcs[best.Name].Body
	}
	return chain
}
