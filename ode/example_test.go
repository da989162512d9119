package ode_test

import (
	"context"
	"fmt"
	"math"

	"github.com/holobiont/holobiont/ode"
)

// logistic is dN/dt = r N (1 - N/K).
type logistic struct{ r, k float64 }

func (l logistic) Dim() int { return 1 }
func (l logistic) RHS(t float64, y, dydt []float64) {
	dydt[0] = l.r * y[0] * (1 - y[0]/l.k)
}

func ExampleSolver_Integrate() {
	sys := logistic{r: 0.5, k: 100}
	s, err := ode.NewSolver(sys.Dim(), ode.Options{RTol: 1e-8, ATol: 1e-10})
	if err != nil {
		panic(err)
	}
	y := []float64{1}
	_, err = s.Integrate(context.Background(), sys, 0, y, 20, []float64{5, 10, 15}, func(t float64, y []float64) error {
		exact := 100 / (1 + 99*math.Exp(-0.5*t))
		fmt.Printf("t=%2.0f N=%8.4f exact=%8.4f\n", t, y[0], exact)
		return nil
	}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("t=20 N=%8.4f\n", y[0])
	// Output:
	// t= 5 N= 10.9572 exact= 10.9572
	// t=10 N= 59.9860 exact= 59.9860
	// t=15 N= 94.8087 exact= 94.8087
	// t=20 N= 99.5526
}

// threshold stops the integration when N crosses 50.
type threshold struct{}

func (threshold) NumEvents() int { return 1 }
func (threshold) EventValues(t float64, y, g []float64) {
	g[0] = y[0] - 50
}

func ExampleEvents() {
	sys := logistic{r: 0.5, k: 100}
	s, _ := ode.NewSolver(1, ode.Options{RTol: 1e-10})
	y := []float64{1}
	res, err := s.Integrate(context.Background(), sys, 0, y, 100, nil, nil, threshold{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("event %d at t=%.6f (exact %.6f), N=%.6f\n", res.Event, res.T, 2*math.Log(99), y[0])
	// Output:
	// event 0 at t=9.190240 (exact 9.190240), N=50.000000
}

// DOP853 for a tight tolerance: the logistic curve at rtol 1e-12, compared
// with its closed form.
func ExampleSolver_Integrate_dop853() {
	sys := logistic{r: 0.5, k: 100}
	s, err := ode.NewSolver(sys.Dim(), ode.Options{Method: ode.DOP853, RTol: 1e-12, ATol: 1e-12})
	if err != nil {
		panic(err)
	}
	y := []float64{1}
	if _, err := s.Integrate(context.Background(), sys, 0, y, 20, nil, nil, nil); err != nil {
		panic(err)
	}
	exact := 100 / (1 + 99*math.Exp(-0.5*20))
	fmt.Printf("method %v: N(20) = %.10f, |error| < 1e-9: %v\n", s.Method(), y[0], math.Abs(y[0]-exact) < 1e-9)
	// Output:
	// method dop853: N(20) = 99.5525517930, |error| < 1e-9: true
}
