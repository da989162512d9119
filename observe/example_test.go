package observe_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/holobiont/holobiont/observe"
)

func ExampleCounts_Sample() {
	rng := rand.New(rand.NewPCG(1, 2))
	c := observe.Counts{Noise: observe.NoiseMultinomial}
	dst := make([]int, 3)
	c.Sample(dst, 1000, []float64{0.7, 0.2, 0.1}, nil, rng)
	fmt.Println(dst[0]+dst[1]+dst[2], dst[0] > dst[1], dst[1] > dst[2])
	// Output: 1000 true true
}
