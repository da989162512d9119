package system

import "github.com/holobiont/holobiont/model"

// CompileReference compiles m without the evaluation shortcuts (static
// sub-expressions hoisted out of the dynamic tapes, tapes running in place
// on the environment, sparse Jacobian sensitivities), for tests that check
// that the shortcuts change no result bit.
func CompileReference(m *model.Model) (*System, error) {
	return compile(m, compileOptions{noHoist: true, noInPlace: true, denseJac: true})
}

// Shortcuts reports which shortcuts s uses: the number of hoisted
// sub-expressions, whether the RHS tape runs in place, whether Jacobian
// sensitivities are sparse.
func (s *System) Shortcuts() (hoisted int, inPlace, sparseJac bool) {
	for name := range s.slot {
		if len(name) > len(hoistPrefix) && name[:len(hoistPrefix)] == hoistPrefix {
			hoisted++
		}
	}
	inPlace = s.dyn != nil && s.dyn.inPlace
	sparseJac = s.jac != nil && s.jac.sparse
	return
}

// RHSKernel returns the generated kernel s's RHS runs (nil on the
// interpreter), its fingerprint, and a copy of s's environment as the
// last evaluation left it: the inputs of lock-step measurements
// (lockstep_test.go).
func (s *System) RHSKernel() (kernel func([]float64), fingerprint string, env []float64) {
	if s.dyn == nil {
		return nil, "", nil
	}
	return s.dyn.kernel, s.dyn.t.Fingerprint(), append([]float64(nil), s.env...)
}
