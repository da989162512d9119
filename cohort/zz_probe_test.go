package cohort

import (
	"context"
	"fmt"
	"testing"
)

func TestZZProbe(t *testing.T) {
	ts, err := LoadTrialSpec("../examples/da-benchmark-trial.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tp, err := CompileTrial(ts)
	if err != nil {
		t.Fatal(err)
	}
	subs, err := tp.SimulateSubjects(context.Background(), []int{0, 1, 2, 3, 4, 5}, []int{0, 0, 2, 0, 2, 1}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		for si, sm := range s.Samples {
			fmt.Println(s.Err, si, sm.Rel[len(sm.Rel)-1])
		}
	}
}
