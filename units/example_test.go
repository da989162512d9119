package units_test

import (
	"fmt"

	"github.com/holobiont/holobiont/expr"
	"github.com/holobiont/holobiont/units"
)

func ExampleParse() {
	u, err := units.Parse("ng/mL/day")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u)
	f, _ := units.Factor(units.MustParse("ng/mL"), units.MustParse("pg/mL"))
	fmt.Println(f)
	// Output:
	// 1.1574074074074074e-08 g m^-3 s^-1
	// 1000
}

func ExampleCheck() {
	declared := map[string]string{expr.TimeKey: "day", "x": "cells/g", "r": "1/day", "K": "cells/g", "c": "ng/mL"}
	unitOf := func(name string) (units.Unit, bool) {
		s, ok := declared[name]
		if !ok {
			return units.Unit{}, false
		}
		u, err := units.Parse(s)
		return u, err == nil
	}
	rate, _ := expr.Parse("r*x*(1 - x/K)")
	u, err := units.Check(rate, unitOf)
	fmt.Println(u.Equal(units.MustParse("cells/g/day")), err)

	bad, _ := expr.Parse("r*x + c")
	_, err = units.Check(bad, unitOf)
	fmt.Println(err)
	// Output:
	// true <nil>
	// 1:5: r*x + c: cannot add or subtract r*x [1.1574074074074073e-05 g^-1 s^-1 count] and c [ng/mL (= 0.001 g m^-3)]: dimensions differ
}
