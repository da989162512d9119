package jsonnum_test

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/holobiont/holobiont/internal/jsonnum"
)

func ExampleFloat() {
	b, _ := json.Marshal(jsonnum.Floats([]float64{0.25, math.NaN(), math.Inf(1)}))
	fmt.Println(string(b))
	// Output: [0.25,null,null]
}
