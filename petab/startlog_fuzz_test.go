package petab

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadStartLog: the reader of a calibration's starts.jsonl never
// panics, keeps only whole lines (the length it keeps is 0 or ends a line
// of the input), and keeps nothing of a log whose first line is not the
// run's whole header line.
func FuzzReadStartLog(f *testing.F) {
	head, err := json.Marshal(StartLogHeader{ProblemSHA256: "abc", Version: "v", Seed: 3, Settings: map[string]any{"starts": 2}})
	if err != nil {
		f.Fatal(err)
	}
	h := string(head) + "\n"
	f.Add([]byte(h + `{"index":0,"start":[0.5,"-Inf"],"final":[1,2],"objective":"+Inf","llh":"-Inf","status":"start point failed"}` + "\n"))
	f.Add([]byte(h + `{"index":1,"start":[0.5],"final":[1e300],"objective":-3.5,"llh":3.5,"converged":true}` + "\n" + `{"index":0,"st`))
	f.Add([]byte(h + "{oops\n{}\n"))
	f.Add([]byte(""))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		done, keep, err := readStartLog("starts.jsonl", data, head)
		if err != nil {
			return
		}
		if keep == 0 {
			if len(done) != 0 {
				t.Fatalf("kept no bytes but %d starts", len(done))
			}
			return
		}
		if !bytes.HasPrefix(data, []byte(h)) {
			t.Fatalf("kept a log without the run's header: %q", data)
		}
		if keep > len(data) || data[keep-1] != '\n' {
			t.Fatalf("keeps %d bytes of %d, not ending a line", keep, len(data))
		}
		for i, r := range done {
			if r.Index != i {
				t.Fatalf("start keyed %d records index %d", i, r.Index)
			}
		}
	})
}

// FuzzReadScreening: the reader of screening.json never panics, and what
// it accepts has exactly the run's candidate count.
func FuzzReadScreening(f *testing.F) {
	h := StartLogHeader{ProblemSHA256: "abc", Version: "v", Seed: 3, Settings: map[string]any{"start_candidates": 2}}
	head, err := json.Marshal(h)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"run":` + string(head) + `,"objectives":[0.5,"+Inf"]}`))
	f.Add([]byte(`{"run":` + string(head) + `,"objectives":[0.5]}`))
	f.Add([]byte(`{"run":{},"objectives":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "screening.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadScreening(path, h, 2)
		if err == nil && len(got) != 2 {
			t.Fatalf("accepted %d objectives for 2 candidates", len(got))
		}
	})
}
