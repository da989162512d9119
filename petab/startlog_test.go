package petab

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/holobiont/holobiont/estimate"
)

// TestStartLogRoundTrip: a failed start (objective +Inf, llh −Inf) and a
// finished one read back bit for bit; a last line cut short by a crash is
// dropped, a bad line before the last is an error naming its line, and a
// header with other settings is refused, naming the setting.
func TestStartLogRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "starts.jsonl")
	h := StartLogHeader{ProblemSHA256: "abc", Version: "v", Seed: 3, Settings: map[string]any{"starts": 4, "rtol": 1e-8}}
	l, done, err := OpenStartLog(path, h, true) // nothing to resume yet
	if err != nil || len(done) != 0 {
		t.Fatal(err, done)
	}
	rs := []estimate.StartResult{
		{Index: 2, U0: []float64{0.1, -3}, Err: "start point failed: simulation failed", Resampled: 20, Seconds: 1.5,
			LocalResult: estimate.LocalResult{U: []float64{0.1, -3}, F: math.Inf(1), LLH: math.Inf(-1), Status: "start point failed"}},
		{Index: 0, U0: []float64{1.0 / 3, 2e-300}, Seconds: 0.25,
			LocalResult: estimate.LocalResult{U: []float64{math.Pi, -1e300}, F: -7.991280103741329, LLH: 7.991280103741329, Iter: 12, Evals: 15, Grads: 14,
				Failed: 1, Status: "gradient below tolerance", Switched: true, Converged: true}},
	}
	for _, r := range rs {
		if err := l.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"index":1,"start":[0.5,`) // cut short
	f.Close()
	l, done, err = OpenStartLog(path, h, true)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if len(done) != 2 || !reflect.DeepEqual(done[2], rs[0]) || !reflect.DeepEqual(done[0], rs[1]) {
		t.Errorf("read back %+v\nwant %+v", done, rs)
	}
	b, _ := os.ReadFile(path)
	if strings.Count(string(b), "\n") != 3 || !strings.HasSuffix(string(b), "}\n") {
		t.Errorf("the torn line was not dropped:\n%s", b)
	}
	lines := strings.SplitAfter(string(b), "\n")
	bad := lines[0] + "{oops\n" + strings.Join(lines[1:], "")
	os.WriteFile(path, []byte(bad), 0o644)
	if _, _, err := OpenStartLog(path, h, true); err == nil || !strings.Contains(err.Error(), "starts.jsonl:2:") {
		t.Errorf("bad second line: %v", err)
	}
	h2 := h
	h2.Settings = map[string]any{"starts": 4, "rtol": 1e-6}
	if _, _, err := OpenStartLog(path, h2, true); err == nil || !strings.Contains(err.Error(), "settings.rtol 1e-08, now 1e-06") {
		t.Errorf("other settings: %v", err)
	}
	l, done, err = OpenStartLog(path, h2, false) // a new run replaces the log
	if err != nil || len(done) != 0 {
		t.Fatal(err, done)
	}
	l.Close()
	if b, _ := os.ReadFile(path); strings.Count(string(b), "\n") != 1 {
		t.Errorf("new log:\n%s", b)
	}
}
