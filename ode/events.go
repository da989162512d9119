package ode

import "math"

// locate looks for event crossings in the last accepted step [t, tn], with
// s.ge0 = g(t) and s.ge1 = g(tn). It returns the index of the earliest
// crossing and its time, or -1.
func (s *Solver) locate(ev Events, t, tn float64) (int, float64) {
	best, tbest := -1, math.Inf(1)
	for k, g0 := range s.ge0 {
		g1 := s.ge1[k]
		if g0 == 0 || math.IsNaN(g0) || math.IsNaN(g1) {
			continue
		}
		if g1 != 0 && (g0 < 0) == (g1 < 0) {
			continue
		}
		tr := s.illinois(ev, k, t, g0, tn, g1)
		if tr < tbest {
			best, tbest = k, tr
		}
	}
	return best, tbest
}

// illinois brackets the root of g_k on [lo, hi] with g(lo) = flo ≠ 0 and
// g(hi) = fhi of the opposite sign (or zero), and returns the right end of
// the final bracket (where the crossing has happened).
func (s *Solver) illinois(ev Events, k int, lo, flo, hi, fhi float64) float64 {
	tol := 4*epsilon*math.Max(math.Abs(lo), math.Abs(hi)) + 1e-12*(hi-lo)
	neg := flo < 0
	side := 0
	for it := 0; it < 200 && hi-lo > tol; it++ {
		c := hi - fhi*(hi-lo)/(fhi-flo)
		if !(c > lo && c < hi) {
			c = 0.5 * (lo + hi)
		}
		s.denseEval(c, s.yev)
		ev.EventValues(c, s.yev, s.gem)
		fc := s.gem[k]
		if math.IsNaN(fc) {
			return hi
		}
		if fc == 0 || (fc < 0) != neg {
			hi, fhi = c, fc
			if side == -1 {
				flo /= 2
			}
			side = -1
		} else {
			lo, flo = c, fc
			if side == 1 {
				fhi /= 2
			}
			side = 1
		}
	}
	return hi
}
