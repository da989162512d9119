package assoc_test

import (
	"context"
	"fmt"

	"github.com/holobiont/holobiont/assoc"
	"github.com/holobiont/holobiont/table"
)

// Two sites, two taxa, one host variable: Cutibacterium falls with stress at
// the face and not at the forearm. (R: cor.test(1:4, 4:1, method =
// "spearman") gives p = 0.08333; a zero rho gives p = 1.)
func ExampleRun() {
	t := &table.Table{
		SampleIDs:  []string{"f1", "f2", "f3", "f4", "a1", "a2", "a3", "a4"},
		FeatureIDs: []string{"Cutibacterium", "Staphylococcus"},
		Indptr:     []int{0, 2, 4, 6, 8, 10, 12, 14, 16},
		Indices:    []int32{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1},
		Data:       []float64{90, 10, 70, 30, 50, 50, 20, 80, 40, 60, 60, 40, 30, 70, 50, 50},
	}
	d := assoc.Design{
		Strata:   []string{"face", "face", "face", "face", "forearm", "forearm", "forearm", "forearm"},
		VarNames: []string{"stress"},
		Vars:     [][]float64{{10, 20, 30, 40, 10, 20, 30, 40}},
	}
	rows, _ := assoc.Run(context.Background(), t, d, assoc.Options{Method: assoc.Spearman, Transform: assoc.Relative})
	for _, r := range rows {
		fmt.Printf("%s %s rho=%.2f p=%.4f q=%.4f n=%d\n", r.Stratum, r.Taxon, r.Effect, r.P, r.Q, r.N)
	}
	// Output:
	// face Cutibacterium rho=-1.00 p=0.0833 q=0.0833 n=4
	// face Staphylococcus rho=1.00 p=0.0833 q=0.0833 n=4
	// forearm Cutibacterium rho=0.00 p=1.0000 q=1.0000 n=4
	// forearm Staphylococcus rho=0.00 p=1.0000 q=1.0000 n=4
}
