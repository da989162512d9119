package ode

import "math"

// decay: y' = -k y.
type decay struct{ k float64 }

func (d decay) Dim() int                           { return 1 }
func (d decay) RHS(t float64, y, dy []float64)     { dy[0] = -d.k * y[0] }
func (d decay) Jacobian(t float64, y, j []float64) { j[0] = -d.k }

// logistic: y' = r y (1 - y/K).
type logistic struct{ r, K float64 }

func (l logistic) Dim() int                       { return 1 }
func (l logistic) RHS(t float64, y, dy []float64) { dy[0] = l.r * y[0] * (1 - y[0]/l.K) }
func (l logistic) exact(t, y0 float64) float64 {
	return l.K / (1 + (l.K/y0-1)*math.Exp(-l.r*t))
}

// lotkaVolterra: x' = x(a - b y), y' = y(d x - c).
type lotkaVolterra struct{ a, b, c, d float64 }

func (p lotkaVolterra) Dim() int { return 2 }
func (p lotkaVolterra) RHS(t float64, y, dy []float64) {
	dy[0] = y[0] * (p.a - p.b*y[1])
	dy[1] = y[1] * (p.d*y[0] - p.c)
}
func (p lotkaVolterra) invariant(y []float64) float64 {
	return p.d*y[0] - p.c*math.Log(y[0]) + p.b*y[1] - p.a*math.Log(y[1])
}

// robertson is Robertson's stiff chemical kinetics problem (Hairer & Wanner II, §IV.1).
type robertson struct{ analytic bool }

func (robertson) Dim() int { return 3 }
func (robertson) RHS(t float64, y, dy []float64) {
	dy[0] = -0.04*y[0] + 1e4*y[1]*y[2]
	dy[2] = 3e7 * y[1] * y[1]
	dy[1] = -dy[0] - dy[2]
}

type robertsonJ struct{ robertson }

func (robertsonJ) Jacobian(t float64, y, j []float64) {
	j[0], j[1], j[2] = -0.04, 1e4*y[2], 1e4*y[1]
	j[6], j[7], j[8] = 0, 6e7*y[1], 0
	j[3], j[4], j[5] = 0.04, -1e4*y[2]-6e7*y[1], -1e4*y[1]
}

// vanDerPol: y1' = y2, y2' = mu (1 - y1²) y2 - y1 (stiff for large mu).
type vanDerPol struct{ mu float64 }

func (vanDerPol) Dim() int { return 2 }
func (v vanDerPol) RHS(t float64, y, dy []float64) {
	dy[0] = y[1]
	dy[1] = v.mu*(1-y[0]*y[0])*y[1] - y[0]
}

// riccati: y' = -2 t y², y(0) = 1, exact 1/(1+t²) (non-autonomous, nonlinear).
type riccati struct{}

func (riccati) Dim() int                       { return 1 }
func (riccati) RHS(t float64, y, dy []float64) { dy[0] = -2 * t * y[0] * y[0] }

// ball: h' = v, v' = -g; event h = 0.
type ball struct{ g float64 }

func (ball) Dim() int                                        { return 2 }
func (b ball) RHS(t float64, y, dy []float64)                { dy[0], dy[1] = y[1], -b.g }
func (ball) NumEvents() int                                  { return 2 }
func (ball) EventValues(t float64, y []float64, g []float64) { g[0], g[1] = y[0]-100, y[0] }

// knee is Dahlquist's knee problem: ε y' = (1 - t) y - y², y(0) = 1; the
// solution follows y = 1 - t, then y = 0 for t > 1.
type knee struct{ eps float64 }

func (knee) Dim() int                         { return 1 }
func (k knee) RHS(t float64, y, dy []float64) { dy[0] = ((1-t)*y[0] - y[0]*y[0]) / k.eps }

// expSin: y' = y·cos t, exact y = y(0)·exp(sin t).
type expSin struct{}

func (expSin) Dim() int                       { return 1 }
func (expSin) RHS(t float64, y, dy []float64) { dy[0] = y[0] * math.Cos(t) }
