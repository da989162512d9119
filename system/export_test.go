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
