package expr

import (
	"fmt"
	"math"
	"strings"
	"unsafe"

	"github.com/holobiont/holobiont/internal/fmath"
)

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
//
// It is one long function on purpose (about 250 lines): it is the
// interpreter's dispatch loop, one case per opcode, run for every
// instruction of every right-hand-side evaluation; a call per opcode group
// would cost more than most of the cases do.
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
			st(rp, in.dst, fmath.Exp(ld(rp, in.a)))
		case opLn:
			st(rp, in.dst, fmath.Log(ld(rp, in.a)))
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
			st(rp, in.dst, fmath.Pos(ld(rp, in.a)))
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
			st(rp, in.dst, fmath.FastPow(ld(rp, in.a), ld(rp, in.b)))
		case opLt:
			st(rp, in.dst, fmath.B2F(ld(rp, in.a) < ld(rp, in.b)))
		case opLe:
			st(rp, in.dst, fmath.B2F(ld(rp, in.a) <= ld(rp, in.b)))
		case opGt:
			st(rp, in.dst, fmath.B2F(ld(rp, in.a) > ld(rp, in.b)))
		case opGe:
			st(rp, in.dst, fmath.B2F(ld(rp, in.a) >= ld(rp, in.b)))
		case opEq:
			st(rp, in.dst, fmath.B2F(ld(rp, in.a) == ld(rp, in.b)))
		case opNe:
			st(rp, in.dst, fmath.B2F(ld(rp, in.a) != ld(rp, in.b)))
		case opAnd:
			st(rp, in.dst, fmath.B2F(ld(rp, in.a) != 0 && ld(rp, in.b) != 0))
		case opOr:
			st(rp, in.dst, fmath.B2F(ld(rp, in.a) != 0 || ld(rp, in.b) != 0))
		case opXor:
			st(rp, in.dst, fmath.B2F((ld(rp, in.a) != 0) != (ld(rp, in.b) != 0)))
		case opMin:
			st(rp, in.dst, fmath.Min(ld(rp, in.a), ld(rp, in.b)))
		case opMax:
			st(rp, in.dst, fmath.Max(ld(rp, in.a), ld(rp, in.b)))
		case opRem:
			st(rp, in.dst, math.Mod(ld(rp, in.a), ld(rp, in.b)))
		case opQuot:
			st(rp, in.dst, math.Trunc(ld(rp, in.a)/ld(rp, in.b)))
		case opLogB:
			st(rp, in.dst, fmath.LogBase(ld(rp, in.a), ld(rp, in.b)))
		case opRoot:
			st(rp, in.dst, fmath.Root(ld(rp, in.a), ld(rp, in.b)))
		case opHill:
			st(rp, in.dst, fmath.Hill(ld(rp, in.a), ld(rp, in.b), ld(rp, in.c)))
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
			st(rp, in.dst, fmath.PowI(ld(rp, in.a), in.c))
		case opHillI:
			// the usual coefficients 2 and 4 inlined
			x, k := ld(rp, in.a), ld(rp, in.b)
			switch in.c {
			case 2:
				st(rp, in.dst, fmath.HillI2(x, k))
			case 4:
				st(rp, in.dst, fmath.HillI4(x, k))
			default:
				st(rp, in.dst, fmath.HillI(x, k, in.c))
			}
		case opPowX:
			st(rp, in.dst, fmath.HillPower(ld(rp, in.a), ld(rp, in.b)))
		case opHillK:
			st(rp, in.dst, fmath.HillGiven(ld(rp, in.a), ld(rp, in.b), ld(rp, in.c)))
		case opHillIK:
			x, kn := ld(rp, in.a), ld(rp, in.b)
			switch in.c {
			case 2:
				st(rp, in.dst, fmath.HillIK2(x, kn))
			case 4:
				st(rp, in.dst, fmath.HillIK4(x, kn))
			default:
				st(rp, in.dst, fmath.HillIK(x, kn, in.c))
			}
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
			st(rp, in.dst, fmath.Pos(ld(rp, in.a)+ld(rp, in.b)))
		case opFSubPos:
			st(rp, in.dst, fmath.Pos(ld(rp, in.a)-ld(rp, in.b)))
		case opFMulPos:
			st(rp, in.dst, fmath.Pos(ld(rp, in.a)*ld(rp, in.b)))
		case opFDivPos:
			st(rp, in.dst, fmath.Pos(ld(rp, in.a)/ld(rp, in.b)))
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
			st(rp, in.dst, fmath.FastPow(ld(rp, in.a)/ld(rp, in.b), ld(rp, in.c)))
		case opShan:
			st(rp, in.dst, shannonIdx(r, t.args[in.a:in.a+in.b]))
		case opSimp:
			st(rp, in.dst, simpsonIdx(r, t.args[in.a:in.a+in.b]))
		}
	}
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

// shannonIdx is the model function shannon() over registers idx.
func shannonIdx(r []float64, idx []int32) float64 { return fmath.ShannonIdx(r, idx) }

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
