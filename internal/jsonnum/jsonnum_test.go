package jsonnum

import (
	"encoding/json"
	"math"
	"testing"
)

func TestFloat(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{1.5, "1.5"}, {0, "0"}, {1e-7, "1e-7"}, {1e21, "1e+21"}, {-2.5e-300, "-2.5e-300"},
		{math.NaN(), "null"}, {math.Inf(1), "null"}, {math.Inf(-1), "null"},
	} {
		b, err := json.Marshal(Float(c.v))
		if err != nil || string(b) != c.want {
			t.Errorf("Marshal(%g) = %s, %v; want %s", c.v, b, err, c.want)
		}
		var back Float
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if finite(c.v) && float64(back) != c.v || !finite(c.v) && !math.IsNaN(float64(back)) {
			t.Errorf("round trip of %g gave %g", c.v, float64(back))
		}
	}
}

func TestExactRoundTrip(t *testing.T) {
	for _, v := range []float64{0.1, -0, 1e-310, math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()} {
		b, err := json.Marshal([]Exact{Exact(v)})
		if err != nil {
			t.Fatal(err)
		}
		var back []Exact
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		got := float64(back[0])
		if got != v && !(math.IsNaN(v) && math.IsNaN(got)) {
			t.Errorf("%g wrote %s, read back %g", v, b, got)
		}
	}
	var x Exact
	if err := json.Unmarshal([]byte(`"1.5x"`), &x); err == nil {
		t.Error(`"1.5x" was accepted`)
	}
}

func TestPtr(t *testing.T) {
	if Ptr(math.NaN()) != nil || Ptr(math.Inf(-1)) != nil {
		t.Error("non-finite gave a pointer")
	}
	if p := Ptr(0); p == nil || *p != 0 {
		t.Error("Ptr(0)")
	}
}
