package observe

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// DepthKind selects the distribution of sequencing depth per sample.
type DepthKind int

const (
	// DepthLogNormal draws depth from a log-normal with mean Mean and
	// log-scale standard deviation Sigma (so the median is Mean·exp(-Sigma²/2)).
	DepthLogNormal DepthKind = iota
	// DepthNegBinomial draws depth from a negative binomial with mean Mean
	// and size Size (variance Mean + Mean²/Size).
	DepthNegBinomial
	// DepthFixed uses Mean rounded to an integer for every sample.
	DepthFixed
)

// Depth is a model of sequencing depth (reads per sample).
type Depth struct {
	Kind  DepthKind
	Mean  float64 // mean reads per sample
	Sigma float64 // log-scale sd (DepthLogNormal)
	Size  float64 // NB size parameter (DepthNegBinomial)
	Min   int     // draws below Min are raised to Min (0 = no floor)
}

// Validate reports an invalid depth model.
func (d Depth) Validate() error {
	if !(d.Mean > 0) || math.IsInf(d.Mean, 0) {
		return fmt.Errorf("depth: mean must be positive and finite, got %v", d.Mean)
	}
	switch d.Kind {
	case DepthLogNormal:
		if !(d.Sigma >= 0) || math.IsInf(d.Sigma, 0) {
			return fmt.Errorf("depth: lognormal sigma must be >= 0, got %v", d.Sigma)
		}
	case DepthNegBinomial:
		if !(d.Size > 0) || math.IsInf(d.Size, 0) {
			return fmt.Errorf("depth: negative binomial size must be > 0, got %v", d.Size)
		}
	case DepthFixed:
	default:
		return fmt.Errorf("depth: unknown kind %d", d.Kind)
	}
	if d.Min < 0 {
		return fmt.Errorf("depth: min must be >= 0, got %d", d.Min)
	}
	return nil
}

// Draw returns one sequencing depth.
func (d Depth) Draw(rng *rand.Rand) int {
	var v float64
	switch d.Kind {
	case DepthLogNormal:
		mu := math.Log(d.Mean) - d.Sigma*d.Sigma/2
		v = math.Round(math.Exp(mu + d.Sigma*rng.NormFloat64()))
	case DepthNegBinomial:
		v = float64(NegBinomial(d.Mean, d.Size, rng))
	default:
		v = math.Round(d.Mean)
	}
	n := int(v)
	if v > math.MaxInt32 {
		n = math.MaxInt32
	}
	if n < d.Min {
		n = d.Min
	}
	return n
}

// Binomial draws from Binomial(n, p).
func Binomial(n int, p float64, rng *rand.Rand) int {
	if n <= 0 || p <= 0 {
		return 0
	}
	if p >= 1 {
		return n
	}
	if float64(n)*math.Min(p, 1-p) < 30 && n < 64 {
		k := 0
		for i := 0; i < n; i++ {
			if rng.Float64() < p {
				k++
			}
		}
		return k
	}
	return int(distuv.Binomial{N: float64(n), P: p, Src: rng}.Rand())
}

// Poisson draws from Poisson(lambda).
func Poisson(lambda float64, rng *rand.Rand) int {
	if !(lambda > 0) {
		return 0
	}
	return int(distuv.Poisson{Lambda: lambda, Src: rng}.Rand())
}

// Gamma draws from a gamma distribution with the given shape and rate.
func Gamma(shape, rate float64, rng *rand.Rand) float64 {
	if !(shape > 0) {
		return 0
	}
	return distuv.Gamma{Alpha: shape, Beta: rate, Src: rng}.Rand()
}

// NegBinomial draws from a negative binomial with the given mean and size r
// (variance mean + mean²/r) as a gamma–Poisson mixture. Size = +Inf gives a
// Poisson draw.
func NegBinomial(mean, size float64, rng *rand.Rand) int {
	if !(mean > 0) {
		return 0
	}
	if math.IsInf(size, 1) {
		return Poisson(mean, rng)
	}
	return Poisson(Gamma(size, size/mean, rng), rng)
}

// Multinomial fills dst with a draw from Multinomial(n, p). p need not be
// normalised; entries <= 0 get 0 counts. len(dst) must equal len(p).
func Multinomial(dst []int, n int, p []float64, rng *rand.Rand) {
	if len(dst) != len(p) {
		panic("observe: Multinomial length mismatch")
	}
	var tot float64
	for _, v := range p {
		if v > 0 {
			tot += v
		}
	}
	left := n
	for i, v := range p {
		dst[i] = 0
		if v <= 0 || left == 0 || tot <= 0 {
			if v > 0 {
				tot -= v
			}
			continue
		}
		q := v / tot
		if q >= 1 {
			dst[i] = left
		} else {
			dst[i] = Binomial(left, q, rng)
		}
		left -= dst[i]
		tot -= v
	}
}

// Noise selects how read counts are drawn from relative abundances.
type Noise int

const (
	// NoiseMultinomial: counts ~ Multinomial(depth, p).
	NoiseMultinomial Noise = iota
	// NoiseDirichletMultinomial: q ~ Dirichlet(Precision·p), counts ~ Multinomial(depth, q).
	// Var(count_i) = depth·p_i(1-p_i)·(depth+Precision)/(1+Precision).
	NoiseDirichletMultinomial
	// NoiseNegBinomial: count_i ~ NB(mean depth·p_i, dispersion A0/p_i + A1),
	// i.e. Var = m + (A0/p_i + A1)·m² (MDSINE2's read model). Totals vary around depth.
	NoiseNegBinomial
)

// String returns the spec name of the noise model.
func (n Noise) String() string {
	switch n {
	case NoiseMultinomial:
		return "multinomial"
	case NoiseDirichletMultinomial:
		return "dirichlet-multinomial"
	case NoiseNegBinomial:
		return "negative-binomial"
	}
	return fmt.Sprintf("Noise(%d)", int(n))
}

// ParseNoise maps a spec name to a Noise.
func ParseNoise(s string) (Noise, error) {
	switch s {
	case "multinomial", "":
		return NoiseMultinomial, nil
	case "dirichlet-multinomial", "dm":
		return NoiseDirichletMultinomial, nil
	case "negative-binomial", "negbin", "nb":
		return NoiseNegBinomial, nil
	}
	return 0, fmt.Errorf("unknown count noise %q (want multinomial, dirichlet-multinomial or negative-binomial)", s)
}

// Counts is a read-count model.
type Counts struct {
	Noise     Noise
	Precision float64 // Dirichlet concentration (sum of alphas) for NoiseDirichletMultinomial
	A0, A1    float64 // MDSINE2 dispersion for NoiseNegBinomial
}

// Validate reports an invalid count model.
func (c Counts) Validate() error {
	switch c.Noise {
	case NoiseMultinomial:
	case NoiseDirichletMultinomial:
		if !(c.Precision > 0) || math.IsInf(c.Precision, 0) {
			return fmt.Errorf("counts: dirichlet-multinomial precision must be > 0, got %v", c.Precision)
		}
	case NoiseNegBinomial:
		if !(c.A0 >= 0) || !(c.A1 >= 0) || math.IsInf(c.A0, 0) || math.IsInf(c.A1, 0) {
			return fmt.Errorf("counts: negative binomial a0, a1 must be >= 0, got %v, %v", c.A0, c.A1)
		}
	default:
		return errors.New("counts: unknown noise model")
	}
	return nil
}

// Sample fills dst with read counts for a sample of the given depth whose
// true relative abundances are p (normalised internally; non-positive
// entries give 0 reads). work must have len(p) capacity for the
// Dirichlet-multinomial and may be nil otherwise.
func (c Counts) Sample(dst []int, depth int, p []float64, work []float64, rng *rand.Rand) {
	switch c.Noise {
	case NoiseMultinomial:
		Multinomial(dst, depth, p, rng)
	case NoiseDirichletMultinomial:
		var tot float64
		for _, v := range p {
			if v > 0 {
				tot += v
			}
		}
		q := work[:len(p)]
		var s float64
		for i, v := range p {
			q[i] = 0
			if v > 0 && tot > 0 {
				q[i] = Gamma(c.Precision*v/tot, 1, rng)
				s += q[i]
			}
		}
		if s == 0 {
			// All gamma draws underflowed: fall back to the mean.
			copy(q, p)
		}
		Multinomial(dst, depth, q, rng)
	case NoiseNegBinomial:
		var tot float64
		for _, v := range p {
			if v > 0 {
				tot += v
			}
		}
		for i, v := range p {
			dst[i] = 0
			if v <= 0 || tot <= 0 {
				continue
			}
			rel := v / tot
			eps := c.A0/rel + c.A1
			m := float64(depth) * rel
			if eps <= 0 {
				dst[i] = Poisson(m, rng)
			} else {
				dst[i] = NegBinomial(m, 1/eps, rng)
			}
		}
	}
}

// QPCR draws replicate qPCR measurements of an absolute load: each replicate
// is load·exp(Sigma·Z) with Z standard normal (log-normal with median load,
// MDSINE2's qPCR noise model).
type QPCR struct {
	Replicates int
	Sigma      float64
}

// Validate reports an invalid qPCR model.
func (q QPCR) Validate() error {
	if q.Replicates < 1 {
		return fmt.Errorf("qpcr: replicates must be >= 1, got %d", q.Replicates)
	}
	if !(q.Sigma >= 0) || math.IsInf(q.Sigma, 0) {
		return fmt.Errorf("qpcr: sigma must be >= 0, got %v", q.Sigma)
	}
	return nil
}

// Draw fills dst[:q.Replicates] with replicate measurements of load.
func (q QPCR) Draw(dst []float64, load float64, rng *rand.Rand) {
	for i := 0; i < q.Replicates; i++ {
		dst[i] = load * math.Exp(q.Sigma*rng.NormFloat64())
	}
}
