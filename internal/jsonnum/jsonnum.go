package jsonnum

import (
	"encoding/json"
	"math"
	"strconv"
)

// Float is a float64 that encodes NaN and ±Inf as JSON null; null decodes
// as NaN. Finite values encode as encoding/json encodes a float64.
type Float float64

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// MarshalJSON implements json.Marshaler.
func (x Float) MarshalJSON() ([]byte, error) {
	if !finite(float64(x)) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(x))
}

// UnmarshalJSON implements json.Unmarshaler.
func (x *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*x = Float(math.NaN())
		return nil
	}
	return json.Unmarshal(b, (*float64)(x))
}

// Floats converts x to a new slice of Float.
func Floats(x []float64) []Float {
	out := make([]Float, len(x))
	for i, v := range x {
		out[i] = Float(v)
	}
	return out
}

// Ptr returns a pointer to v, or nil when v is not finite: the form of an
// optional field (`*float64` with or without `omitempty`).
func Ptr(v float64) *float64 {
	if !finite(v) {
		return nil
	}
	return &v
}

// Exact is a float64 whose JSON form reads back bit for bit: finite values
// as numbers (shortest round-trip form), NaN and ±Inf as the strings
// "NaN", "+Inf" and "-Inf".
type Exact float64

// MarshalJSON implements json.Marshaler.
func (x Exact) MarshalJSON() ([]byte, error) {
	f := float64(x)
	if !finite(f) {
		return json.Marshal(strconv.FormatFloat(f, 'g', -1, 64))
	}
	return json.Marshal(f)
}

// UnmarshalJSON implements json.Unmarshaler.
func (x *Exact) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		f, err := strconv.ParseFloat(s, 64)
		*x = Exact(f)
		return err
	}
	var f float64
	err := json.Unmarshal(b, &f)
	*x = Exact(f)
	return err
}
