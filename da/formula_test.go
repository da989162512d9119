package da

import (
	"strings"
	"testing"
)

func TestParseFormula(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"~ group", "~ group"},
		{"group + age", "~ group + age"},
		{"~ a*b", "~ a + b + a:b"},
		{"~ time * group", "~ time + group + time:group"},
		{"~ a:b + b:a", "~ a:b"},
		{"~ body-site + age", "~ body-site + age"},
		{"~ `weird name` + x", "~ weird name + x"},
		{"~ group - 1", "~ group - 1"},
		{"~ 0 + group", "~ group - 1"},
		{"~ (a + b):c", "~ a:c + b:c"},
		{"~ a + a", "~ a"},
	}
	for _, c := range cases {
		f, err := ParseFormula(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := f.String(); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
	bad := map[string]string{
		"":          "no terms",
		"~":         "no terms",
		"~ a +":     "ends after",
		"~ a b":     "expected + or -",
		"~ a - b":   "only",
		"~ (a + b":  "unclosed",
		"~ a$":      "unexpected character",
		"~ `a":      "unterminated",
		"~ a : 1":   "interaction",
		"~ 0":       "no terms and no intercept",
		"~ a ) + b": "expected + or -",
	}
	for in, want := range bad {
		_, err := ParseFormula(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

func FuzzParseFormula(f *testing.F) {
	for _, s := range []string{"~ group + age", "a*b:c", "~ (a + b):c - 1", "`x y` + z", "~ 0 + a", "~ a +", "((", "~ a-b-c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := ParseFormula(s)
		if err != nil {
			return
		}
		// A parsed formula prints back to one that parses to the same terms.
		again, err := ParseFormula(quoteAll(fm))
		if err != nil {
			t.Fatalf("%q printed as %q does not parse: %v", s, quoteAll(fm), err)
		}
		if again.String() != fm.String() {
			t.Fatalf("%q: round trip %q != %q", s, again.String(), fm.String())
		}
	})
}

// quoteAll writes the formula with every name in backquotes.
func quoteAll(f *Formula) string {
	var parts []string
	for _, t := range f.Terms {
		var vs []string
		for _, v := range t.Vars {
			vs = append(vs, "`"+v+"`")
		}
		parts = append(parts, strings.Join(vs, ":"))
	}
	s := "~ " + strings.Join(parts, " + ")
	if len(parts) == 0 {
		s = "~ 1"
	}
	if !f.Intercept {
		s += " - 1"
	}
	return s
}

func TestDesign(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	cols := map[string]Column{
		"g":    {Values: []string{"x", "x", "y", "y", "z", "z", "x", "y"}},
		"t":    {Values: []string{"0", "1", "0", "1", "0", "2", "3", "2"}, Numeric: true},
		"subj": {Values: []string{"p", "p", "q", "q", "r", "r", "s", "s"}},
	}
	f, _ := ParseFormula("~ t * g")
	d, err := NewDesign(f, cols, ids, DesignOptions{Reference: map[string]string{"g": "y"}, Random: "subj"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"(Intercept)", "t", "g[x]", "g[z]", "t:g[x]", "t:g[z]"}
	if strings.Join(d.Names, ",") != strings.Join(want, ",") {
		t.Fatalf("names %v, want %v", d.Names, want)
	}
	// Row f: t=2, g=z → 1, 2, 0, 1, 0, 2.
	row := d.X[5*d.P : 6*d.P]
	for k, w := range []float64{1, 2, 0, 1, 0, 2} {
		if row[k] != w {
			t.Errorf("row f col %d = %g, want %g", k, row[k], w)
		}
	}
	if d.RandomLevels[d.Random[4]] != "r" {
		t.Errorf("random levels %v %v", d.Random, d.RandomLevels)
	}
}
