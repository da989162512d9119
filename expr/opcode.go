package expr

import "github.com/holobiont/holobiont/internal/fmath"

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
	opPowX   // dst = fmath.HillPower(a, b): bit for bit the K^n of opHill
	opHillK  // dst = a^c / (b + a^c) with a^c = fmath.HillPower(a, c), b = K^c precomputed
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
var fn1 = [...]func(float64) float64{fmath.Sec, fmath.Csc, fmath.Cot, fmath.Sech, fmath.Csch, fmath.Coth, fmath.Arcsec, fmath.Arccsc, fmath.Arccot, fmath.Arcsech, fmath.Arccsch, fmath.Arccoth, fmath.Factorial}

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
