package expr

import (
	"fmt"
	"math"
	"strings"
	"unsafe"
)

// opcode is one Tape instruction kind.
type opcode uint8

const (
	opMov opcode = iota
	opNeg
	opNot
	opTruth
	opSqr
	opExp
	opLn
	opLog10
	opSqrt
	opAbs
	opFloor
	opCeil
	opSin
	opCos
	opTan
	opAsin
	opAcos
	opAtan
	opSinh
	opCosh
	opTanh
	opAsinh
	opAcosh
	opAtanh
	opPos
	opCall1 // rare unary builtins: fn1[c](a)
	opAdd
	opSub
	opMul
	opDiv
	opPow
	opLt
	opLe
	opGt
	opGe
	opEq
	opNe
	opAnd
	opOr
	opXor
	opMin
	opMax
	opRem
	opQuot
	opLogB
	opRoot
	opMulAdd // dst = a*b + c
	opMulSub // dst = c - a*b
	opHill   // dst = hill(a, b, c)
	opSel    // dst = c != 0 ? a : b
	opShan   // dst = shannon(args[a : a+b])
	opSimp   // dst = simpson(args[a : a+b])
	opPowI   // dst = a^c for a small integer constant c
	opHillI  // dst = a^c / (b + a^c), c a small integer constant, b = K^c

	// Fused pairs of arithmetic instructions (see fuse): the first
	// computes a op1 b, the second combines it with c. The intermediate is
	// rounded to float64 exactly as when stored in a register, so a fused
	// tape computes bit for bit what the unfused one does.
	opFAddAdd  // dst = (a + b) + c
	opFAddSub  // dst = (a + b) - c
	opFAddSubR // dst = c - (a + b)
	opFAddMul  // dst = (a + b) * c
	opFAddDiv  // dst = (a + b) / c
	opFAddDivR // dst = c / (a + b)
	opFSubAdd  // dst = (a - b) + c
	opFSubSub  // dst = (a - b) - c
	opFSubSubR // dst = c - (a - b)
	opFSubMul  // dst = (a - b) * c
	opFSubDiv  // dst = (a - b) / c
	opFSubDivR // dst = c / (a - b)
	opFMulAdd  // dst = (a * b) + c
	opFMulSub  // dst = (a * b) - c
	opFMulSubR // dst = c - (a * b)
	opFMulMul  // dst = (a * b) * c
	opFMulDiv  // dst = (a * b) / c
	opFMulDivR // dst = c / (a * b)
	opFDivAdd  // dst = (a / b) + c
	opFDivSub  // dst = (a / b) - c
	opFDivSubR // dst = c - (a / b)
	opFDivMul  // dst = (a / b) * c
	opFDivDiv  // dst = (a / b) / c
	opFDivDivR // dst = c / (a / b)

	// An arithmetic instruction followed by pos or by a power.
	opFAddPos // dst = pos(a + b)
	opFSubPos // dst = pos(a - b)
	opFMulPos // dst = pos(a * b)
	opFDivPos // dst = pos(a / b)
	opFDivPow // dst = (a / b)^c
	opFAddNeg // dst = -(a + b)
	opFSubNeg // dst = -(a - b)
	opFMulNeg // dst = -(a * b)
	opFDivNeg // dst = -(a / b)

	// A multiply-add or multiply-subtract followed by an arithmetic
	// instruction: t = a*b + c (opG1*) or t = c - a*b (opG2*), then
	// dst = t op d or d op t (R).
	opG1Add
	opG1Sub
	opG1SubR
	opG1Mul
	opG1Div
	opG1DivR
	opG2Add
	opG2Sub
	opG2SubR
	opG2Mul
	opG2Div
	opG2DivR

	// The parts of hill(x, K, n) split by HillPower and HillGiven.
	opPowX   // dst = math.Pow(a, b) (no small-integer fast path: bit for bit the K^n of opHill)
	opHillK  // dst = a^c / (b + a^c) with a^c = math.Pow(a, c), b = K^c precomputed
	opHillIK // dst = a^c / (b + a^c), c a small integer constant, b = K^c precomputed
)

// fusedOp returns the fused opcode for (a op1 b) op2 c, or c op2 (a op1 b)
// when rev; op1, op2 are among opAdd, opSub, opMul, opDiv.
func fusedOp(op1, op2 opcode, rev bool) opcode {
	base := opFAddAdd + 6*(op1-opAdd)
	switch op2 {
	case opAdd:
		return base
	case opSub:
		if rev {
			return base + 2
		}
		return base + 1
	case opMul:
		return base + 3
	}
	if rev {
		return base + 5
	}
	return base + 4
}

// fn1 holds the rare unary builtins called through opCall1.
var fn1 = [...]func(float64) float64{sec, csc, cot, sech, csch, coth, arcsec, arccsc, arccot, arcsech, arccsch, arccoth, factorial}

var fn1Index = map[string]int32{
	"sec": 0, "csc": 1, "cot": 2, "sech": 3, "csch": 4, "coth": 5, "arcsec": 6, "arccsc": 7,
	"arccot": 8, "arcsech": 9, "arccsch": 10, "arccoth": 11, "factorial": 12,
}

var unaryOps = map[string]opcode{
	"exp": opExp, "ln": opLn, "log10": opLog10, "sqrt": opSqrt, "abs": opAbs, "floor": opFloor,
	"ceil": opCeil, "sin": opSin, "cos": opCos, "tan": opTan, "asin": opAsin, "acos": opAcos,
	"atan": opAtan, "sinh": opSinh, "cosh": opCosh, "tanh": opTanh, "asinh": opAsinh,
	"acosh": opAcosh, "atanh": opAtanh, "pos": opPos,
}

var binaryOps = map[string]opcode{
	"min": opMin, "max": opMax, "rem": opRem, "quotient": opQuot, "log": opLogB, "root": opRoot,
}

var relOps = map[Op]opcode{OpLt: opLt, OpLe: opLe, OpGt: opGt, OpGe: opGe, OpEq: opEq, OpNe: opNe}

type instr struct {
	op        opcode
	dst, a, b int32
	c, d      int32
}

// Operand encoding while building: env slots are >= 0 and < tagConst;
// constants and temporaries carry a tag and are relocated by Build.
// A temporary bound to a user-function argument is "borrowed" inside the
// function body: it belongs to the caller's frame and is never released by
// the body's code.
// Registers holding common sub-expressions (tagCSE) keep their value for
// the rest of the run.
const (
	tagCSE    int32 = 1 << 26
	tagBorrow int32 = 1 << 27
	tagConst  int32 = 1 << 28
	tagTemp   int32 = 1 << 29
	tagMask         = tagConst | tagTemp | tagBorrow | tagCSE
)

func isTemp(o int32) bool  { return o&tagTemp != 0 }
func isCSE(o int32) bool   { return o&tagCSE != 0 }
func isConst(o int32) bool { return o&tagConst != 0 }

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

func (b *Builder) compileNode(n *Node, sc *scope) (int32, error) {
	switch n.Op {
	case OpNum:
		return b.constant(n.Value), nil
	case OpVar:
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
	case OpAnd:
		if len(n.Args) == 1 {
			return b.unaryNode(opTruth, n.Args[0], sc, truth)
		}
		return b.chain(opAnd, n.Args, sc, 1, func(x, y float64) float64 { return applyOp(OpAnd, []float64{x, y}) })
	case OpOr:
		if len(n.Args) == 1 {
			return b.unaryNode(opTruth, n.Args[0], sc, truth)
		}
		return b.chain(opOr, n.Args, sc, 0, func(x, y float64) float64 { return applyOp(OpOr, []float64{x, y}) })
	case OpXor:
		if len(n.Args) == 1 {
			return b.unaryNode(opTruth, n.Args[0], sc, truth)
		}
		return b.chain(opXor, n.Args, sc, 0, func(x, y float64) float64 { return applyOp(OpXor, []float64{x, y}) })
	case OpNeg:
		return b.unaryNode(opNeg, n.Args[0], sc, func(x float64) float64 { return -x })
	case OpNot:
		return b.unaryNode(opNot, n.Args[0], sc, func(x float64) float64 { return applyOp(OpNot, []float64{x}) })
	case OpSub:
		if len(n.Args) == 1 {
			return b.unaryNode(opNeg, n.Args[0], sc, func(x float64) float64 { return -x })
		}
		if m := n.Args[1]; m.Op == OpMul && len(m.Args) == 2 {
			// x - a*b as one instruction.
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
		return b.binaryNode(opSub, n.Args, sc, func(x, y float64) float64 { return x - y })
	case OpDiv:
		return b.binaryNode(opDiv, n.Args, sc, func(x, y float64) float64 { return x / y })
	case OpPow:
		if e := n.Args[1]; e.Op == OpNum && e.Value == 2 {
			return b.unaryNode(opSqr, n.Args[0], sc, func(x float64) float64 { return x * x })
		}
		if e := n.Args[1]; e.Op == OpNum && isSmallInt(e.Value) {
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
		return b.binaryNode(opPow, n.Args, sc, math.Pow)
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
		return b.relational(n, sc)
	case OpPiecewise:
		return b.piecewise(n, sc)
	case OpCall:
		return b.call(n, sc)
	}
	return 0, locErr(n, "invalid expression node (op %d)", n.Op)
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
		ops, err := b.compileArgs(n.Args, sc)
		if err != nil {
			return 0, err
		}
		if b.allConst(ops) {
			return b.fold(ops, func(v []float64) float64 { return hill(v[0], v[1], v[2]) }), nil
		}
		if isConst(ops[2]) && isSmallInt(b.constVal(ops[2])) {
			// Constant small integer Hill coefficient: powers by
			// multiplication.
			b.release(ops...)
			d := b.push()
			b.emit(instr{op: opHillI, dst: d, a: ops[0], b: ops[1], c: int32(b.constVal(ops[2]))})
			return d, nil
		}
		b.release(ops...)
		d := b.push()
		b.emit(instr{op: opHill, dst: d, a: ops[0], b: ops[1], c: ops[2]})
		return d, nil
	case hillPowerName:
		// K^n exactly as hill(x, K, n) computes it (see HillPower)
		ops, err := b.compileArgs(n.Args, sc)
		if err != nil {
			return 0, err
		}
		if b.allConst(ops) {
			return b.fold(ops, func(v []float64) float64 { return hillPower(v[0], v[1]) }), nil
		}
		b.release(ops...)
		d := b.push()
		if isConst(ops[1]) && isSmallInt(b.constVal(ops[1])) {
			b.emit(instr{op: opPowI, dst: d, a: ops[0], c: int32(b.constVal(ops[1]))})
			return d, nil
		}
		b.emit(instr{op: opPowX, dst: d, a: ops[0], b: ops[1]})
		return d, nil
	case hillGivenName:
		// hill(x, K, n) given kn = K^n (see HillGiven)
		ops, err := b.compileArgs(n.Args, sc)
		if err != nil {
			return 0, err
		}
		if b.allConst(ops) {
			return b.fold(ops, func(v []float64) float64 { return hillGiven(v[0], v[1], v[2]) }), nil
		}
		b.release(ops...)
		d := b.push()
		if isConst(ops[2]) && isSmallInt(b.constVal(ops[2])) {
			b.emit(instr{op: opHillIK, dst: d, a: ops[0], b: ops[1], c: int32(b.constVal(ops[2]))})
			return d, nil
		}
		b.emit(instr{op: opHillK, dst: d, a: ops[0], b: ops[1], c: ops[2]})
		return d, nil
	case "shannon", "simpson":
		ops, err := b.compileArgs(n.Args, sc)
		if err != nil {
			return 0, err
		}
		if b.allConst(ops) {
			if n.Name == "shannon" {
				return b.fold(ops, shannon), nil
			}
			return b.fold(ops, simpson), nil
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
	if op, ok := unaryOps[n.Name]; ok {
		return b.unaryNode(op, n.Args[0], sc, bi.f1)
	}
	if op, ok := binaryOps[n.Name]; ok {
		return b.binaryNode(op, n.Args, sc, bi.f2)
	}
	if k, ok := fn1Index[n.Name]; ok {
		x, err := b.compile(n.Args[0], sc)
		if err != nil {
			return 0, err
		}
		if isConst(x) {
			return b.constant(bi.f1(b.constVal(x))), nil
		}
		b.release(x)
		d := b.push()
		b.emit(instr{op: opCall1, dst: d, a: x, c: k})
		return d, nil
	}
	return 0, locErr(n, "function %s cannot be compiled", n.Name)
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

// numOperands returns how many of a, b, c are register operands.
func numOperands(op opcode) int {
	switch {
	case op >= opG1Add && op <= opG2DivR:
		return 4
	case op == opHill || op == opHillK || op == opSel || op == opMulAdd || op == opMulSub ||
		op >= opFAddAdd && op <= opFDivDivR || op == opFDivPow:
		return 3
	case op >= opFAddPos && op <= opFDivPos || op >= opFAddNeg && op <= opFDivNeg:
		return 2
	case op == opHillI || op == opHillIK || op == opPowX || op >= opAdd && op <= opRoot:
		return 2
	case op == opShan || op == opSimp:
		return 0
	}
	return 1
}

// transfer moves a set of env slots between env and the registers as runs
// of consecutive slots.
type transfer struct {
	runs []int32 // [lo, hi) pairs
}

// newTransfer returns the runs covering the used slots, joining runs
// separated by at most gap unused slots.
func newTransfer(used []bool, gap int) transfer {
	var tr transfer
	for i := 0; i < len(used); {
		if !used[i] {
			i++
			continue
		}
		lo, hi := i, i+1
		for j := hi; j < len(used) && j <= hi+gap; j++ {
			if used[j] {
				hi = j + 1
			}
		}
		tr.runs = append(tr.runs, int32(lo), int32(hi))
		i = hi
	}
	return tr
}

func (tr *transfer) copy(dst, src []float64) {
	runs := tr.runs
	for k := 0; k+1 < len(runs); k += 2 {
		lo, hi := int(runs[k]), int(runs[k+1])
		if hi-lo <= 4 {
			for i := lo; i < hi; i++ {
				dst[i] = src[i]
			}
			continue
		}
		copy(dst[lo:hi], src[lo:hi])
	}
}

// Tape is compiled code for a sequence of assignments over an env slice.
// Run does not allocate. A Tape holds scratch registers: use Clone to run the
// same code in several goroutines.
type Tape struct {
	code    []instr
	args    []int32
	reg     []float64 // [0:nenv) env copy, [base:) constants, then temporaries
	nenv    int
	base    int  // first scratch register (nenv unless built in place)
	inPlace bool // built by BuildInPlace
	nconst  int
	ntemp   int
	in      transfer // env slots read
	out     transfer // env slots written
}

// Len returns the number of env slots Run reads or writes (the highest slot
// used plus one); env passed to Run must be at least this long.
func (t *Tape) Len() int { return t.nenv }

// NumInstr returns the number of instructions.
func (t *Tape) NumInstr() int { return len(t.code) }

// opNames are the mnemonics used by Tape.String.
var opNames = [...]string{
	opMov: "mov", opNeg: "neg", opNot: "not", opTruth: "truth", opSqr: "sqr", opExp: "exp", opLn: "ln",
	opLog10: "log10", opSqrt: "sqrt", opAbs: "abs", opFloor: "floor", opCeil: "ceil", opSin: "sin",
	opCos: "cos", opTan: "tan", opAsin: "asin", opAcos: "acos", opAtan: "atan", opSinh: "sinh",
	opCosh: "cosh", opTanh: "tanh", opAsinh: "asinh", opAcosh: "acosh", opAtanh: "atanh", opPos: "pos",
	opCall1: "call1", opAdd: "add", opSub: "sub", opMul: "mul", opDiv: "div", opPow: "pow", opLt: "lt",
	opLe: "le", opGt: "gt", opGe: "ge", opEq: "eq", opNe: "ne", opAnd: "and", opOr: "or", opXor: "xor",
	opMin: "min", opMax: "max", opRem: "rem", opQuot: "quot", opLogB: "logb", opRoot: "root",
	opMulAdd: "muladd", opMulSub: "mulsub", opHill: "hill", opSel: "sel", opShan: "shannon", opSimp: "simpson",
	opPowI: "powi", opHillI: "hilli", opPowX: "powx", opHillK: "hillk", opHillIK: "hillik",
	opFAddAdd: "add.add", opFAddSub: "add.sub", opFAddSubR: "add.subr", opFAddMul: "add.mul", opFAddDiv: "add.div", opFAddDivR: "add.divr", opFSubAdd: "sub.add", opFSubSub: "sub.sub", opFSubSubR: "sub.subr", opFSubMul: "sub.mul", opFSubDiv: "sub.div", opFSubDivR: "sub.divr", opFMulAdd: "mul.add", opFMulSub: "mul.sub", opFMulSubR: "mul.subr", opFMulMul: "mul.mul", opFMulDiv: "mul.div", opFMulDivR: "mul.divr", opFDivAdd: "div.add", opFDivSub: "div.sub", opFDivSubR: "div.subr", opFDivMul: "div.mul", opFDivDiv: "div.div", opFDivDivR: "div.divr", opFAddPos: "add.pos", opFSubPos: "sub.pos", opFMulPos: "mul.pos", opFDivPos: "div.pos", opFDivPow: "div.pow", opFAddNeg: "add.neg", opFSubNeg: "sub.neg", opFMulNeg: "mul.neg", opFDivNeg: "div.neg", opG1Add: "muladd.add", opG1Sub: "muladd.sub", opG1SubR: "muladd.subr", opG1Mul: "muladd.mul", opG1Div: "muladd.div", opG1DivR: "muladd.divr", opG2Add: "mulsub.add", opG2Sub: "mulsub.sub", opG2SubR: "mulsub.subr", opG2Mul: "mulsub.mul", opG2Div: "mulsub.div", opG2DivR: "mulsub.divr",
}

// String lists the instructions, one per line, with registers written as
// e<slot> (env), k<i>=value (constants) and t<i> (temporaries); for
// debugging and tests.
func (t *Tape) String() string {
	var sb strings.Builder
	for _, in := range t.code {
		fmt.Fprintf(&sb, "%-8s %s", opNames[in.op], t.regName(in.dst))
		switch in.op {
		case opShan, opSimp:
			for _, a := range t.args[in.a : in.a+in.b] {
				fmt.Fprintf(&sb, " %s", t.regName(a))
			}
		case opCall1, opPowI:
			fmt.Fprintf(&sb, " %s #%d", t.regName(in.a), in.c)
		case opHillI, opHillIK:
			fmt.Fprintf(&sb, " %s %s #%d", t.regName(in.a), t.regName(in.b), in.c)
		default:
			ops := [...]int32{in.a, in.b, in.c, in.d}
			for _, o := range ops[:numOperands(in.op)] {
				fmt.Fprintf(&sb, " %s", t.regName(o))
			}
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

func (t *Tape) regName(o int32) string {
	if int(o) < t.base {
		return fmt.Sprintf("e%d", o)
	}
	if t.isConstReg(o) {
		return fmt.Sprintf("k=%g", t.reg[o])
	}
	if i := int(o) - t.base - t.nconst; i < t.ntemp {
		return fmt.Sprintf("t%d", i)
	}
	return fmt.Sprintf("c%d", int(o)-t.base-t.nconst-t.ntemp)
}

func (t *Tape) isConstReg(o int32) bool { return int(o) >= t.base && int(o) < t.base+t.nconst }

// Scratch returns the number of scratch registers (constants, temporaries,
// common sub-expressions). A Tape built by BuildInPlace(base) keeps them in
// env[base : base+Scratch()] of the slice passed to RunInPlace.
func (t *Tape) Scratch() int { return len(t.reg) - t.base }

// Bind writes the tape's constants into env[base : base+Scratch()], the
// scratch registers of a Tape built by BuildInPlace(base), so that
// RunInPlace can run on env. Call it once for each slice (a copy of a bound
// slice is bound). It panics if the tape was not built in place or env is
// shorter than base+Scratch().
func (t *Tape) Bind(env []float64) {
	if !t.inPlace {
		panic("expr: Tape.Bind: tape not built by BuildInPlace")
	}
	if len(env) < len(t.reg) {
		panic(fmt.Sprintf("expr: Tape.Bind: env has %d slots, tape needs %d", len(env), len(t.reg)))
	}
	copy(env[t.base:len(t.reg)], t.reg[t.base:])
}

// Clone returns a Tape sharing the code with fresh scratch registers.
func (t *Tape) Clone() *Tape {
	c := *t
	c.reg = append([]float64(nil), t.reg...)
	return &c
}

// Run evaluates all assignments in order, reading and writing env. It
// panics if len(env) < t.Len().
func (t *Tape) Run(env []float64) {
	if len(env) < t.nenv {
		panic(fmt.Sprintf("expr: Tape.Run: env has %d slots, tape needs %d", len(env), t.nenv))
	}
	r := t.reg
	t.in.copy(r, env)
	t.exec(r)
	t.out.copy(env, r)
}

// RunInPlace evaluates all assignments in order with env itself as the
// register file: env slots are read and written directly (no copy in or
// out) and the scratch registers are env[base : base+Scratch()], which
// Bind must have initialised. The results equal those of Run bit for bit.
// It panics unless the tape was built by BuildInPlace and env holds at
// least base+Scratch() slots.
func (t *Tape) RunInPlace(env []float64) {
	if !t.inPlace {
		panic("expr: Tape.RunInPlace: tape not built by BuildInPlace")
	}
	if len(env) < len(t.reg) {
		panic(fmt.Sprintf("expr: Tape.RunInPlace: env has %d slots, tape needs %d", len(env), len(t.reg)))
	}
	t.exec(env)
}

// exec runs the code on the register file r, which is at least len(t.reg)
// long.
func (t *Tape) exec(r []float64) {
	code := t.code
	// Build checked that every register operand is within len(t.reg) <=
	// len(r).
	rp := unsafe.Pointer(unsafe.SliceData(r))
	for i := range code {
		in := &code[i]
		switch in.op {
		case opMov:
			st(rp, in.dst, ld(rp, in.a))
		case opNeg:
			st(rp, in.dst, -ld(rp, in.a))
		case opNot:
			if ld(rp, in.a) == 0 {
				st(rp, in.dst, 1)
			} else {
				st(rp, in.dst, 0)
			}
		case opTruth:
			if ld(rp, in.a) != 0 {
				st(rp, in.dst, 1)
			} else {
				st(rp, in.dst, 0)
			}
		case opSqr:
			x := ld(rp, in.a)
			st(rp, in.dst, x*x)
		case opExp:
			st(rp, in.dst, math.Exp(ld(rp, in.a)))
		case opLn:
			st(rp, in.dst, math.Log(ld(rp, in.a)))
		case opLog10:
			st(rp, in.dst, math.Log10(ld(rp, in.a)))
		case opSqrt:
			st(rp, in.dst, math.Sqrt(ld(rp, in.a)))
		case opAbs:
			st(rp, in.dst, math.Abs(ld(rp, in.a)))
		case opFloor:
			st(rp, in.dst, math.Floor(ld(rp, in.a)))
		case opCeil:
			st(rp, in.dst, math.Ceil(ld(rp, in.a)))
		case opSin:
			st(rp, in.dst, math.Sin(ld(rp, in.a)))
		case opCos:
			st(rp, in.dst, math.Cos(ld(rp, in.a)))
		case opTan:
			st(rp, in.dst, math.Tan(ld(rp, in.a)))
		case opAsin:
			st(rp, in.dst, math.Asin(ld(rp, in.a)))
		case opAcos:
			st(rp, in.dst, math.Acos(ld(rp, in.a)))
		case opAtan:
			st(rp, in.dst, math.Atan(ld(rp, in.a)))
		case opSinh:
			st(rp, in.dst, math.Sinh(ld(rp, in.a)))
		case opCosh:
			st(rp, in.dst, math.Cosh(ld(rp, in.a)))
		case opTanh:
			st(rp, in.dst, math.Tanh(ld(rp, in.a)))
		case opAsinh:
			st(rp, in.dst, math.Asinh(ld(rp, in.a)))
		case opAcosh:
			st(rp, in.dst, math.Acosh(ld(rp, in.a)))
		case opAtanh:
			st(rp, in.dst, math.Atanh(ld(rp, in.a)))
		case opPos:
			st(rp, in.dst, posPart(ld(rp, in.a)))
		case opCall1:
			st(rp, in.dst, fn1[in.c](ld(rp, in.a)))
		case opAdd:
			st(rp, in.dst, ld(rp, in.a)+ld(rp, in.b))
		case opSub:
			st(rp, in.dst, ld(rp, in.a)-ld(rp, in.b))
		case opMul:
			st(rp, in.dst, ld(rp, in.a)*ld(rp, in.b))
		case opDiv:
			st(rp, in.dst, ld(rp, in.a)/ld(rp, in.b))
		case opPow:
			st(rp, in.dst, fastPow(ld(rp, in.a), ld(rp, in.b)))
		case opLt:
			st(rp, in.dst, b2f(ld(rp, in.a) < ld(rp, in.b)))
		case opLe:
			st(rp, in.dst, b2f(ld(rp, in.a) <= ld(rp, in.b)))
		case opGt:
			st(rp, in.dst, b2f(ld(rp, in.a) > ld(rp, in.b)))
		case opGe:
			st(rp, in.dst, b2f(ld(rp, in.a) >= ld(rp, in.b)))
		case opEq:
			st(rp, in.dst, b2f(ld(rp, in.a) == ld(rp, in.b)))
		case opNe:
			st(rp, in.dst, b2f(ld(rp, in.a) != ld(rp, in.b)))
		case opAnd:
			st(rp, in.dst, b2f(ld(rp, in.a) != 0 && ld(rp, in.b) != 0))
		case opOr:
			st(rp, in.dst, b2f(ld(rp, in.a) != 0 || ld(rp, in.b) != 0))
		case opXor:
			st(rp, in.dst, b2f((ld(rp, in.a) != 0) != (ld(rp, in.b) != 0)))
		case opMin:
			st(rp, in.dst, fmin(ld(rp, in.a), ld(rp, in.b)))
		case opMax:
			st(rp, in.dst, fmax(ld(rp, in.a), ld(rp, in.b)))
		case opRem:
			st(rp, in.dst, math.Mod(ld(rp, in.a), ld(rp, in.b)))
		case opQuot:
			st(rp, in.dst, math.Trunc(ld(rp, in.a)/ld(rp, in.b)))
		case opLogB:
			st(rp, in.dst, logBase(ld(rp, in.a), ld(rp, in.b)))
		case opRoot:
			st(rp, in.dst, rootN(ld(rp, in.a), ld(rp, in.b)))
		case opHill:
			st(rp, in.dst, hill(ld(rp, in.a), ld(rp, in.b), ld(rp, in.c)))
		case opMulAdd:
			st(rp, in.dst, float64(ld(rp, in.a)*ld(rp, in.b))+ld(rp, in.c))
		case opMulSub:
			st(rp, in.dst, ld(rp, in.c)-float64(ld(rp, in.a)*ld(rp, in.b)))
		case opSel:
			if ld(rp, in.c) != 0 {
				st(rp, in.dst, ld(rp, in.a))
			} else {
				st(rp, in.dst, ld(rp, in.b))
			}
		case opPowI:
			st(rp, in.dst, powi(ld(rp, in.a), in.c))
		case opHillI:
			// The usual coefficients 2 and 4 without the powi loop (the
			// same products as powi forms).
			x, k := ld(rp, in.a), ld(rp, in.b)
			var xn, kn float64
			switch in.c {
			case 2:
				xn, kn = x*x, k*k
			case 4:
				x2, k2 := x*x, k*k
				xn, kn = x2*x2, k2*k2
			default:
				xn, kn = powi(x, in.c), powi(k, in.c)
			}
			st(rp, in.dst, xn/(kn+xn))
		case opPowX:
			st(rp, in.dst, math.Pow(ld(rp, in.a), ld(rp, in.b)))
		case opHillK:
			xn := math.Pow(ld(rp, in.a), ld(rp, in.c))
			st(rp, in.dst, xn/(ld(rp, in.b)+xn))
		case opHillIK:
			// as opHillI, with K^c read from b
			x := ld(rp, in.a)
			var xn float64
			switch in.c {
			case 2:
				xn = x * x
			case 4:
				x2 := x * x
				xn = x2 * x2
			default:
				xn = powi(x, in.c)
			}
			st(rp, in.dst, xn/(ld(rp, in.b)+xn))
		case opFAddAdd:
			st(rp, in.dst, float64(ld(rp, in.a)+ld(rp, in.b))+ld(rp, in.c))
		case opFAddSub:
			st(rp, in.dst, float64(ld(rp, in.a)+ld(rp, in.b))-ld(rp, in.c))
		case opFAddSubR:
			st(rp, in.dst, ld(rp, in.c)-float64(ld(rp, in.a)+ld(rp, in.b)))
		case opFAddMul:
			st(rp, in.dst, float64(ld(rp, in.a)+ld(rp, in.b))*ld(rp, in.c))
		case opFAddDiv:
			st(rp, in.dst, float64(ld(rp, in.a)+ld(rp, in.b))/ld(rp, in.c))
		case opFAddDivR:
			st(rp, in.dst, ld(rp, in.c)/float64(ld(rp, in.a)+ld(rp, in.b)))
		case opFSubAdd:
			st(rp, in.dst, float64(ld(rp, in.a)-ld(rp, in.b))+ld(rp, in.c))
		case opFSubSub:
			st(rp, in.dst, float64(ld(rp, in.a)-ld(rp, in.b))-ld(rp, in.c))
		case opFSubSubR:
			st(rp, in.dst, ld(rp, in.c)-float64(ld(rp, in.a)-ld(rp, in.b)))
		case opFSubMul:
			st(rp, in.dst, float64(ld(rp, in.a)-ld(rp, in.b))*ld(rp, in.c))
		case opFSubDiv:
			st(rp, in.dst, float64(ld(rp, in.a)-ld(rp, in.b))/ld(rp, in.c))
		case opFSubDivR:
			st(rp, in.dst, ld(rp, in.c)/float64(ld(rp, in.a)-ld(rp, in.b)))
		case opFMulAdd:
			st(rp, in.dst, float64(ld(rp, in.a)*ld(rp, in.b))+ld(rp, in.c))
		case opFMulSub:
			st(rp, in.dst, float64(ld(rp, in.a)*ld(rp, in.b))-ld(rp, in.c))
		case opFMulSubR:
			st(rp, in.dst, ld(rp, in.c)-float64(ld(rp, in.a)*ld(rp, in.b)))
		case opFMulMul:
			st(rp, in.dst, float64(ld(rp, in.a)*ld(rp, in.b))*ld(rp, in.c))
		case opFMulDiv:
			st(rp, in.dst, float64(ld(rp, in.a)*ld(rp, in.b))/ld(rp, in.c))
		case opFMulDivR:
			st(rp, in.dst, ld(rp, in.c)/float64(ld(rp, in.a)*ld(rp, in.b)))
		case opFDivAdd:
			st(rp, in.dst, float64(ld(rp, in.a)/ld(rp, in.b))+ld(rp, in.c))
		case opFDivSub:
			st(rp, in.dst, float64(ld(rp, in.a)/ld(rp, in.b))-ld(rp, in.c))
		case opFDivSubR:
			st(rp, in.dst, ld(rp, in.c)-float64(ld(rp, in.a)/ld(rp, in.b)))
		case opFDivMul:
			st(rp, in.dst, float64(ld(rp, in.a)/ld(rp, in.b))*ld(rp, in.c))
		case opFDivDiv:
			st(rp, in.dst, float64(ld(rp, in.a)/ld(rp, in.b))/ld(rp, in.c))
		case opFDivDivR:
			st(rp, in.dst, ld(rp, in.c)/float64(ld(rp, in.a)/ld(rp, in.b)))
		case opFAddPos:
			st(rp, in.dst, posPart(ld(rp, in.a)+ld(rp, in.b)))
		case opFSubPos:
			st(rp, in.dst, posPart(ld(rp, in.a)-ld(rp, in.b)))
		case opFMulPos:
			st(rp, in.dst, posPart(ld(rp, in.a)*ld(rp, in.b)))
		case opFDivPos:
			st(rp, in.dst, posPart(ld(rp, in.a)/ld(rp, in.b)))
		case opG1Add:
			t := float64(float64(ld(rp, in.a)*ld(rp, in.b)) + ld(rp, in.c))
			st(rp, in.dst, t+ld(rp, in.d))
		case opG1Sub:
			t := float64(float64(ld(rp, in.a)*ld(rp, in.b)) + ld(rp, in.c))
			st(rp, in.dst, t-ld(rp, in.d))
		case opG1SubR:
			t := float64(float64(ld(rp, in.a)*ld(rp, in.b)) + ld(rp, in.c))
			st(rp, in.dst, ld(rp, in.d)-t)
		case opG1Mul:
			t := float64(float64(ld(rp, in.a)*ld(rp, in.b)) + ld(rp, in.c))
			st(rp, in.dst, t*ld(rp, in.d))
		case opG1Div:
			t := float64(float64(ld(rp, in.a)*ld(rp, in.b)) + ld(rp, in.c))
			st(rp, in.dst, t/ld(rp, in.d))
		case opG1DivR:
			t := float64(float64(ld(rp, in.a)*ld(rp, in.b)) + ld(rp, in.c))
			st(rp, in.dst, ld(rp, in.d)/t)
		case opG2Add:
			t := float64(ld(rp, in.c) - float64(ld(rp, in.a)*ld(rp, in.b)))
			st(rp, in.dst, t+ld(rp, in.d))
		case opG2Sub:
			t := float64(ld(rp, in.c) - float64(ld(rp, in.a)*ld(rp, in.b)))
			st(rp, in.dst, t-ld(rp, in.d))
		case opG2SubR:
			t := float64(ld(rp, in.c) - float64(ld(rp, in.a)*ld(rp, in.b)))
			st(rp, in.dst, ld(rp, in.d)-t)
		case opG2Mul:
			t := float64(ld(rp, in.c) - float64(ld(rp, in.a)*ld(rp, in.b)))
			st(rp, in.dst, t*ld(rp, in.d))
		case opG2Div:
			t := float64(ld(rp, in.c) - float64(ld(rp, in.a)*ld(rp, in.b)))
			st(rp, in.dst, t/ld(rp, in.d))
		case opG2DivR:
			t := float64(ld(rp, in.c) - float64(ld(rp, in.a)*ld(rp, in.b)))
			st(rp, in.dst, ld(rp, in.d)/t)
		case opFAddNeg:
			st(rp, in.dst, -(ld(rp, in.a) + ld(rp, in.b)))
		case opFSubNeg:
			st(rp, in.dst, -(ld(rp, in.a) - ld(rp, in.b)))
		case opFMulNeg:
			st(rp, in.dst, -(ld(rp, in.a) * ld(rp, in.b)))
		case opFDivNeg:
			st(rp, in.dst, -(ld(rp, in.a) / ld(rp, in.b)))
		case opFDivPow:
			st(rp, in.dst, fastPow(ld(rp, in.a)/ld(rp, in.b), ld(rp, in.c)))
		case opShan:
			st(rp, in.dst, shannonIdx(r, t.args[in.a:in.a+in.b]))
		case opSimp:
			st(rp, in.dst, simpsonIdx(r, t.args[in.a:in.a+in.b]))
		}
	}
}

// isSmallInt reports whether v is an integer exponent that powi handles.
func isSmallInt(v float64) bool { return v == math.Trunc(v) && v >= -16 && v <= 16 && v != 0 }

// powi returns x^n for a small non-zero integer n by repeated squaring. It
// agrees with math.Pow to a few ulp.
func powi(x float64, n int32) float64 {
	neg := n < 0
	if neg {
		n = -n
	}
	r := 1.0
	for {
		if n&1 != 0 {
			r *= x
		}
		n >>= 1
		if n == 0 {
			break
		}
		x *= x
	}
	if neg {
		return 1 / r
	}
	return r
}

// checkOperands panics unless every register that the code reads or
// writes lies within the register file: Run relies on it to skip bounds
// checks. A failure is a bug in Build, not bad user input.
func (t *Tape) checkOperands() {
	n := int32(len(t.reg))
	ok := func(o int32) {
		if o < 0 || o >= n {
			panic(fmt.Sprintf("expr: internal error: register %d outside the %d registers", o, n))
		}
	}
	for i := range t.code {
		in := &t.code[i]
		ok(in.dst)
		if in.op == opShan || in.op == opSimp {
			continue // Run indexes args and registers with bounds checks
		}
		ops := [...]int32{in.a, in.b, in.c, in.d}
		for _, o := range ops[:numOperands(in.op)] {
			ok(o)
		}
	}
}

// ld and st access register o without a bounds check: Build verifies that
// every register operand of the code lies within the register file (see
// checkOperands), and the register file never shrinks.
func ld(rp unsafe.Pointer, o int32) float64 { return *(*float64)(unsafe.Add(rp, uintptr(o)*8)) }

func st(rp unsafe.Pointer, o int32, v float64) { *(*float64)(unsafe.Add(rp, uintptr(o)*8)) = v }

func b2f(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

func shannonIdx(r []float64, idx []int32) float64 {
	var s float64
	for _, i := range idx {
		s += r[i]
	}
	if s == 0 {
		return 0
	}
	var h float64
	for _, i := range idx {
		if v := r[i]; v != 0 {
			p := v / s
			h -= p * math.Log(p)
		}
	}
	return h
}

func simpsonIdx(r []float64, idx []int32) float64 {
	var s float64
	for _, i := range idx {
		s += r[i]
	}
	if s == 0 {
		return 0
	}
	var d float64
	for _, i := range idx {
		p := r[i] / s
		d += p * p
	}
	return 1 - d
}

// fastPow is x^e for the interpreter's pow instructions. Exponents that are
// parameters (n in (x/K)^n) are usually small integers: repeated squaring is
// ~10x faster than math.Pow and agrees with it to a few ulp; square and
// fourth roots use math.Sqrt.
func fastPow(x, e float64) float64 {
	switch {
	case e == float64(int32(e)) && e >= -16 && e <= 16 && e != 0:
		return powi(x, int32(e))
	case e == 0.5 && x > 0 && x < math.Inf(1):
		return math.Sqrt(x)
	case e == 0.25 && x > 0 && x < math.Inf(1):
		return math.Sqrt(math.Sqrt(x))
	}
	return math.Pow(x, e)
}
