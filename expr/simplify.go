package expr

import "math"

// Simplify returns an equivalent, usually smaller tree: constant
// sub-expressions are folded (with the evaluator's semantics), nested sums
// and products are flattened and their constants combined, and the
// identities x+0 = x, x*1 = x, x*0 = 0, x-0 = x, 0-x = -x, 0/x = 0, x/1 = x,
// x^1 = x, x^0 = 1, 1^x = 1, -(-x) = x, x - x = 0, x/x = 1 hold, and piecewise branches with
// constant conditions are resolved. Note that x*0 = 0, 0/x = 0, x - x = 0
// and x/x = 1 are applied even though they differ from IEEE arithmetic when x
// is infinite or NaN, and that sums and products are reassociated (results
// may differ in the last bits). User function calls, delay and rateOf are never folded. n is not
// modified.
func Simplify(n *Node) *Node {
	if n == nil {
		return nil
	}
	switch n.Op {
	case OpNum, OpVar, OpTime:
		return n
	}
	args := make([]*Node, len(n.Args))
	allConst := true
	for i, a := range n.Args {
		args[i] = Simplify(a)
		if args[i].Op != OpNum {
			allConst = false
		}
	}
	m := &Node{Op: n.Op, Name: n.Name, Args: args, Pos: n.Pos}
	if CheckArity(m) != nil {
		return m
	}
	if allConst && foldable(m) {
		vals := make([]float64, len(args))
		for i, a := range args {
			vals[i] = a.Value
		}
		if m.Op == OpCall {
			if v, err := callBuiltin(m, vals); err == nil {
				return &Node{Op: OpNum, Value: v, Pos: n.Pos}
			}
			return m
		}
		return &Node{Op: OpNum, Value: applyOp(m.Op, vals), Pos: n.Pos}
	}
	switch m.Op {
	case OpAdd:
		return simplifySum(m)
	case OpMul:
		return simplifyProduct(m)
	case OpSub:
		if len(args) == 2 {
			return simplifySum(m)
		}
	case OpDiv:
		if isNum(args[0], 0) {
			return Num(0)
		}
		if !isNum(args[1], 0) {
			return simplifyProduct(m)
		}
	case OpPow:
		switch {
		case isNum(args[1], 1):
			return args[0]
		case isNum(args[1], 0), isNum(args[0], 1):
			return Num(1)
		}
	case OpNeg:
		if args[0].Op == OpNeg {
			return args[0].Args[0]
		}
	case OpPiecewise:
		return simplifyPiecewise(m)
	}
	return m
}

// foldable reports whether a node with constant arguments can be evaluated
// at simplification time.
func foldable(n *Node) bool {
	if checkArity(n) != nil {
		return false
	}
	if n.Op != OpCall {
		return true
	}
	b, ok := builtins[n.Name]
	if !ok || n.Name == "delay" || n.Name == "rateOf" {
		return false
	}
	return len(n.Args) >= b.min && (b.max < 0 || len(n.Args) <= b.max)
}

func isNum(n *Node, v float64) bool { return n.Op == OpNum && n.Value == v }

func simplifySum(m *Node) *Node {
	var pos, negs []*Node
	c := 0.0
	var add func(a *Node, sign bool)
	add = func(a *Node, neg bool) {
		switch {
		case a.Op == OpAdd:
			for _, b := range a.Args {
				add(b, neg)
			}
		case a.Op == OpSub && len(a.Args) == 2:
			add(a.Args[0], neg)
			add(a.Args[1], !neg)
		case a.Op == OpNeg && len(a.Args) == 1:
			add(a.Args[0], !neg)
		case a.Op == OpNum:
			if neg {
				c -= a.Value
			} else {
				c += a.Value
			}
		case neg:
			negs = append(negs, a)
		default:
			pos = append(pos, a)
		}
	}
	add(m, false)
	// x - x = 0 (like x*0 = 0, exact only for finite x).
	for i := 0; i < len(negs); i++ {
		for j, q := range pos {
			if Equal(q, negs[i]) {
				pos = append(pos[:j:j], pos[j+1:]...)
				negs = append(negs[:i:i], negs[i+1:]...)
				i--
				break
			}
		}
	}
	if c > 0 || math.IsNaN(c) {
		pos = append(pos, Num(c))
	} else if c < 0 {
		negs = append(negs, Num(-c))
	}
	sum := func(t []*Node) *Node {
		switch len(t) {
		case 0:
			return Num(0)
		case 1:
			return t[0]
		}
		return &Node{Op: OpAdd, Args: t, Pos: m.Pos}
	}
	switch {
	case len(negs) == 0:
		return sum(pos)
	case len(pos) == 0:
		return New(OpNeg, sum(negs))
	}
	return &Node{Op: OpSub, Args: []*Node{sum(pos), sum(negs)}, Pos: m.Pos}
}

func simplifyProduct(m *Node) *Node {
	var num, den []*Node
	c := 1.0
	zero := false // a literal 0 factor: the product is 0 (even with NaN constants)
	var mul func(a *Node, inv bool)
	mul = func(a *Node, inv bool) {
		switch {
		case a.Op == OpMul:
			for _, b := range a.Args {
				mul(b, inv)
			}
		case a.Op == OpDiv && len(a.Args) == 2:
			mul(a.Args[0], inv)
			mul(a.Args[1], !inv)
		case a.Op == OpNeg && len(a.Args) == 1:
			c = -c
			mul(a.Args[0], inv)
		case a.Op == OpNum && !inv:
			if a.Value == 0 {
				zero = true
			}
			c *= a.Value
		case a.Op == OpNum && inv && a.Value != 0:
			c /= a.Value
		case inv:
			den = append(den, a)
		default:
			num = append(num, a)
		}
	}
	mul(m, false)
	if c == 0 || zero {
		return Num(0)
	}
	// x/x = 1 (exact for finite non-zero x).
	for i := 0; i < len(den); i++ {
		for j, q := range num {
			if Equal(q, den[i]) {
				num = append(num[:j:j], num[j+1:]...)
				den = append(den[:i:i], den[i+1:]...)
				i--
				break
			}
		}
	}
	neg := c < 0
	if neg {
		c = -c
	}
	if c != 1 || len(num) == 0 {
		num = append([]*Node{Num(c)}, num...)
	}
	prod := func(t []*Node) *Node {
		if len(t) == 1 {
			return t[0]
		}
		return &Node{Op: OpMul, Args: t, Pos: m.Pos}
	}
	r := prod(num)
	if len(den) > 0 {
		r = &Node{Op: OpDiv, Args: []*Node{r, prod(den)}, Pos: m.Pos}
	}
	if neg {
		r = New(OpNeg, r)
	}
	return r
}

func simplifyPiecewise(m *Node) *Node {
	var out []*Node
	k := len(m.Args)
	for i := 0; i+1 < k; i += 2 {
		v, c := m.Args[i], m.Args[i+1]
		if c.Op == OpNum {
			if c.Value == 0 {
				continue
			}
			if len(out) == 0 {
				return v
			}
			out = append(out, v)
			return &Node{Op: OpPiecewise, Args: out, Pos: m.Pos}
		}
		out = append(out, v, c)
	}
	if k%2 == 1 {
		if len(out) == 0 {
			return m.Args[k-1]
		}
		out = append(out, m.Args[k-1])
	} else if len(out) == 0 {
		return Num(math.NaN())
	}
	// All branches equal (e.g. after differentiation): the value alone.
	same := true
	for i := 0; i < len(out); i += 2 {
		if !Equal(out[i], out[0]) {
			same = false
		}
	}
	if same && len(out)%2 == 1 {
		return out[0]
	}
	return &Node{Op: OpPiecewise, Args: out, Pos: m.Pos}
}
