package system

import "github.com/holobiont/holobiont/expr"

// builder wraps expr.Builder and records the slots its assignments write.
type builder struct {
	b       *expr.Builder
	targets []int
	seen    map[int]bool
	// every assignment in order (for the analytic Jacobian)
	dsts  []int
	nodes []*expr.Node
}

func newBuilder(c *compiler) *builder {
	return &builder{b: expr.NewBuilder(c.lookup, c.funcs, 0), seen: map[int]bool{}}
}

func (b *builder) Assign(dst int, n *expr.Node) error {
	if err := b.b.Assign(dst, n); err != nil {
		return err
	}
	b.dsts = append(b.dsts, dst)
	b.nodes = append(b.nodes, n)
	if !b.seen[dst] {
		b.seen[dst] = true
		b.targets = append(b.targets, dst)
	}
	return nil
}

func (b *builder) Build() *tape {
	t := &tape{t: b.b.Build(), targets: append([]int(nil), b.targets...)}
	t.direct = t.inPlaceSafe()
	return t
}

// deferInPlace registers b to be built, once every env slot exists, as a
// tape that runs on the environment itself (expr.Tape.RunInPlace) with its
// scratch registers appended to the environment; *dst receives it (see
// compiler.buildInPlace).
func (c *compiler) deferInPlace(b *builder, dst **tape) {
	if c.opt.noInPlace {
		*dst = b.Build()
		return
	}
	c.inPlace = append(c.inPlace, inPlaceReq{b, dst})
}

type inPlaceReq struct {
	b   *builder
	dst **tape
}

// buildInPlace builds the deferred tapes with their scratch registers laid
// out one after another from slot len(base) and returns the length the
// environment must have. The caller binds them (tape.bind) to the new env.
func (c *compiler) buildInPlace() (int, error) {
	end := len(c.s.base)
	for _, r := range c.inPlace {
		et, err := r.b.b.BuildInPlace(end)
		if err != nil {
			return 0, err
		}
		end += et.Scratch()
		t := &tape{t: et, targets: append([]int(nil), r.b.targets...), inPlace: true}
		t.direct = t.inPlaceSafe()
		*r.dst = t
	}
	c.inPlace = nil
	return end, nil
}

// inPlaceSafe runs the tape once on an environment of distinct sentinel
// values and reports whether it changed only its target slots; then Run
// can skip the scratch copy.
func (t *tape) inPlaceSafe() bool {
	n := t.t.Len()
	env := make([]float64, n)
	for i := range env {
		env[i] = 1e6 + float64(i) + 0.25
	}
	ref := append([]float64(nil), env...)
	t.t.Run(env)
	tgt := map[int]bool{}
	for _, i := range t.targets {
		tgt[i] = true
	}
	for i := range env {
		if !tgt[i] && env[i] != ref[i] {
			return false
		}
	}
	return true
}

// tape runs an expr.Tape so that it can never disturb a slot it does not
// own: when a sentinel run at build time shows that the tape writes other
// slots (expr.Tape transfers slot ranges in and out of its registers, and
// an output range may span slots it never read), it runs on a scratch copy
// of the environment and only its target slots are copied back; otherwise
// it runs in place.
type tape struct {
	t       *expr.Tape
	targets []int
	scratch []float64
	direct  bool // the tape writes only its targets: run in place
	// inPlace: built by expr.Builder.BuildInPlace, its scratch registers
	// live in the environment (System.env past len(System.base)), so a
	// direct run needs no copy of the environment into the tape's
	// registers and back
	inPlace bool
	// kernel: generated Go code for this tape (package kernels, matched
	// by fingerprint), run instead of the interpreter; nil: interpret
	kernel func(env []float64)
}

// bind writes the constants of an in-place tape into env's scratch
// registers (see buildInPlace).
func (t *tape) bind(env []float64) {
	if t != nil && t.inPlace {
		t.t.Bind(env)
	}
}

// Run evaluates the assignments on env. It does not allocate after the
// first call.
func (t *tape) Run(env []float64) {
	if len(t.targets) == 0 {
		return
	}
	if t.kernel != nil {
		t.kernel(env)
		return
	}
	if t.direct {
		if t.inPlace {
			t.t.RunInPlace(env)
			return
		}
		t.t.Run(env)
		return
	}
	if len(t.scratch) != len(env) {
		t.scratch = make([]float64, len(env))
	}
	copy(t.scratch, env)
	t.t.Run(t.scratch)
	for _, i := range t.targets {
		env[i] = t.scratch[i]
	}
}

// Clone returns an independent copy for use in another goroutine.
func (t *tape) Clone() *tape {
	return &tape{t: t.t.Clone(), targets: t.targets, direct: t.direct, inPlace: t.inPlace, kernel: t.kernel}
}
