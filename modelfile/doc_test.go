package modelfile

import (
	"os"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/sim"
)

// TestDocExample loads and runs the worked example of docs/model-format.md.
func TestDocExample(t *testing.T) {
	data, err := os.ReadFile("../docs/model-format.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i := strings.Index(s, "```yaml\n")
	j := strings.Index(s[i+8:], "```")
	src := s[i+8 : i+8+j]
	m, err := ParseModel("model-format.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, tr := runModel(t, m, map[string]float64{"stress": 1}, nil, sim.Options{Start: 0, End: 10})
	// cortisol relaxes to drive = 1 + sigma_S*stress = 2
	if got := last(col(t, tr, "host.cortisol")); got < 1.999 || got > 2.001 {
		t.Errorf("cortisol %g at day 10, want 2", got)
	}
}
