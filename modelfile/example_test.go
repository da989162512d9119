package modelfile_test

import (
	"fmt"

	"github.com/holobiont/holobiont/modelfile"
)

func ExampleParseModel() {
	src := []byte(`id: decay
parameters:
  k: {value: 0.5, unit: 1/day, citation: "textbook", evidence: Q}
states:
  host.x: {initial: 1, unit: dimensionless, rate: "-k*host.x"}
`)
	m, err := modelfile.ParseModel("decay.yaml", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.ID, len(m.Species), m.Rules[0].Variable, m.Parameters[0].Prov.Evidence)

	// A reference to an undeclared name is located inside the expression.
	_, err = modelfile.ParseModel("decay.yaml", []byte("states:\n  host.x: {initial: 1, rate: \"-kk*host.x\"}\n"))
	fmt.Println(err)
	// Output:
	// decay 1 host.x Q
	// decay.yaml:2:32: states.host.x.rate: unknown name "kk"
}
