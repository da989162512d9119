package ode

import "testing"

func TestParseMethod(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Method
	}{
		{"auto", Auto}, {"dopri5", DOPRI5}, {"dop853", DOP853},
		{"rosenbrock", Rodas4}, {"rodas4", Rodas4},
	} {
		got, err := ParseMethod(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseMethod(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
		// The canonical name reads back as the same method.
		if back, err := ParseMethod(got.String()); err != nil || back != got {
			t.Errorf("ParseMethod(%q.String() = %q) = %v, %v", c.in, got.String(), back, err)
		}
	}
	for _, bad := range []string{"euler", "", "Auto", "Method(9)"} {
		if _, err := ParseMethod(bad); err == nil {
			t.Errorf("ParseMethod(%q): want an error", bad)
		}
	}
}
