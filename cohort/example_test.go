package cohort_test

import (
	"fmt"

	"github.com/holobiont/holobiont/cohort"
)

// Streams depend only on (seed, subject, purpose): the same triple always
// gives the same draws, whichever worker or shard runs the subject.
func ExampleStream() {
	a := cohort.Stream(42, 7, cohort.PurposeParams).Float64()
	b := cohort.Stream(42, 7, cohort.PurposeParams).Float64()
	c := cohort.Stream(42, 8, cohort.PurposeParams).Float64()
	fmt.Println(a == b, a == c)
	// Output: true false
}

func ExampleParseSpec() {
	_, err := cohort.ParseSpec("spec.yaml", []byte(`n: 10
duration: 30
parameters:
  r_Cu: {dist: normal, mean: 1.2, sd: -0.1}
`))
	fmt.Println(err)
	// Output: spec.yaml:4:9: parameter r_Cu: negative sd -0.1
}
