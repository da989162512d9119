package model

import (
	"strings"
	"testing"

	"github.com/holobiont/holobiont/expr"
)

// TestExpansionSize checks the expanded sizes against trees inlined by hand.
func TestExpansionSize(t *testing.T) {
	parse := func(s string) *expr.Node {
		n, err := expr.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	funcs := map[string]*Function{
		"f": {ID: "f", Args: []string{"x"}, Body: parse("x + x*x")}, // 2 ops + 3 x
		"g": {ID: "g", Args: []string{"x", "y"}, Body: parse("f(y) + 1")},
	}
	for _, c := range []struct {
		src  string
		want float64
	}{
		{"a", 1},
		{"f(a)", 5},            // a + a*a
		{"f(a+b)", 11},         // (a+b) + (a+b)*(a+b)
		{"g(a*b*c, d)", 7},     // f(d) + 1; x unused
		{"f(f(a))", 2 + 3*5},   // f(a) three times
		{"g(1, f(a)) - 2", 21}, // f(f(a)) + 1, then - 2
	} {
		x := newExpansion(funcs)
		if got := x.size(parse(c.src), nil, nil).c; got != c.want {
			t.Errorf("%s: size %v, want %v", c.src, got, c.want)
		}
	}
	x := newExpansion(map[string]*Function{"h": {ID: "h", Args: []string{"x"}, Body: parse("h(x) + 1")}})
	if msg := x.check(parse("h(2)")); !strings.Contains(msg, "recursive: h -> h") {
		t.Errorf("recursion: %q", msg)
	}
}
