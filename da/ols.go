package da

import (
	"fmt"
	"math"

	"github.com/holobiont/holobiont/stats"
	"gonum.org/v1/gonum/mat"
)

// ols fits many responses on one full-rank design: β = (XᵀX)⁻¹Xᵀy.
type ols struct {
	n, p int
	x    []float64 // n×p
	g    []float64 // (XᵀX)⁻¹, p×p
	h    []float64 // (XᵀX)⁻¹Xᵀ, p×n
}

func newOLS(x []float64, n, p int) (*ols, error) {
	xm := mat.NewDense(n, p, x)
	var xtx mat.SymDense
	xtx.SymOuterK(1, xm.T())
	var ch mat.Cholesky
	if ok := ch.Factorize(&xtx); !ok {
		return nil, fmt.Errorf("da: singular design")
	}
	var gi mat.SymDense
	if err := ch.InverseTo(&gi); err != nil {
		return nil, fmt.Errorf("da: singular design: %w", err)
	}
	o := &ols{n: n, p: p, x: x, g: make([]float64, p*p), h: make([]float64, p*n)}
	for a := 0; a < p; a++ {
		for b := 0; b < p; b++ {
			o.g[a*p+b] = gi.At(a, b)
		}
	}
	for a := 0; a < p; a++ {
		for i := 0; i < n; i++ {
			var s float64
			for b := 0; b < p; b++ {
				s += o.g[a*p+b] * x[i*p+b]
			}
			o.h[a*n+i] = s
		}
	}
	return o, nil
}

// fit writes β into beta and the residuals into res (when non-nil) and
// returns the residual sum of squares.
func (o *ols) fit(beta, res, y []float64) float64 {
	n, p := o.n, o.p
	for a := 0; a < p; a++ {
		h := o.h[a*n : a*n+n]
		var s float64
		for i, v := range y {
			s += h[i] * v
		}
		beta[a] = s
	}
	var rss float64
	for i, v := range y {
		row := o.x[i*p : i*p+p]
		f := 0.0
		for a, xa := range row {
			f += xa * beta[a]
		}
		e := v - f
		if res != nil {
			res[i] = e
		}
		rss += e * e
	}
	return rss
}

// tTest fills se, t and two-sided p for every coefficient from the
// residual sum of squares.
func (o *ols) tTest(se, t, p, beta []float64, rss float64) {
	df := float64(o.n - o.p)
	s2 := rss / df
	for a := range beta {
		se[a] = math.Sqrt(s2 * o.g[a*o.p+a])
		t[a] = beta[a] / se[a]
		p[a] = tTwoSided(t[a], df)
	}
}

func tTwoSided(t, df float64) float64 { return stats.PValueT(t, df) }
