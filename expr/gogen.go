package expr

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// fn1Names are the fmath functions of fn1, in fn1's order (for GoFunc).
var fn1Names = [len(fn1)]string{"Sec", "Csc", "Cot", "Sech", "Csch", "Coth", "Arcsec", "Arccsc", "Arccot", "Arcsech", "Arccsch", "Arccoth", "Factorial"}

// unaryMath are the Go functions of the unary opcodes (package math's,
// except exp and ln: fmath.Exp and fmath.Log, which the interpreter also
// calls).
var unaryMath = map[opcode]string{
	opExp: "fmath.Exp", opLn: "fmath.Log", opLog10: "math.Log10", opSqrt: "math.Sqrt", opAbs: "math.Abs",
	opFloor: "math.Floor", opCeil: "math.Ceil", opSin: "math.Sin", opCos: "math.Cos", opTan: "math.Tan",
	opAsin: "math.Asin", opAcos: "math.Acos", opAtan: "math.Atan", opSinh: "math.Sinh", opCosh: "math.Cosh",
	opTanh: "math.Tanh", opAsinh: "math.Asinh", opAcosh: "math.Acosh", opAtanh: "math.Atanh",
}

var arithSym = [...]string{"+", "-", "*", "/"} // opAdd, opSub, opMul, opDiv

var relSym = map[opcode]string{opLt: "<", opLe: "<=", opGt: ">", opGe: ">=", opEq: "==", opNe: "!="}

// Fingerprint returns a hex digest of everything that determines what
// the tape computes: its instructions and operands, argument lists,
// constants, register layout and whether it was built in place. Tapes
// with equal fingerprints compute the same function of the environment,
// so a generated kernel (GoFunc) can be matched to a tape by it.
func (t *Tape) Fingerprint() string {
	h := sha256.New()
	var buf [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(buf[:], v)
		h.Write(buf[:])
	}
	put(uint64(t.nenv))
	put(uint64(t.base))
	put(uint64(t.nconst))
	put(uint64(t.ntemp))
	put(uint64(len(t.reg)))
	if t.inPlace {
		put(1)
	} else {
		put(0)
	}
	for _, in := range t.code {
		put(uint64(in.op))
		for _, o := range [...]int32{in.dst, in.a, in.b, in.c, in.d} {
			put(uint64(uint32(o)))
		}
	}
	put(uint64(len(t.args)))
	for _, o := range t.args {
		put(uint64(uint32(o)))
	}
	for _, v := range t.reg[t.base : t.base+t.nconst] {
		put(math.Float64bits(v))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// GoFunc writes the Go source of a function
//
//	func name(env []float64)
//
// that computes on env what RunInPlace computes, bit for bit: the same
// operations in the same order on the same values, every intermediate
// rounded to float64 by an explicit conversion (so that no compiler fuses a
// multiply and an add), the helper functions those of package
// internal/fmath that the interpreter calls. Temporaries and common
// sub-expressions become local variables and constants literals, so the
// function writes only the env slots the tape assigns (below the scratch
// registers, which it leaves untouched) and needs no Bind. min, max and
// powers with a run-time exponent are written out as statements that call
// their helper only in the rare case (see minMax and power): Go does not
// inline the helpers into a function as large as a model's RHS. The source
// imports "math" and ".../internal/fmath" (as fmath). The tape must have
// been built by BuildInPlace.
func (t *Tape) GoFunc(w io.Writer, name string) error {
	if !t.inPlace {
		return fmt.Errorf("expr: GoFunc: tape not built by BuildInPlace")
	}
	g := &goGen{t: t, val: map[int32]string{}, consts: map[int32]string{}}
	body, err := g.body()
	if err != nil {
		return err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "func %s(env []float64) {\n", name)
	if g.maxEnv >= 0 {
		fmt.Fprintf(&sb, "\t_ = env[%d]\n", g.maxEnv)
	}
	for _, o := range g.constOrder {
		fmt.Fprintf(&sb, "\t%s := %s\n", g.consts[o], goFloat(t.reg[o]))
	}
	sb.WriteString(body)
	sb.WriteString("}\n")
	_, err = io.WriteString(w, sb.String())
	return err
}

// goGen translates a tape into straight-line Go.
type goGen struct {
	t          *Tape
	val        map[int32]string // register -> local holding its current value
	consts     map[int32]string // constant register -> its local
	constOrder []int32
	maxEnv     int32
	uses       []int // per instruction: reads of its result before it is overwritten
}

// body returns the statements, after counting the uses of each result.
func (g *goGen) body() (string, error) {
	t := g.t
	g.maxEnv = -1
	g.countUses()
	var sb strings.Builder
	for i := range t.code {
		in := &t.code[i]
		env := int(in.dst) < t.base
		if !env && g.uses[i] == 0 {
			continue // a dead temporary
		}
		v := fmt.Sprintf("v%d", i)
		if stmt := g.stmtOf(in.op); stmt != nil {
			if err := stmt(&sb, in, v); err != nil {
				return "", fmt.Errorf("expr: GoFunc: instruction %d (%s): %w", i, opNames[in.op], err)
			}
			if env {
				fmt.Fprintf(&sb, "\tenv[%d] = %s\n", in.dst, v)
				g.env(in.dst)
			}
			g.val[in.dst] = v
			continue
		}
		e, err := g.expr(in)
		if err != nil {
			return "", fmt.Errorf("expr: GoFunc: instruction %d (%s): %w", i, opNames[in.op], err)
		}
		switch {
		case env && g.uses[i] == 0:
			fmt.Fprintf(&sb, "\tenv[%d] = %s\n", in.dst, e)
			g.env(in.dst)
			delete(g.val, in.dst)
			continue
		case env:
			fmt.Fprintf(&sb, "\t%s := %s\n\tenv[%d] = %s\n", v, e, in.dst, v)
			g.env(in.dst)
		default:
			fmt.Fprintf(&sb, "\t%s := %s\n", v, e)
		}
		g.val[in.dst] = v
	}
	return sb.String(), nil
}

func (g *goGen) env(o int32) { g.maxEnv = max(g.maxEnv, o) }

// stmtOf returns the writer of the statements computing op's result into
// a local, for the opcodes GoFunc writes out instead of calling a helper
// (nil for the others).
func (g *goGen) stmtOf(op opcode) func(*strings.Builder, *instr, string) error {
	switch op {
	case opMin, opMax:
		return g.minMax
	case opPow, opFDivPow, opPowX, opHillK:
		return g.power
	}
	return nil
}

// operands returns the Go expressions of in's operands.
func (g *goGen) operands(in *instr) ([]string, error) {
	var ops []string
	var err error
	reads(in, g.t.args, func(o int32) {
		if err != nil {
			return
		}
		var s string
		s, err = g.reg(o)
		ops = append(ops, s)
	})
	return ops, err
}

// power writes the statements that set the local v to x^e for a run-time
// exponent e (pow: fmath.FastPow; powx: fmath.HillPower; hillk:
// fmath.HillGiven, x^e/(kn + x^e); div.pow: FastPow of a quotient). For e
// = 2, 3 and 4 both helpers multiply by fmath.PowI's repeated squaring;
// those products are written out here in PowI's order (x·x, x·(x·x),
// (x·x)·(x·x)), the helper called for any other e, so the result is the
// helper's bit for bit. The usual Hill coefficients and exponents of a
// model are such parameters, and each call would make the kernel spill
// the values it holds in registers (see minMax).
func (g *goGen) power(sb *strings.Builder, in *instr, v string) error {
	ops, err := g.operands(in)
	if err != nil {
		return err
	}
	want := map[opcode]int{opPow: 2, opPowX: 2, opHillK: 3, opFDivPow: 3}[in.op]
	if len(ops) != want {
		return fmt.Errorf("%d operands", len(ops))
	}
	x, e, f := ops[0], ops[1], "FastPow"
	switch in.op {
	case opFDivPow:
		x, e = v+"x", ops[2]
		fmt.Fprintf(sb, "\t%s := float64(%s / %s)\n", x, ops[0], ops[1])
	case opPowX:
		f = "HillPower"
	case opHillK:
		x, e, f = ops[0], ops[2], "HillPower"
	}
	p := v
	if in.op == opHillK {
		p = v + "p"
	}
	fmt.Fprintf(sb, "\tvar %s float64\n\tswitch %s {\n", p, e)
	fmt.Fprintf(sb, "\tcase 2:\n\t\t%s = float64(%s * %s)\n", p, x, x)
	fmt.Fprintf(sb, "\tcase 3:\n\t\t%s = float64(%s * float64(%s*%s))\n", p, x, x, x)
	fmt.Fprintf(sb, "\tcase 4:\n\t\t%ssq := float64(%s * %s)\n\t\t%s = float64(%ssq * %ssq)\n", p, x, x, p, p, p)
	fmt.Fprintf(sb, "\tdefault:\n\t\t%s = fmath.%s(%s, %s)\n\t}\n", p, f, x, e)
	if in.op == opHillK {
		fmt.Fprintf(sb, "\t%s := float64(%s / float64(%s+%s))\n", v, p, ops[1], p)
	}
	return nil
}

// minMax writes the statements that set the local v to min or max of in's
// operands: the two strict comparisons by which fmath.Min and fmath.Max
// decide, inline, and a call to them only for equal or unordered operands
// (±0, NaN, equal values), so the result is theirs bit for bit. The calls
// themselves are not inlined in a generated kernel: Go inlines only
// functions of cost ≤ 20 into a function as large as a model's RHS, and
// fmath.Max costs 74; each call also makes the caller spill the live
// values it holds in registers.
func (g *goGen) minMax(sb *strings.Builder, in *instr, v string) error {
	ops, err := g.operands(in)
	if err != nil {
		return err
	}
	if len(ops) != 2 {
		return fmt.Errorf("%d operands", len(ops))
	}
	a, b, f, cmp := ops[0], ops[1], "Max", ">"
	if in.op == opMin {
		f, cmp = "Min", "<"
	}
	fmt.Fprintf(sb, "\t%s := %s\n\tif !(%s %s %s) {\n\t\t%s = %s\n\t\tif !(%s %s %s) {\n\t\t\t%s = fmath.%s(%s, %s)\n\t\t}\n\t}\n",
		v, a, a, cmp, b, v, b, b, cmp, a, v, f, a, b)
	return nil
}

// countUses sets g.uses: how often each instruction's result is read.
func (g *goGen) countUses() {
	t := g.t
	g.uses = make([]int, len(t.code))
	writer := map[int32]int{} // register -> instruction that last wrote it
	for i := range t.code {
		in := &t.code[i]
		reads(in, g.t.args, func(o int32) {
			if w, ok := writer[o]; ok {
				g.uses[w]++
			}
		})
		writer[in.dst] = i
	}
}

// reg returns the Go expression of register o's current value.
func (g *goGen) reg(o int32) (string, error) {
	t := g.t
	if v, ok := g.val[o]; ok {
		return v, nil
	}
	if t.isConstReg(o) {
		k, ok := g.consts[o]
		if !ok {
			k = fmt.Sprintf("k%d", len(g.consts))
			g.consts[o] = k
			g.constOrder = append(g.constOrder, o)
		}
		return k, nil
	}
	if int(o) < t.base {
		g.env(o)
		return fmt.Sprintf("env[%d]", o), nil
	}
	return "", fmt.Errorf("scratch register %d read before it is written", o)
}

// expr returns the Go expression computing in's result.
func (g *goGen) expr(in *instr) (string, error) {
	ops, err := g.operands(in)
	if err != nil {
		return "", err
	}
	op := in.op
	switch {
	case op >= opFAddAdd && op <= opFDivDivR:
		k := op - opFAddAdd
		inner := fmt.Sprintf("float64(%s %s %s)", ops[0], arithSym[k/6], ops[1])
		return fused(inner, int(k%6), ops[2]), nil
	case op >= opG1Add && op <= opG2DivR:
		k := op - opG1Add
		inner := fmt.Sprintf("float64(float64(%s*%s) + %s)", ops[0], ops[1], ops[2])
		if k >= 6 {
			inner = fmt.Sprintf("float64(%s - float64(%s*%s))", ops[2], ops[0], ops[1])
		}
		return fused(inner, int(k%6), ops[3]), nil
	case op >= opFAddPos && op <= opFDivPos:
		return fmt.Sprintf("fmath.Pos(float64(%s %s %s))", ops[0], arithSym[op-opFAddPos], ops[1]), nil
	case op >= opFAddNeg && op <= opFDivNeg:
		return fmt.Sprintf("-float64(%s %s %s)", ops[0], arithSym[op-opFAddNeg], ops[1]), nil
	case op >= opAdd && op <= opDiv:
		return fmt.Sprintf("float64(%s %s %s)", ops[0], arithSym[op-opAdd], ops[1]), nil
	}
	if f, ok := unaryMath[op]; ok {
		return fmt.Sprintf("%s(%s)", f, ops[0]), nil
	}
	if r, ok := relSym[op]; ok {
		return fmt.Sprintf("fmath.B2F(%s %s %s)", ops[0], r, ops[1]), nil
	}
	return g.special(in, ops)
}

// fused combines inner (a rounded intermediate) with c by the k-th of
// add, sub, subr, mul, div, divr (see fusedOp).
func fused(inner string, k int, c string) string {
	switch k {
	case 0:
		return fmt.Sprintf("float64(%s + %s)", inner, c)
	case 1:
		return fmt.Sprintf("float64(%s - %s)", inner, c)
	case 2:
		return fmt.Sprintf("float64(%s - %s)", c, inner)
	case 3:
		return fmt.Sprintf("float64(%s * %s)", inner, c)
	case 4:
		return fmt.Sprintf("float64(%s / %s)", inner, c)
	}
	return fmt.Sprintf("float64(%s / %s)", c, inner)
}

// special returns the Go expression of the remaining opcodes (those of
// stmtOf are written as statements by body).
func (g *goGen) special(in *instr, ops []string) (string, error) {
	switch in.op {
	case opMov:
		return ops[0], nil
	case opNeg:
		return "-" + ops[0], nil
	case opNot:
		return fmt.Sprintf("fmath.B2F(%s == 0)", ops[0]), nil
	case opTruth:
		return fmt.Sprintf("fmath.B2F(%s != 0)", ops[0]), nil
	case opSqr:
		return fmt.Sprintf("float64(%s * %s)", ops[0], ops[0]), nil
	case opPos:
		return fmt.Sprintf("fmath.Pos(%s)", ops[0]), nil
	case opCall1:
		return fmt.Sprintf("fmath.%s(%s)", fn1Names[in.c], ops[0]), nil
	case opAnd:
		return fmt.Sprintf("fmath.And(%s, %s)", ops[0], ops[1]), nil
	case opOr:
		return fmt.Sprintf("fmath.Or(%s, %s)", ops[0], ops[1]), nil
	case opXor:
		return fmt.Sprintf("fmath.Xor(%s, %s)", ops[0], ops[1]), nil
	case opRem:
		return fmt.Sprintf("math.Mod(%s, %s)", ops[0], ops[1]), nil
	case opQuot:
		return fmt.Sprintf("math.Trunc(float64(%s / %s))", ops[0], ops[1]), nil
	case opLogB:
		return fmt.Sprintf("fmath.LogBase(%s, %s)", ops[0], ops[1]), nil
	case opRoot:
		return fmt.Sprintf("fmath.Root(%s, %s)", ops[0], ops[1]), nil
	case opHill:
		return fmt.Sprintf("fmath.Hill(%s, %s, %s)", ops[0], ops[1], ops[2]), nil
	case opMulAdd:
		return fmt.Sprintf("float64(float64(%s*%s) + %s)", ops[0], ops[1], ops[2]), nil
	case opMulSub:
		return fmt.Sprintf("float64(%s - float64(%s*%s))", ops[2], ops[0], ops[1]), nil
	case opSel:
		return fmt.Sprintf("fmath.Sel(%s, %s, %s)", ops[2], ops[0], ops[1]), nil
	case opShan:
		return fmt.Sprintf("fmath.Shannon([]float64{%s})", strings.Join(ops, ", ")), nil
	case opSimp:
		return fmt.Sprintf("fmath.Simpson([]float64{%s})", strings.Join(ops, ", ")), nil
	case opPowI:
		return fmt.Sprintf("fmath.PowI(%s, %d)", ops[0], in.c), nil
	case opHillI, opHillIK:
		f := "HillI"
		if in.op == opHillIK {
			f = "HillIK"
		}
		if in.c == 2 || in.c == 4 {
			return fmt.Sprintf("fmath.%s%d(%s, %s)", f, in.c, ops[0], ops[1]), nil
		}
		return fmt.Sprintf("fmath.%s(%s, %s, %d)", f, ops[0], ops[1], in.c), nil
	}
	return "", fmt.Errorf("no Go form for opcode %d", in.op)
}

// goFloat returns a Go expression of type float64 with exactly v's bits.
func goFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		if math.Float64bits(v) == math.Float64bits(math.NaN()) {
			return "math.NaN()"
		}
		return fmt.Sprintf("math.Float64frombits(%#x)", math.Float64bits(v))
	case math.IsInf(v, 1):
		return "math.Inf(1)"
	case math.IsInf(v, -1):
		return "math.Inf(-1)"
	case v == 0 && math.Signbit(v):
		return "math.Copysign(0, -1)"
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return "float64(" + s + ")"
}
