package suggest

import "testing"

func TestClosest(t *testing.T) {
	cands := []string{"sigma_S", "sigma_I", "niche_open", "k_pro", "t_half_P"}
	for _, c := range []struct{ in, want string }{
		{"sigma_s", "sigma_S"}, {"sigmaS", "sigma_S"}, {"nich_open", "niche_open"}, {"k_pr", "k_pro"},
		{"t_half_p", "t_half_P"}, {"completely_else", ""}, {"x", ""},
	} {
		if got := Closest(c.in, cands); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if s := DidYouMean("sigma_s", cands); s != " (did you mean sigma_S?)" {
		t.Errorf("DidYouMean = %q", s)
	}
	if distance("kitten", "sitting", 10) != 3 {
		t.Error("distance(kitten, sitting) != 3")
	}
}
