package holobiont_test

import (
	"context"
	"fmt"
	"log"
	"slices"

	holobiont "github.com/holobiont/holobiont"
)

// The whole flow: the shipped default model with its shipped 180-day
// scenario (exam stress, an oral antibiotic course, a probiotic course), for
// a person whose cortisol does not respond to stress (sigma_S = 0).
func Example() {
	p, err := holobiont.Load(context.Background(), "gut-skin-brain.yaml", holobiont.Scenario("gut-skin-brain.yaml"), holobiont.Set("sigma_S", 0))
	if err != nil {
		log.Fatal(err)
	}
	res, err := p.Run(context.Background(), holobiont.Options{})
	if err != nil {
		log.Fatal(err)
	}
	cortisol := res.Series("host.cortisol")
	fmt.Printf("%g days, %d output times\n", p.End()-p.Start(), len(res.Times()))
	fmt.Printf("cortisol: day 0 %.3f, peak %.3f\n", cortisol[0], slices.Max(cortisol))
	for _, iv := range res.Record.Interventions {
		fmt.Printf("%-10s %-24s days %g-%g\n", iv.Type, iv.Name, iv.Start, iv.End)
	}
	// Output:
	// 180 days, 361 output times
	// cortisol: day 0 0.988, peak 1.383
	// stress     exam stress              days 14-28
	// antibiotic oral antibiotic course   days 35-42
	// probiotic  probiotic course         days 49-105
}

// A Runner compiles the model once and runs it with different parameter
// values: here the stress responsiveness of the HPA axis.
func ExampleRunner() {
	p, err := holobiont.Load(context.Background(), "gut-skin-brain.yaml")
	if err != nil {
		log.Fatal(err)
	}
	r, err := p.NewRunner("sigma_S")
	if err != nil {
		log.Fatal(err)
	}
	for _, sigma := range []float64{0, 0.5, 1} {
		res, err := r.Run(context.Background(), []float64{sigma}, holobiont.Options{})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("sigma_S %.1f: peak cortisol %.3f\n", sigma, slices.Max(res.Series("host.cortisol")))
	}
	// Output:
	// sigma_S 0.0: peak cortisol 1.383
	// sigma_S 0.5: peak cortisol 1.519
	// sigma_S 1.0: peak cortisol 1.866
}
