package fmath

import "math"

// Shannon returns the natural-log Shannon entropy of the relative
// abundances of x, or 0 when all are 0.
func Shannon(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	if s == 0 {
		return 0
	}
	var h float64
	for _, v := range x {
		if v != 0 {
			p := v / s
			h -= p * math.Log(p)
		}
	}
	return h
}

// Simpson returns the Gini–Simpson index 1 - Σp² of the relative
// abundances of x, or 0 when all are 0.
func Simpson(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	if s == 0 {
		return 0
	}
	var d float64
	for _, v := range x {
		p := v / s
		d += p * p
	}
	return 1 - d
}
