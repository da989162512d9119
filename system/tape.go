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
}

// Run evaluates the assignments on env. It does not allocate after the
// first call.
func (t *tape) Run(env []float64) {
	if len(t.targets) == 0 {
		return
	}
	if t.direct {
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
	return &tape{t: t.t.Clone(), targets: t.targets, direct: t.direct}
}
