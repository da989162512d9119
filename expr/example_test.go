package expr_test

import (
	"fmt"

	"github.com/holobiont/holobiont/expr"
)

func ExampleParse() {
	n, err := expr.Parse("-x^2 + hill(axilla.S_aureus, K, 2) * if(t > 7, 1, 0)")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(expr.String(n))
	fmt.Println(expr.Vars(n))

	_, err = expr.Parse("exp(x, 2)")
	fmt.Println(err)
	// Output:
	// -x^2 + hill(axilla.S_aureus, K, 2)*piecewise(1, time > 7, 0)
	// [K axilla.S_aureus x]
	// 1:1: function exp takes 1 argument, got 2
}

func ExampleEval() {
	n, _ := expr.Parse("r*x*(1 - x/K)")
	vals := map[string]float64{"r": 0.5, "x": 20, "K": 100}
	v, err := expr.Eval(n, func(name string) (float64, bool) { v, ok := vals[name]; return v, ok }, nil)
	fmt.Println(v, err)
	// Output: 8 <nil>
}

func ExampleDiff() {
	n, _ := expr.Parse("r*x*(1 - x/K)")
	d, err := expr.Diff(n, "x", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(expr.String(d))
	// Output: r*(1 - x/K) - r*x/K
}

func ExampleSimplify() {
	n, _ := expr.Parse("0*y + 1*x^1 + 2*3")
	fmt.Println(expr.String(expr.Simplify(n)))
	// Output: x + 6
}
