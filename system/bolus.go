package system

import (
	"fmt"
	"math"
)

// ApplyBolus changes state variable target in y at time t: op "add" adds v
// to the value the target's id denotes (a species' concentration unless it
// has only substance units), "set" sets it to v, "mul" multiplies it by v.
// Community members set to a value below their extinction threshold become
// zero.
func (s *System) ApplyBolus(t float64, y []float64, target, op string, v float64) error {
	i, ok := s.StateIndex(target)
	if !ok {
		return fmt.Errorf("bolus at t=%g: %q is not a state variable of the model", t, target)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("bolus at t=%g on %s: value %v is not finite", t, target, v)
	}
	scale := 1.0
	for _, sp := range s.m.Species {
		if sp.ID == target && !sp.HasOnlySubstanceUnits {
			s.eval(t, y)
			scale = s.env[s.slot[sp.Compartment]]
		}
	}
	cur := y[i] / scale
	switch op {
	case "add", "":
		cur += v
	case "set":
		cur = v
	case "mul":
		cur *= v
	default:
		return fmt.Errorf("bolus at t=%g on %s: unknown operation %q (want add, set or mul)", t, target, op)
	}
	y[i] = cur * scale
	if s.ev != nil {
		for _, x := range s.ev.extinct {
			if x.state == i && y[i] < x.threshold {
				y[i] = 0
			}
		}
	}
	return nil
}
