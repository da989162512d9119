package main

import (
	"testing"

	"github.com/holobiont/holobiont/ode"
)

func TestParseSolver(t *testing.T) {
	for _, c := range []struct {
		in   string
		want ode.Method
	}{
		{"auto", ode.Auto}, {"dopri5", ode.DOPRI5}, {"dop853", ode.DOP853},
		{"rosenbrock", ode.Rodas4}, {"rodas4", ode.Rodas4},
	} {
		got, err := parseSolver(c.in)
		if err != nil || got != c.want {
			t.Errorf("parseSolver(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if _, err := parseSolver("euler"); err == nil {
		t.Error(`parseSolver("euler"): want an error`)
	}
}
