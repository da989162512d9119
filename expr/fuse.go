package expr

// Superinstructions. Most arithmetic instructions of a model's tape feed
// their result, through a temporary, straight into the next instruction
// (x*y + z, (a + b)/c, 1 - x/K, ...). Build fuses such a pair into one
// instruction of three or four operands when the temporary is not read
// again, which
// removes one dispatch of the interpreter loop and one store and load of
// the temporary. The fused instruction rounds the intermediate to float64
// (see the float64 conversions in Tape.Run), so the result is bit for bit
// that of the two instructions.

// isArith reports whether op is one of the four arithmetic operators that
// fuse.
func isArith(op opcode) bool { return op >= opAdd && op <= opDiv }

// reads calls f with each register operand that in reads (tagged operands,
// before relocation).
func reads(in *instr, nargs []int32, f func(o int32)) {
	switch in.op {
	case opShan, opSimp:
		for _, o := range nargs[in.a : in.a+in.b] {
			f(o)
		}
		return
	case opCall1, opPowI:
		f(in.a)
		return
	case opHillI, opHillIK:
		f(in.a)
		f(in.b)
		return
	}
	ops := [...]int32{in.a, in.b, in.c, in.d}
	for _, o := range ops[:numOperands(in.op)] {
		f(o)
	}
}

// sameReg reports whether tagged operands o and p name the same register
// (a borrowed temporary is the caller's temporary).
func sameReg(o, p int32) bool { return o&^tagBorrow == p&^tagBorrow }

// deadAfterNext returns, for each i, whether the value that code[i] writes
// to a temporary is not read by code[i+2:] before being overwritten (the
// temporary is not live on entry to code[i+2]), by one backward liveness
// pass over the temporaries.
func deadAfterNext(code []instr, nargs []int32) []bool {
	ntemp := int32(0)
	for i := range code {
		if o := code[i].dst; isTemp(o) {
			ntemp = max(ntemp, o&^tagMask+1)
		}
	}
	live := make([]bool, ntemp)
	isLive := func(o int32) bool {
		i := o &^ tagMask
		return isTemp(o) && i < ntemp && live[i]
	}
	dead := make([]bool, len(code))
	for j := len(code) - 1; j >= 0; j-- {
		// live holds the temporaries live on entry to code[j+1].
		if j >= 1 {
			dead[j-1] = !isLive(code[j-1].dst)
		}
		if o := code[j].dst; isTemp(o) {
			live[o&^tagMask] = false
		}
		reads(&code[j], nargs, func(o int32) {
			if isTemp(o) && o&^tagMask < ntemp {
				live[o&^tagMask] = true
			}
		})
	}
	if n := len(code); n >= 1 {
		dead[n-1] = true
	}
	return dead
}

// fusePair returns the fused form of p followed by q, if there is one: p
// computes a temporary that q reads exactly once (an arithmetic operand, the
// argument of pos or of a negation, or the base of a power). A square counts
// as a product. A multiply-add or multiply-subtract also fuses with an
// arithmetic reader (four operands).
func fusePair(p, q *instr) (instr, bool) {
	if p.op == opSqr {
		// x^2 is x*x.
		m := *p
		m.op, m.b = opMul, p.a
		p = &m
	}
	if g := mulAddKind(p.op); g != 0 && isTemp(p.dst) && isArith(q.op) {
		ina, inb := sameReg(q.a, p.dst), sameReg(q.b, p.dst)
		if ina == inb {
			return instr{}, false
		}
		other := q.b
		if inb {
			other = q.a
		}
		base := opG1Add
		if g == 2 {
			base = opG2Add
		}
		return instr{op: base + (fusedOp(opAdd, q.op, inb) - opFAddAdd), dst: q.dst, a: p.a, b: p.b, c: p.c, d: other}, true
	}
	if !isArith(p.op) || !isTemp(p.dst) {
		return instr{}, false
	}
	switch {
	case q.op == opPos && sameReg(q.a, p.dst):
		return instr{op: opFAddPos + (p.op - opAdd), dst: q.dst, a: p.a, b: p.b}, true
	case q.op == opNeg && sameReg(q.a, p.dst):
		return instr{op: opFAddNeg + (p.op - opAdd), dst: q.dst, a: p.a, b: p.b}, true
	case q.op == opPow && p.op == opDiv && sameReg(q.a, p.dst) && !sameReg(q.b, p.dst):
		return instr{op: opFDivPow, dst: q.dst, a: p.a, b: p.b, c: q.b}, true
	case !isArith(q.op):
		return instr{}, false
	}
	ina, inb := sameReg(q.a, p.dst), sameReg(q.b, p.dst)
	switch {
	case ina && !inb:
		return instr{op: fusedOp(p.op, q.op, false), dst: q.dst, a: p.a, b: p.b, c: q.b}, true
	case inb && !ina:
		return instr{op: fusedOp(p.op, q.op, true), dst: q.dst, a: p.a, b: p.b, c: q.a}, true
	}
	return instr{}, false
}

// mulAddKind reports whether op computes a*b + c (1) or c - a*b (2).
func mulAddKind(op opcode) int {
	switch op {
	case opMulAdd, opFMulAdd:
		return 1
	case opMulSub, opFMulSubR:
		return 2
	}
	return 0
}

// fuse returns code with adjacent fusable pairs replaced by
// superinstructions, in two rounds (the second fuses a multiply-add made by
// the first with its reader). code is not modified.
func fuse(code []instr, nargs []int32) []instr {
	return fuse1(fuse1(code, nargs), nargs)
}

func fuse1(code []instr, nargs []int32) []instr {
	dead := deadAfterNext(code, nargs)
	out := make([]instr, 0, len(code))
	for i := 0; i < len(code); i++ {
		if i+1 < len(code) {
			p, q := &code[i], &code[i+1]
			if f, ok := fusePair(p, q); ok && (sameReg(q.dst, p.dst) || dead[i]) {
				out = append(out, f)
				i++
				continue
			}
		}
		out = append(out, code[i])
	}
	return out
}
