package observe

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// Instrument maps a latent model quantity x to a measurement on an
// instrument's scale: v = Offset + Gain·x, then noise, then clamping to
// [Min, Max] and, for Integer scales, rounding.
//
// With LogNoise the noise is multiplicative (v·exp(NoiseSD·Z), for assays
// such as cortisol whose error grows with the level); otherwise additive
// (v + NoiseSD·Z, for questionnaires and clinician scores).
type Instrument struct {
	Name     string
	Unit     string
	Variable string // default model variable measured (may be overridden by the caller)
	Offset   float64
	Gain     float64
	NoiseSD  float64
	LogNoise bool
	Min, Max float64
	Integer  bool
}

// Validate reports an invalid instrument.
func (in Instrument) Validate() error {
	for _, v := range []float64{in.Offset, in.Gain, in.NoiseSD, in.Min, in.Max} {
		if math.IsNaN(v) {
			return fmt.Errorf("instrument %s: NaN setting", in.Name)
		}
	}
	if in.NoiseSD < 0 {
		return fmt.Errorf("instrument %s: noise sd must be >= 0, got %v", in.Name, in.NoiseSD)
	}
	if in.Min > in.Max {
		return fmt.Errorf("instrument %s: min %v > max %v", in.Name, in.Min, in.Max)
	}
	return nil
}

// Expected returns the noise-free reading of latent value x (clamped, not rounded).
func (in Instrument) Expected(x float64) float64 {
	return clamp(in.Offset+in.Gain*x, in.Min, in.Max)
}

// Measure returns one noisy reading of latent value x.
func (in Instrument) Measure(x float64, rng *rand.Rand) float64 {
	v := in.Offset + in.Gain*x
	if in.NoiseSD > 0 {
		if in.LogNoise {
			v *= math.Exp(in.NoiseSD * rng.NormFloat64())
		} else {
			v += in.NoiseSD * rng.NormFloat64()
		}
	}
	if in.Integer {
		v = math.Round(v)
	}
	return clamp(v, in.Min, in.Max)
}

func clamp(v, lo, hi float64) float64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// Instruments returns the built-in instruments, keyed by name:
//
//   - cortisol: serum cortisol in nmol/L; model cortisol 1 (the Karin 2020
//     baseline scale) maps to 300 nmol/L (a typical morning level), 15%
//     log-normal assay/diurnal noise.
//   - pss10: Perceived Stress Scale-10 score, integer 0–40, from perceived
//     stress s (1 = an exam-like episode) as 3 + 40·s, so the population's
//     chronic stress 0.25 ± 0.15 gives the mean 13 and SD 6 of Cohen &
//     Williamson 1988, with 2.5 points of item noise (internal consistency
//     alpha ~0.85).
//   - affect_pleasantness: Affect Grid pleasantness 1–9 from the affect
//     summary W (host.wellbeing, 0–1) as 1 + 8·W, integer, 1 point noise.
//   - easi: Eczema Area and Severity Index 0–72 (host.easi), 1 point
//     inter-rater noise.
//   - scorad: SCORAD 0–103 (host.scorad), 3 points noise.
//   - pasi: Psoriasis Area and Severity Index 0–72 (host.pasi), 1 point noise.
//   - phq9: PHQ-9 depression score, integer 0–27 (host.phq9), 2 points noise
//     (test-retest reliability 0.84, Kroenke 2001).
//   - gad7: GAD-7 anxiety score, integer 0–21 (host.gad7), 2 points noise
//     (test-retest reliability 0.83, Spitzer 2006).
//
// The gains and noise levels are documented modelling choices (evidence
// class S), not fits.
func Instruments() map[string]Instrument {
	return map[string]Instrument{
		"cortisol":            {Name: "cortisol", Unit: "nmol/L", Variable: "host.cortisol", Gain: 300, NoiseSD: 0.15, LogNoise: true, Min: 0, Max: math.Inf(1)},
		"pss10":               {Name: "pss10", Unit: "score", Variable: "host.perceived_stress", Offset: 3, Gain: 40, NoiseSD: 2.5, Min: 0, Max: 40, Integer: true},
		"affect_pleasantness": {Name: "affect_pleasantness", Unit: "score", Variable: "host.wellbeing", Offset: 1, Gain: 8, NoiseSD: 1, Min: 1, Max: 9, Integer: true},
		"easi":                {Name: "easi", Unit: "score", Variable: "host.easi", Gain: 1, NoiseSD: 1, Min: 0, Max: 72},
		"scorad":              {Name: "scorad", Unit: "score", Variable: "host.scorad", Gain: 1, NoiseSD: 3, Min: 0, Max: 103},
		"pasi":                {Name: "pasi", Unit: "score", Variable: "host.pasi", Gain: 1, NoiseSD: 1, Min: 0, Max: 72},
		"phq9":                {Name: "phq9", Unit: "score", Variable: "host.phq9", Gain: 1, NoiseSD: 2, Min: 0, Max: 27, Integer: true},
		"gad7":                {Name: "gad7", Unit: "score", Variable: "host.gad7", Gain: 1, NoiseSD: 2, Min: 0, Max: 21, Integer: true},
	}
}

// InstrumentNames returns the built-in instrument names, sorted.
func InstrumentNames() []string {
	var s []string
	for k := range Instruments() {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}
