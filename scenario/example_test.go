package scenario_test

import (
	"context"
	"fmt"
	"log"
	"slices"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/scenario"
)

// A scenario built in Go, with no YAML: 60 days of the default model with a
// two-week probiotic course from day 10 at the calibrated L. reuteri dose
// (the shipped scenario's), half of which engrafts.
func Example() {
	sc := &scenario.Scenario{Name: "probiotic, half engraftment", End: 60,
		Interventions: []scenario.Intervention{&scenario.Probiotic{
			Base:  scenario.Base{Name: "probiotic course", Timing: scenario.Timing{Start: 10, Duration: 14}},
			Taxon: "gut.probiotic", Dose: 3e-7, Engraftment: 0.5, Mode: "daily"}}}
	p, err := holobiont.Load(context.Background(), "gut-skin-brain.yaml", holobiont.WithScenario(sc))
	if err != nil {
		log.Fatal(err)
	}
	res, err := p.Run(context.Background(), holobiont.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, iv := range res.Record.Interventions {
		fmt.Printf("%s %q: days %g-%g\n", iv.Type, iv.Name, iv.Start, iv.End)
	}
	fmt.Printf("peak probiotic strain density: %.2g\n", slices.Max(res.Series("gut.probiotic")))
	// Output:
	// probiotic "probiotic course": days 10-24
	// peak probiotic strain density: 2.4e-07
}
