package diversity_test

import (
	"context"
	"fmt"
	"math"

	"github.com/holobiont/holobiont/diversity"
	"github.com/holobiont/holobiont/table"
	"github.com/holobiont/holobiont/tree"
)

func ExampleShannon() {
	counts := []float64{10, 10, 20, 0}
	fmt.Printf("nats %.4f, bits %.4f\n", diversity.Shannon(counts, math.E), diversity.Shannon(counts, 2))
	fmt.Printf("Simpson %.4f, Chao1 %.1f\n", diversity.Simpson(counts), diversity.Chao1(counts, true))
	// Output:
	// nats 1.0397, bits 1.5000
	// Simpson 0.6250, Chao1 3.0
}

func ExampleBrayCurtis() {
	// Two gut and one skin sample over four taxa (CSR: samples as rows).
	t := &table.Table{
		SampleIDs:  []string{"gut1", "gut2", "skin1"},
		FeatureIDs: []string{"Bacteroides", "Faecalibacterium", "Cutibacterium", "Staphylococcus"},
		Indptr:     []int{0, 2, 4, 6},
		Indices:    []int32{0, 1, 0, 1, 2, 3},
		Data:       []float64{60, 40, 50, 50, 70, 30},
	}
	m, err := diversity.BrayCurtis(context.Background(), t, diversity.BetaOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("gut1-gut2 %.2f, gut1-skin1 %.2f\n", m.At(0, 1), m.At(0, 2))
	// Output:
	// gut1-gut2 0.10, gut1-skin1 1.00
}

func ExampleUnweightedUniFrac() {
	tr, err := tree.ParseString("((A:1,B:2):1,C:3);", "example.nwk")
	if err != nil {
		panic(err)
	}
	t := &table.Table{
		SampleIDs:  []string{"s1", "s2"},
		FeatureIDs: []string{"A", "B", "C"},
		Indptr:     []int{0, 2, 4},
		Indices:    []int32{0, 1, 1, 2},
		Data:       []float64{3, 1, 2, 2},
	}
	p, err := diversity.NewPhylo(tr, t.FeatureIDs)
	if err != nil {
		panic(err)
	}
	uw, _ := diversity.UnweightedUniFrac(context.Background(), t, p, diversity.BetaOptions{})
	w, _ := diversity.WeightedUniFrac(context.Background(), t, p, false, diversity.BetaOptions{})
	fmt.Printf("unweighted %.4f (4/7), weighted %.2f\n", uw.At(0, 1), w.At(0, 1))
	// Output:
	// unweighted 0.5714 (4/7), weighted 3.25
}
