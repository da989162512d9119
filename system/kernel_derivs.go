package system

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

// derivsFingerprint identifies what derivs computes from env, y and the
// interaction matrices: the rate-rule derivative slots, the reaction
// terms and the community blocks' structure.
func (s *System) derivsFingerprint() string {
	h := sha256.New()
	var buf [8]byte
	put := func(v int) {
		binary.LittleEndian.PutUint64(buf[:], uint64(int64(v)))
		h.Write(buf[:])
	}
	put(s.n)
	put(len(s.derivSlot))
	for _, d := range s.derivSlot {
		put(d)
	}
	put(len(s.reac))
	for _, r := range s.reac {
		put(r.state)
		put(r.rate)
		put(r.stoich)
		put(int(math.Float64bits(r.sign)))
		put(r.cf)
		if r.fast {
			put(1)
		} else {
			put(0)
		}
	}
	put(len(s.comms))
	for _, cc := range s.comms {
		put(len(cc.members))
		put(cc.shedding)
		put(cc.aOff)
		for i := range cc.members {
			put(cc.members[i])
			put(cc.growth[i])
			put(cc.inflow[i])
		}
	}
	return "d" + hex.EncodeToString(h.Sum(nil)[:16])
}

// derivsGo writes derivs as a straight-line Go function
//
//	func name(env, y, dydt, a []float64)
//
// (a: System.aFlat) that computes the same bits: the rate-rule
// derivatives, the reaction terms added in order, then each community's
// gLV rates with its sums in rates' order and every product rounded
// explicitly.
func (s *System) derivsGo(w io.Writer, name string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "func %s(env, y, dydt, a []float64) {\n", name)
	maxEnv := 0
	use := func(sl int) string {
		maxEnv = max(maxEnv, sl)
		return fmt.Sprintf("env[%d]", sl)
	}
	var body strings.Builder
	for i, d := range s.derivSlot {
		if d >= 0 {
			fmt.Fprintf(&body, "\tdydt[%d] = %s\n", i, use(d))
		} else {
			fmt.Fprintf(&body, "\tdydt[%d] = 0\n", i)
		}
	}
	for _, r := range s.reac {
		v := fmt.Sprintf("float64(float64(%s * %s) * %s)", goConst(r.sign), use(r.stoich), use(r.rate))
		if r.cf >= 0 {
			v = fmt.Sprintf("float64(%s * %s)", v, use(r.cf))
		}
		if r.fast {
			v = fmt.Sprintf("float64(%s * %s)", v, goConst(fastGain))
		}
		fmt.Fprintf(&body, "\tdydt[%d] += %s\n", r.state, v)
	}
	for ci, cc := range s.comms {
		communityGo(&body, ci, &cc, use)
	}
	if maxEnv > 0 {
		fmt.Fprintf(&b, "\t_ = env[%d]\n", maxEnv)
	}
	if s.n > 0 {
		fmt.Fprintf(&b, "\t_ = y[%d]\n\t_ = dydt[%d]\n", s.n-1, s.n-1)
	}
	if len(s.aFlat) > 0 {
		fmt.Fprintf(&b, "\t_ = a[%d]\n", len(s.aFlat)-1)
	}
	b.WriteString(body.String())
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// communityGo writes community ci's rates (see community.rates) as
// straight-line Go.
func communityGo(b *strings.Builder, ci int, cc *community, use func(int) string) {
	k := len(cc.members)
	shed := "float64(0)"
	if cc.shedding >= 0 {
		shed = use(cc.shedding)
	}
	fmt.Fprintf(b, "\t{ // community %d\n\t\tshed := %s\n", ci, shed)
	for j, m := range cc.members {
		fmt.Fprintf(b, "\t\tx%d := y[%d]\n", j, m)
	}
	for i := range cc.members {
		fmt.Fprintf(b, "\t\tg%d := -shed\n", i)
		if gs := cc.growth[i]; gs >= 0 {
			fmt.Fprintf(b, "\t\tg%d += %s\n", i, use(gs))
		}
		if cc.sparse {
			for p := cc.rowPtr[i]; p < cc.rowPtr[i+1]; p++ {
				fmt.Fprintf(b, "\t\tg%d += float64(a[%d] * x%d)\n", i, cc.aOff+p, cc.col[p])
			}
			continue
		}
		for j := 0; j < k; j++ {
			fmt.Fprintf(b, "\t\tg%d += float64(a[%d] * x%d)\n", i, cc.aOff+i*k+j, j)
		}
	}
	for i, m := range cc.members {
		v := fmt.Sprintf("float64(x%d * g%d)", i, i)
		if is := cc.inflow[i]; is >= 0 {
			v = fmt.Sprintf("float64(%s + %s)", v, use(is))
		}
		fmt.Fprintf(b, "\t\tdydt[%d] = %s\n", m, v)
	}
	b.WriteString("\t}\n")
}

// goConst is a float64 Go expression with exactly v's bits (finite v).
func goConst(v float64) string {
	if v == 0 && math.Signbit(v) {
		return "math.Copysign(0, -1)"
	}
	return "float64(" + strconv.FormatFloat(v, 'g', -1, 64) + ")"
}
