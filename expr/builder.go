package expr

import (
	"fmt"
	"math"

	"github.com/holobiont/holobiont/internal/fmath"
)

// Builder compiles assignments into a Tape. The zero value is not usable:
// call NewBuilder.
type Builder struct {
	slot     func(name string) (int, bool)
	funcs    map[string]*Func
	timeSlot int

	code    []instr
	nargs   []int32
	consts  []float64
	constIx map[uint64]int32
	top     int32 // temporaries in use
	maxTemp int32
	maxSlot int32
	depth   int

	assigns []assignment // for the common-sub-expression pass of Build
	noCSE   bool
	noFuse  bool      // keep the plain instructions (for tests)
	cse     *cseState // during that pass
	ncse    int32
}

type assignment struct {
	dst int
	n   *Node
}

// NewBuilder returns a Builder that resolves identifiers to env slots with
// slot, inlines calls to funcs and reads time from env[timeSlot] (timeSlot <
// 0: expressions using time are an error).
func NewBuilder(slot func(name string) (int, bool), funcs map[string]*Func, timeSlot int) *Builder {
	return &Builder{slot: slot, funcs: funcs, timeSlot: timeSlot, constIx: map[uint64]int32{}, maxSlot: -1}
}

// Assign appends code computing n into env[dst]. Assignments run in the
// order they were added, each seeing the results of the earlier ones. On
// error nothing is appended; the error names the unknown identifier or
// function and its position.
func (b *Builder) Assign(dst int, n *Node) error {
	if dst < 0 || int32(dst) >= tagConst {
		return fmt.Errorf("expr: destination slot %d out of range", dst)
	}
	ncode, nargs, nconst := len(b.code), len(b.nargs), len(b.consts)
	b.top = 0
	o, err := b.compile(n, nil)
	if err != nil {
		// Roll back so that the Builder stays usable.
		b.code, b.nargs = b.code[:ncode], b.nargs[:nargs]
		for _, v := range b.consts[nconst:] {
			delete(b.constIx, math.Float64bits(v))
		}
		b.consts = b.consts[:nconst]
		return err
	}
	b.assigns = append(b.assigns, assignment{dst: dst, n: n})
	d := int32(dst)
	b.useSlot(d)
	if isTemp(o) && len(b.code) > ncode && b.code[len(b.code)-1].dst == o {
		b.code[len(b.code)-1].dst = d
	} else {
		b.emit(instr{op: opMov, dst: d, a: o})
	}
	return nil
}

// Build returns the compiled Tape. The Builder may continue to be used; later
// assignments do not affect the returned Tape.
//
// Build compiles the assignments once more with common sub-expressions
// (equal sub-trees over the same variable values, also across assignments
// and through inlined functions) computed once; if that pass fails, the
// code compiled by Assign is used as is.
func (b *Builder) Build() *Tape { return b.buildAt(-1) }

// BuildInPlace is Build for a Tape that runs with RunInPlace directly on
// the caller's slice: its scratch registers (constants, temporaries and
// common sub-expressions) occupy env[base : base+Scratch()] of that slice
// instead of a private copy of the environment. base must be at least the
// tape's Len() (the environment slots it uses) and below 1<<26; several
// tapes can share one slice when their scratch ranges do not overlap.
func (b *Builder) BuildInPlace(base int) (*Tape, error) {
	if base < 0 || base >= int(tagCSE) {
		return nil, fmt.Errorf("expr: scratch base %d out of range", base)
	}
	if base < int(b.maxSlot)+1 {
		return nil, fmt.Errorf("expr: scratch base %d overlaps the environment slots 0..%d", base, b.maxSlot)
	}
	t := b.buildAt(base)
	if t.base < t.nenv {
		// the common-sub-expression pass may only shrink the slots used,
		// never grow them; keep the promise anyway
		return nil, fmt.Errorf("expr: scratch base %d overlaps the environment slots 0..%d", base, t.nenv-1)
	}
	return t, nil
}

func (b *Builder) buildAt(base int) *Tape {
	if !b.noCSE && len(b.assigns) > 0 {
		if nb, err := b.buildCSE(); err == nil {
			return nb.build(base)
		}
	}
	return b.build(base)
}

// build relocates the operands: env slots stay, the scratch registers
// (constants, temporaries, common sub-expressions) follow from base, or
// right after the env slots when base < 0.
func (b *Builder) build(base int) *Tape {
	nenv := b.maxSlot + 1
	rb := nenv
	if base >= 0 {
		rb = int32(base)
	}
	nconst := int32(len(b.consts))
	reloc := func(o int32) int32 {
		switch {
		case isTemp(o):
			return rb + nconst + o&^tagMask // also strips tagBorrow
		case isConst(o):
			return rb + o&^tagMask
		case isCSE(o):
			return rb + nconst + b.maxTemp + o&^tagMask
		}
		return o
	}
	code := b.code
	if !b.noFuse {
		code = fuse(code, b.nargs)
	}
	t := &Tape{nenv: int(nenv), base: int(rb), inPlace: base >= 0, nconst: int(nconst), code: make([]instr, len(code)), args: make([]int32, len(b.nargs))}
	for i, in := range code {
		in.dst = reloc(in.dst)
		// opShan/opSimp keep a, b as offsets into args; opCall1 keeps c
		// as a function index.
		if in.op != opShan && in.op != opSimp {
			in.a, in.b = reloc(in.a), reloc(in.b)
			if in.op != opCall1 && in.op != opPowI && in.op != opHillI && in.op != opHillIK {
				in.c = reloc(in.c)
			}
			if numOperands(in.op) == 4 {
				in.d = reloc(in.d)
			}
		}
		t.code[i] = in
	}
	for i, o := range b.nargs {
		t.args[i] = reloc(o)
	}
	t.reg = make([]float64, int(rb+nconst+b.maxTemp+b.ncse))
	t.checkOperands()
	t.ntemp = int(b.maxTemp)
	copy(t.reg[rb:], b.consts)
	// Which env slots Run must copy in (read before written) and out
	// (written).
	read := make([]bool, nenv)
	written := make([]bool, nenv)
	isEnv := func(o int32) bool { return o >= 0 && o < nenv }
	for _, in := range t.code {
		readEnv := func(o int32) {
			if isEnv(o) && !written[o] {
				read[o] = true
			}
		}
		if in.op == opShan || in.op == opSimp {
			for _, o := range t.args[in.a : in.a+in.b] {
				readEnv(o)
			}
		} else {
			ops := [...]int32{in.a, in.b, in.c, in.d}
			for _, o := range ops[:numOperands(in.op)] {
				readEnv(o)
			}
		}
		if isEnv(in.dst) {
			written[in.dst] = true
		}
	}
	// Copy-out must write back exactly the written slots (a caller may
	// rely on the others staying untouched); copy-in may take a few unread
	// slots along to make longer runs.
	t.out = newTransfer(written, 0)
	t.in = newTransfer(read, 4)
	return t
}

func (b *Builder) useSlot(s int32) {
	if s > b.maxSlot {
		b.maxSlot = s
	}
}

func (b *Builder) emit(in instr) { b.code = append(b.code, in) }

func (b *Builder) constant(v float64) int32 {
	k := math.Float64bits(v)
	if i, ok := b.constIx[k]; ok {
		return tagConst | i
	}
	i := int32(len(b.consts))
	b.consts = append(b.consts, v)
	b.constIx[k] = i
	return tagConst | i
}

func (b *Builder) push() int32 {
	t := b.top
	b.top++
	if b.top > b.maxTemp {
		b.maxTemp = b.top
	}
	return tagTemp | t
}

// release frees the temporaries among ops (which must be the topmost ones).
func (b *Builder) release(ops ...int32) {
	for _, o := range ops {
		if isTemp(o) && o&tagBorrow == 0 {
			b.top--
		}
	}
}

// scope binds user-function arguments to operands during inlining.
type scope struct {
	names []string
	ops   []int32
}

func (b *Builder) constVal(o int32) float64 { return b.consts[o&^tagMask] }

func (b *Builder) allConst(ops []int32) bool {
	for _, o := range ops {
		if !isConst(o) {
			return false
		}
	}
	return true
}

// fold evaluates op over constant operands at compile time with exactly the
// run-time semantics.
func (b *Builder) fold(ops []int32, f func([]float64) float64) int32 {
	vals := make([]float64, len(ops))
	for i, o := range ops {
		vals[i] = b.constVal(o)
	}
	return b.constant(f(vals))
}

// compileArgs compiles the arguments, leaving their temporaries pushed.
func (b *Builder) compileArgs(args []*Node, sc *scope) ([]int32, error) {
	ops := make([]int32, len(args))
	for i, a := range args {
		o, err := b.compile(a, sc)
		if err != nil {
			return nil, err
		}
		ops[i] = o
	}
	return ops, nil
}

// collapse pops the temporaries of ops and res (res is above them) and moves
// res to the lowest free temporary so the stack discipline holds.
func (b *Builder) collapse(res int32, ops []int32) int32 {
	own := true
	for _, o := range ops {
		if o == res {
			own = false // res is one of ops (an inlined identity)
		}
	}
	if own {
		b.release(res)
	}
	b.release(ops...)
	d := b.push()
	if d != res&^tagBorrow {
		if n := len(b.code); own && n > 0 && b.code[n-1].dst == res {
			// The last instruction produced res: let it write d instead
			// (it reads its operands before writing).
			b.code[n-1].dst = d
		} else {
			b.emit(instr{op: opMov, dst: d, a: res})
		}
	}
	return d
}

// binop emits dst = x op y for already-compiled operands x, y (x below y).
func (b *Builder) binop(op opcode, x, y int32) int32 {
	b.release(y, x)
	d := b.push()
	b.emit(instr{op: op, dst: d, a: x, b: y})
	return d
}

func (b *Builder) unop(op opcode, x int32) int32 {
	b.release(x)
	d := b.push()
	b.emit(instr{op: op, dst: d, a: x})
	return d
}

// chain compiles n-ary op left to right: ((a0 op a1) op a2) ...
func (b *Builder) chain(op opcode, args []*Node, sc *scope, empty float64, f func(x, y float64) float64) (int32, error) {
	if len(args) == 0 {
		return b.constant(empty), nil
	}
	acc, err := b.compile(args[0], sc)
	if err != nil {
		return 0, err
	}
	for _, a := range args[1:] {
		if op == opAdd && a.Op == OpMul && len(a.Args) == 2 && !isConst(acc) {
			// acc + f*g as one multiply-add.
			f, err := b.compile(a.Args[0], sc)
			if err != nil {
				return 0, err
			}
			g, err := b.compile(a.Args[1], sc)
			if err != nil {
				return 0, err
			}
			if !isConst(f) || !isConst(g) {
				b.release(g, f, acc)
				d := b.push()
				b.emit(instr{op: opMulAdd, dst: d, a: f, b: g, c: acc})
				acc = d
				continue
			}
			x := b.constant(b.constVal(f) * b.constVal(g))
			acc = b.binop(op, acc, x)
			continue
		}
		x, err := b.compile(a, sc)
		if err != nil {
			return 0, err
		}
		if isConst(acc) && isConst(x) {
			acc = b.constant(f(b.constVal(acc), b.constVal(x)))
			continue
		}
		acc = b.binop(op, acc, x)
	}
	return acc, nil
}

func (b *Builder) compile(n *Node, sc *scope) (int32, error) {
	if n == nil {
		return 0, fmt.Errorf("nil expression")
	}
	if b.cse != nil && len(n.Args) > 0 {
		return b.compileShared(n)
	}
	return b.compileNode(n, sc)
}

// compileNode compiles one node: leaves directly, operators after checking
// their arity.
func (b *Builder) compileNode(n *Node, sc *scope) (int32, error) {
	switch n.Op {
	case OpNum:
		return b.constant(n.Value), nil
	case OpVar:
		return b.variable(n, sc)
	case OpTime:
		if b.timeSlot < 0 {
			return 0, locErr(n, "time is not available here")
		}
		b.useSlot(int32(b.timeSlot))
		return int32(b.timeSlot), nil
	}
	if err := checkArity(n); err != nil {
		return 0, err
	}
	switch n.Op {
	case OpAdd:
		return b.chain(opAdd, n.Args, sc, 0, func(x, y float64) float64 { return x + y })
	case OpMul:
		return b.chain(opMul, n.Args, sc, 1, func(x, y float64) float64 { return x * y })
	case OpAnd, OpOr, OpXor:
		return b.logical(n, sc)
	case OpNeg:
		return b.unaryNode(opNeg, n.Args[0], sc, func(x float64) float64 { return -x })
	case OpNot:
		return b.unaryNode(opNot, n.Args[0], sc, func(x float64) float64 { return applyOp(OpNot, []float64{x}) })
	case OpSub:
		return b.sub(n, sc)
	case OpDiv:
		return b.binaryNode(opDiv, n.Args, sc, func(x, y float64) float64 { return x / y })
	case OpPow:
		return b.pow(n, sc)
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
		return b.relational(n, sc)
	case OpPiecewise:
		return b.piecewise(n, sc)
	case OpCall:
		return b.call(n, sc)
	}
	return 0, locErr(n, "invalid expression node (op %d)", n.Op)
}

// variable resolves an identifier: first to an argument of the function
// being inlined (sc), borrowing its register, then to an env slot.
func (b *Builder) variable(n *Node, sc *scope) (int32, error) {
	if sc != nil {
		for i, a := range sc.names {
			if a == n.Name {
				o := sc.ops[i]
				if isTemp(o) {
					o |= tagBorrow
				}
				return o, nil
			}
		}
	}
	s, ok := b.slot(n.Name)
	if !ok {
		return 0, locErr(n, "unknown identifier %q", n.Name)
	}
	if s < 0 || int32(s) >= tagConst {
		return 0, locErr(n, "identifier %q: slot %d out of range", n.Name, s)
	}
	b.useSlot(int32(s))
	return int32(s), nil
}

// logical compiles and, or and xor: with one operand, its truth value;
// with more, a left-to-right chain.
func (b *Builder) logical(n *Node, sc *scope) (int32, error) {
	if len(n.Args) == 1 {
		return b.unaryNode(opTruth, n.Args[0], sc, fmath.Truth)
	}
	switch n.Op {
	case OpAnd:
		return b.chain(opAnd, n.Args, sc, 1, func(x, y float64) float64 { return applyOp(OpAnd, []float64{x, y}) })
	case OpOr:
		return b.chain(opOr, n.Args, sc, 0, func(x, y float64) float64 { return applyOp(OpOr, []float64{x, y}) })
	}
	return b.chain(opXor, n.Args, sc, 0, func(x, y float64) float64 { return applyOp(OpXor, []float64{x, y}) })
}

// sub compiles unary minus, x - a*b as one multiply-subtract instruction
// (folded when a and b are constant), and any other difference.
func (b *Builder) sub(n *Node, sc *scope) (int32, error) {
	if len(n.Args) == 1 {
		return b.unaryNode(opNeg, n.Args[0], sc, func(x float64) float64 { return -x })
	}
	m := n.Args[1]
	if m.Op != OpMul || len(m.Args) != 2 {
		return b.binaryNode(opSub, n.Args, sc, func(x, y float64) float64 { return x - y })
	}
	x, err := b.compile(n.Args[0], sc)
	if err != nil {
		return 0, err
	}
	f, err := b.compile(m.Args[0], sc)
	if err != nil {
		return 0, err
	}
	g, err := b.compile(m.Args[1], sc)
	if err != nil {
		return 0, err
	}
	if isConst(f) && isConst(g) {
		y := b.constant(b.constVal(f) * b.constVal(g))
		if isConst(x) {
			return b.constant(b.constVal(x) - b.constVal(y)), nil
		}
		return b.binop(opSub, x, y), nil
	}
	b.release(g, f, x)
	d := b.push()
	b.emit(instr{op: opMulSub, dst: d, a: f, b: g, c: x})
	return d, nil
}

// pow compiles x^2 as a square, x^k for a small integer constant k by
// repeated multiplication, and any other power with math.Pow.
func (b *Builder) pow(n *Node, sc *scope) (int32, error) {
	e := n.Args[1]
	if e.Op == OpNum && e.Value == 2 {
		return b.unaryNode(opSqr, n.Args[0], sc, func(x float64) float64 { return x * x })
	}
	if e.Op != OpNum || !fmath.IsSmallInt(e.Value) {
		return b.binaryNode(opPow, n.Args, sc, math.Pow)
	}
	x, err := b.compile(n.Args[0], sc)
	if err != nil {
		return 0, err
	}
	if isConst(x) {
		return b.constant(math.Pow(b.constVal(x), e.Value)), nil
	}
	b.release(x)
	d := b.push()
	b.emit(instr{op: opPowI, dst: d, a: x, c: int32(e.Value)})
	return d, nil
}

func (b *Builder) unaryNode(op opcode, a *Node, sc *scope, f func(float64) float64) (int32, error) {
	x, err := b.compile(a, sc)
	if err != nil {
		return 0, err
	}
	if isConst(x) {
		return b.constant(f(b.constVal(x))), nil
	}
	return b.unop(op, x), nil
}

func (b *Builder) binaryNode(op opcode, args []*Node, sc *scope, f func(x, y float64) float64) (int32, error) {
	x, err := b.compile(args[0], sc)
	if err != nil {
		return 0, err
	}
	y, err := b.compile(args[1], sc)
	if err != nil {
		return 0, err
	}
	if isConst(x) && isConst(y) {
		return b.constant(f(b.constVal(x), b.constVal(y))), nil
	}
	return b.binop(op, x, y), nil
}

func (b *Builder) relational(n *Node, sc *scope) (int32, error) {
	rop := relOps[n.Op]
	if len(n.Args) < 2 {
		// MathML: a relation over fewer than two operands is true; the
		// operand is still checked.
		ops, err := b.compileArgs(n.Args, sc)
		if err != nil {
			return 0, err
		}
		b.release(ops...)
		return b.constant(1), nil
	}
	if len(n.Args) == 2 {
		return b.binaryNode(rop, n.Args, sc, func(x, y float64) float64 { return relation(n.Op, x, y) })
	}
	ops, err := b.compileArgs(n.Args, sc)
	if err != nil {
		return 0, err
	}
	res := b.push()
	tmp := b.push()
	for i := 0; i+1 < len(ops); i++ {
		d := res
		if i > 0 {
			d = tmp
		}
		b.emit(instr{op: rop, dst: d, a: ops[i], b: ops[i+1]})
		if i > 0 {
			b.emit(instr{op: opAnd, dst: res, a: res, b: tmp})
		}
	}
	b.release(tmp)
	return b.collapse(res, ops), nil
}

func (b *Builder) piecewise(n *Node, sc *scope) (int32, error) {
	ops, err := b.compileArgs(n.Args, sc)
	if err != nil {
		return 0, err
	}
	k := len(ops)
	// Fold when every condition is constant.
	constConds := true
	for i := 1; i < k; i += 2 {
		if !isConst(ops[i]) {
			constConds = false
		}
	}
	if constConds {
		var sel int32 = -1
		for i := 0; i+1 < k; i += 2 {
			if b.constVal(ops[i+1]) != 0 {
				sel = ops[i]
				break
			}
		}
		if sel < 0 {
			if k%2 == 1 {
				sel = ops[k-1]
			} else {
				sel = b.constant(math.NaN())
			}
		}
		if !isTemp(sel) {
			b.release(ops...)
			return sel, nil
		}
		res := b.push()
		b.emit(instr{op: opMov, dst: res, a: sel})
		return b.collapse(res, ops), nil
	}
	// Select from the last pair backwards: res = c ? v : (later choice).
	res := b.push()
	last := k - 1
	var other int32
	if k%2 == 1 {
		other = ops[k-1]
		last = k - 2
	} else {
		other = b.constant(math.NaN())
	}
	for i := last - 1; i >= 0; i -= 2 {
		b.emit(instr{op: opSel, dst: res, a: ops[i], b: other, c: ops[i+1]})
		other = res
	}
	return b.collapse(res, ops), nil
}

// call compiles a call: an inlined user function, or a builtin after
// checking its argument count.
func (b *Builder) call(n *Node, sc *scope) (int32, error) {
	if f, ok := b.funcs[n.Name]; ok {
		return b.inline(n, f, sc)
	}
	bi, ok := builtins[n.Name]
	if !ok {
		return 0, locErr(n, "unknown function %q", n.Name)
	}
	if len(n.Args) < bi.min || bi.max >= 0 && len(n.Args) > bi.max {
		return 0, locErr(n, "function %s: wrong number of arguments (%d)", n.Name, len(n.Args))
	}
	switch n.Name {
	case "delay", "rateOf":
		return 0, locErr(n, "unsupported: %s (rewrite it before compiling)", n.Name)
	case "min":
		return b.chain(opMin, n.Args, sc, 0, math.Min)
	case "max":
		return b.chain(opMax, n.Args, sc, 0, math.Max)
	case "hill":
		return b.hill(n, sc)
	case hillPowerName:
		return b.hillPower(n, sc)
	case hillGivenName:
		return b.hillGiven(n, sc)
	case "shannon", "simpson":
		return b.diversity(n, sc)
	}
	if op, ok := unaryOps[n.Name]; ok {
		return b.unaryNode(op, n.Args[0], sc, bi.f1)
	}
	if op, ok := binaryOps[n.Name]; ok {
		return b.binaryNode(op, n.Args, sc, bi.f2)
	}
	if k, ok := fn1Index[n.Name]; ok {
		return b.call1(n, sc, k, bi.f1)
	}
	return 0, locErr(n, "function %s cannot be compiled", n.Name)
}

// hill compiles hill(x, K, n), with powers by multiplication when n is a
// constant small integer.
func (b *Builder) hill(n *Node, sc *scope) (int32, error) {
	return b.powerCall(n, sc, func(v []float64) float64 { return fmath.Hill(v[0], v[1], v[2]) }, opHillI, opHill)
}

// hillPower compiles K^n exactly as hill(x, K, n) computes it (see
// HillPower).
func (b *Builder) hillPower(n *Node, sc *scope) (int32, error) {
	return b.powerCall(n, sc, func(v []float64) float64 { return fmath.HillPower(v[0], v[1]) }, opPowI, opPowX)
}

// hillGiven compiles hill(x, K, n) given kn = K^n (see HillGiven).
func (b *Builder) hillGiven(n *Node, sc *scope) (int32, error) {
	return b.powerCall(n, sc, func(v []float64) float64 { return fmath.HillGiven(v[0], v[1], v[2]) }, opHillIK, opHillK)
}

// powerCall compiles a call of two or three arguments whose last one is an
// exponent: folded by fold when every argument is constant; opInt, the
// exponent an immediate in c, when it is a constant small integer;
// otherwise opGen with every argument an operand (a, b and, for three, c).
func (b *Builder) powerCall(n *Node, sc *scope, fold func([]float64) float64, opInt, opGen opcode) (int32, error) {
	ops, err := b.compileArgs(n.Args, sc)
	if err != nil {
		return 0, err
	}
	if b.allConst(ops) {
		return b.fold(ops, fold), nil
	}
	b.release(ops...)
	in := instr{op: opGen, dst: b.push(), a: ops[0], b: ops[1]}
	last := ops[len(ops)-1]
	switch {
	case isConst(last) && fmath.IsSmallInt(b.constVal(last)):
		in.op, in.c = opInt, int32(b.constVal(last))
		if len(ops) == 2 {
			in.b = 0
		}
	case len(ops) == 3:
		in.c = last
	}
	b.emit(in)
	return in.dst, nil
}

// diversity compiles shannon and simpson over any number of operands,
// listed in b.nargs.
func (b *Builder) diversity(n *Node, sc *scope) (int32, error) {
	ops, err := b.compileArgs(n.Args, sc)
	if err != nil {
		return 0, err
	}
	if b.allConst(ops) {
		if n.Name == "shannon" {
			return b.fold(ops, fmath.Shannon), nil
		}
		return b.fold(ops, fmath.Simpson), nil
	}
	b.release(ops...)
	d := b.push()
	op := opShan
	if n.Name == "simpson" {
		op = opSimp
	}
	b.emit(instr{op: op, dst: d, a: int32(len(b.nargs)), b: int32(len(ops))})
	b.nargs = append(b.nargs, ops...)
	return d, nil
}

// call1 compiles a one-argument function without its own opcode as a call
// through the table entry k.
func (b *Builder) call1(n *Node, sc *scope, k int32, f func(float64) float64) (int32, error) {
	x, err := b.compile(n.Args[0], sc)
	if err != nil {
		return 0, err
	}
	if isConst(x) {
		return b.constant(f(b.constVal(x))), nil
	}
	b.release(x)
	d := b.push()
	b.emit(instr{op: opCall1, dst: d, a: x, c: k})
	return d, nil
}

func (b *Builder) inline(n *Node, f *Func, sc *scope) (int32, error) {
	if len(f.Args) != len(n.Args) {
		return 0, locErr(n, "function %s takes %d argument%s, got %d", n.Name, len(f.Args), plural(len(f.Args)), len(n.Args))
	}
	if b.depth >= maxCallDepth {
		return 0, locErr(n, "function %s: calls nested more than %d deep (recursive definition?)", n.Name, maxCallDepth)
	}
	ops, err := b.compileArgs(n.Args, sc)
	if err != nil {
		return 0, err
	}
	b.depth++
	res, err := b.compile(f.Body, &scope{names: f.Args, ops: ops})
	b.depth--
	if err != nil {
		return 0, fmt.Errorf("in function %s: %w", n.Name, err)
	}
	if !isTemp(res) {
		b.release(ops...)
		return res, nil
	}
	return b.collapse(res, ops), nil
}
