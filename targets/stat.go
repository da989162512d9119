package targets

import (
	"fmt"
	"math"
)

// statistic returns t's statistic of the series x at times ts (the stat
// over its time or window, minus Minus, compared with the baseline by
// VsBaseline), before any comparison with the control, Per or Multiply.
func (t *Target) statistic(ts, x []float64) (float64, error) {
	v, err := t.raw(ts, x)
	if err != nil || t.Baseline == nil {
		return v, err
	}
	b, err := valueAt(ts, x, *t.Baseline)
	if err != nil {
		return 0, fmt.Errorf("baseline: %w", err)
	}
	b -= t.Minus
	switch t.VsBaseline {
	case "ratio":
		return v / b, nil
	case "relative":
		return v/b - 1, nil
	case "log10ratio":
		return math.Log10(v / b), nil
	}
	return v - b, nil
}

func (t *Target) raw(ts, x []float64) (float64, error) {
	if t.Stat == "at" {
		v, err := valueAt(ts, x, *t.Time)
		return v - t.Minus, err
	}
	var acc float64
	n := 0
	for k, tk := range ts {
		if tk < t.Window[0]-1e-9 || tk > t.Window[1]+1e-9 {
			continue
		}
		switch {
		case n == 0:
			acc = x[k]
		case t.Stat == "max":
			acc = math.Max(acc, x[k])
		case t.Stat == "min":
			acc = math.Min(acc, x[k])
		default:
			acc += x[k]
		}
		n++
	}
	if n == 0 {
		return 0, fmt.Errorf("no output time in the window [%g, %g] (give the scenario an output step)", t.Window[0], t.Window[1])
	}
	if t.Stat == "mean" {
		acc /= float64(n)
	}
	return acc - t.Minus, nil
}

// valueAt returns x at the output time tm.
func valueAt(ts, x []float64, tm float64) (float64, error) {
	for k, tk := range ts {
		if math.Abs(tk-tm) <= 1e-9*math.Max(1, math.Abs(tm)) {
			return x[k], nil
		}
	}
	return 0, fmt.Errorf("no output at time %g (add it to the scenario's output times)", tm)
}

// combine turns the statistics of the scenario (s, and sp of Per) and of
// the control (c, cp) into the target's model value.
func (t *Target) combine(s, sp, c, cp float64) float64 {
	v := s
	if t.Per != "" {
		v = s / sp
	}
	if t.Control != "" {
		cv := c
		if t.Per != "" {
			cv = c / cp
		}
		switch t.VsControl {
		case "difference":
			v -= cv
		case "ratio":
			v /= cv
		default:
			v = v/cv - 1
		}
	}
	if t.Multiply != nil {
		v *= *t.Multiply
	}
	return v
}
