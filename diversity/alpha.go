package diversity

import (
	"math"

	"github.com/holobiont/holobiont/internal/fmath"
)

// Observed returns the number of strictly positive values in vals
// (scikit-bio observed_otus, vegan specnumber).
func Observed(vals []float64) float64 {
	n := 0
	for _, v := range vals {
		if v > 0 {
			n++
		}
	}
	return float64(n)
}

func sum(vals []float64) float64 {
	var s float64
	for _, v := range vals {
		s += v
	}
	return s
}

// Shannon returns the Shannon entropy −Σ pᵢ log_b pᵢ of the relative
// abundances of vals, with logarithm base b (math.E for nats, 2 for bits,
// 10). It returns NaN for an empty sample (all counts 0), as scikit-bio
// does. (fmath.Entropy is the one implementation.)
func Shannon(vals []float64, base float64) float64 {
	h, ok := fmath.Entropy(vals)
	if !ok {
		return math.NaN()
	}
	if base == math.E {
		return h
	}
	return h / math.Log(base)
}

// dominance returns Σ pᵢ².
func dominance(vals []float64) float64 {
	tot := sum(vals)
	if tot == 0 {
		return math.NaN()
	}
	var d float64
	for _, v := range vals {
		p := v / tot
		d += p * p
	}
	return d
}

// Simpson returns the Gini–Simpson index 1 − Σ pᵢ² (scikit-bio simpson,
// vegan diversity(index = "simpson")).
func Simpson(vals []float64) float64 { return 1 - dominance(vals) }

// InvSimpson returns 1 / Σ pᵢ² (scikit-bio enspie, vegan "invsimpson").
func InvSimpson(vals []float64) float64 { return 1 / dominance(vals) }

// Pielou returns Pielou's evenness H / ln S with H the natural-log Shannon
// entropy and S the observed richness. It is NaN for S <= 1.
func Pielou(vals []float64) float64 {
	s := Observed(vals)
	if s <= 1 {
		return math.NaN()
	}
	return Shannon(vals, math.E) / math.Log(s)
}

func singlesDoubles(vals []float64) (s, d float64) {
	for _, v := range vals {
		switch v {
		case 1:
			s++
		case 2:
			d++
		}
	}
	return s, d
}

// Chao1 returns the Chao1 richness estimate of integer counts. With
// biasCorrected (the default of scikit-bio and the value of vegan estimateR
// S.chao1) it is S + F1(F1−1)/(2(F2+1)); otherwise the classic
// S + F1²/(2 F2), which, as in scikit-bio, falls back to the bias-corrected
// form when F1 or F2 is zero. F1 and F2 are the numbers of singletons and
// doubletons.
func Chao1(vals []float64, biasCorrected bool) float64 {
	o := Observed(vals)
	s, d := singlesDoubles(vals)
	if !biasCorrected && s > 0 && d > 0 {
		return o + s*s/(d*2)
	}
	return o + s*(s-1)/(2*(d+1))
}

// ACE returns the abundance-based coverage estimator of richness of integer
// counts with the given rare threshold (10 in scikit-bio and vegan
// estimateR). It is NaN when every rare feature is a singleton.
func ACE(vals []float64, rareThreshold int) float64 {
	thr := float64(rareThreshold)
	var sRare, sAbun, nRare, nRareGamma, singles float64
	for _, v := range vals {
		switch {
		case v <= 0:
		case v <= thr:
			sRare++
			nRare += v
			nRareGamma += v * (v - 1)
			if v == 1 {
				singles++
			}
		default:
			sAbun++
		}
	}
	if singles > 0 && singles == sRare {
		return math.NaN()
	}
	if sRare == 0 {
		return sAbun
	}
	cACE := 1 - singles/nRare
	gamma := sRare*nRareGamma/(cACE*nRare*(nRare-1)) - 1
	if gamma < 0 {
		gamma = 0
	}
	return sAbun + sRare/cACE + singles/cACE*gamma
}
