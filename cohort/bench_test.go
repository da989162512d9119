package cohort

import (
	"context"
	"testing"
)

const benchSpec = `name: bench
n: 1
seed: 1
duration: 365
parameters:
  sigma_S: {dist: lognormal, median: 1, sdlog: 0.3}
  r_Cu: {dist: normal, mean: 1.2, sd: 0.1, lower: 0.5}
sampling:
  - {times: [0, 90, 180, 365], sites: [gut, face, scalp, axilla, forearm]}
endpoints:
  - {name: peak_cortisol, variable: host.cortisol, stat: max, from: 0, to: 365}
`

// BenchmarkSubjectYear simulates and observes one subject of the default
// model over one year (no interventions; 20 samples) per iteration.
func BenchmarkSubjectYear(b *testing.B) {
	s, err := ParseSpec("bench.yaml", []byte(benchSpec))
	if err != nil {
		b.Fatal(err)
	}
	p, err := Compile(s)
	if err != nil {
		b.Fatal(err)
	}
	r, err := p.NewRunner()
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if _, err := p.Simulate(context.Background(), r, i, nil); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
