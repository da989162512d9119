package scenario

import (
	"math"
	"testing"
)

// TestRegoes checks the pharmacodynamic function against its defining
// properties: psi(0) = psi_max, psi(zMIC) = 0, psi(inf) -> psi_min, and a
// hand-computed value at a = 2 zMIC.
func TestRegoes(t *testing.T) {
	pmax, pmin, z := 0.88, -6.5, 0.5
	k := &KillCurve{PsiMax: pmax, PsiMin: pmin, Kappa: 1.1, ZMIC: z}
	if got := k.Psi(0); got != pmax {
		t.Errorf("psi(0) = %g", got)
	}
	if got := k.Psi(z); math.Abs(got) > 1e-15 {
		t.Errorf("psi(zMIC) = %g", got)
	}
	if got := k.Psi(1e9); math.Abs(got-pmin) > 1e-6 {
		t.Errorf("psi(inf) = %g", got)
	}
	r := math.Pow(2, 1.1)
	want := 0.88 - (0.88+6.5)*r/(r+6.5/0.88)
	if got := k.Psi(2 * z); math.Abs(got-want) > 1e-15 {
		t.Errorf("psi(2 zMIC) = %g, want %g", got, want)
	}
}
