package petab

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/internal/jsonnum"
)

// StartLog is a calibration's starts.jsonl: a header line naming the
// problem (SHA-256), version, seed and settings, then one line per
// finished start, each written by one write and synced, so the starts of
// an interrupted run survive it and a resumed run skips them.
type StartLog struct {
	f    *os.File
	path string
}

// StartLogHeader is the first line of starts.jsonl: a resumed run must
// have the same one.
type StartLogHeader struct {
	ProblemSHA256 string         `json:"problem_sha256"`
	Version       string         `json:"holobiont_version"`
	Seed          uint64         `json:"seed"`
	Settings      map[string]any `json:"settings"`
}

// logStart is one start as a line of starts.jsonl.
type logStart struct {
	Index     int             `json:"index"`
	U0        []jsonnum.Exact `json:"start"`
	U         []jsonnum.Exact `json:"final"`
	F         jsonnum.Exact   `json:"objective"`
	LLH       jsonnum.Exact   `json:"llh"`
	Iter      int             `json:"iterations"`
	Evals     int             `json:"evaluations"`
	Grads     int             `json:"gradients"`
	Failed    int             `json:"failed_trial_points"`
	Status    string          `json:"status"`
	Switched  bool            `json:"switched_to_bfgs"`
	Converged bool            `json:"converged"`
	Resampled int             `json:"resampled"`
	Seconds   float64         `json:"seconds"`
	Err       string          `json:"error"`
	Stages    []logStage      `json:"stages,omitempty"`
}

// logStage is one stage of a start (--horizon-stages, --shooting).
type logStage struct {
	Horizon jsonnum.Exact `json:"horizon"`
	F       jsonnum.Exact `json:"objective"`
	Iter    int           `json:"iterations"`
	Evals   int           `json:"evaluations"`
	Status  string        `json:"status"`
	Weight  jsonnum.Exact `json:"continuity_weight,omitempty"`
	Gap     jsonnum.Exact `json:"continuity_gap,omitempty"`
}

func toJ(u []float64) []jsonnum.Exact {
	out := make([]jsonnum.Exact, len(u))
	for i, v := range u {
		out[i] = jsonnum.Exact(v)
	}
	return out
}

func fromJ(u []jsonnum.Exact) []float64 {
	out := make([]float64, len(u))
	for i, v := range u {
		out[i] = float64(v)
	}
	return out
}

func (l logStart) result() estimate.StartResult {
	return estimate.StartResult{Index: l.Index, U0: fromJ(l.U0), Resampled: l.Resampled, Seconds: l.Seconds, Err: l.Err,
		LocalResult: estimate.LocalResult{U: fromJ(l.U), F: float64(l.F), LLH: float64(l.LLH), Iter: l.Iter, Evals: l.Evals,
			Grads: l.Grads, Failed: l.Failed, Status: l.Status, Switched: l.Switched, Converged: l.Converged}, Stages: fromLogStages(l.Stages)}
}

// OpenStartLog opens path for the run described by h. Without resume it
// starts a new log (replacing any earlier one). With resume it reads the
// log's finished starts (by index) after checking that its header is h: a
// log of another problem, version, seed or settings is refused, naming
// what differs. A last line cut short by a crash is dropped.
func OpenStartLog(path string, h StartLogHeader, resume bool) (*StartLog, map[int]estimate.StartResult, error) {
	head, err := json.Marshal(h)
	if err != nil {
		return nil, nil, err
	}
	done := map[int]estimate.StartResult{}
	if resume {
		b, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			resume = false // nothing to resume: start the log
		case err != nil:
			return nil, nil, err
		default:
			var keep int
			if done, keep, err = readStartLog(path, b, head); err != nil {
				return nil, nil, err
			}
			if err := os.Truncate(path, int64(keep)); err != nil { // drop a torn last line before appending
				return nil, nil, err
			}
			resume = keep > 0
		}
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if !resume {
		flag |= os.O_TRUNC
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, nil, err
	}
	l := &StartLog{f: f, path: path}
	if !resume {
		if err := l.writeLine(head); err != nil {
			f.Close()
			return nil, nil, err
		}
	}
	return l, done, nil
}

// readStartLog parses a log whose header must be head, and returns its
// starts and the length of its whole lines (a torn last line excluded; 0
// when the header line itself is torn).
func readStartLog(path string, b, head []byte) (map[int]estimate.StartResult, int, error) {
	lines := bytes.SplitAfter(b, []byte("\n"))
	if !bytes.Equal(bytes.TrimSuffix(lines[0], []byte("\n")), head) {
		return nil, 0, fmt.Errorf("%s:1: written for another run (%s); --resume needs the same problem, version, seed and settings", path, headerDiff(lines[0], head))
	}
	done := map[int]estimate.StartResult{}
	if !bytes.HasSuffix(lines[0], []byte("\n")) {
		return done, 0, nil // the header itself was cut short: start the log again
	}
	keep := len(lines[0])
	for i, ln := range lines[1:] {
		if len(ln) == 0 {
			continue
		}
		var s logStart
		err := json.Unmarshal(ln, &s)
		if last := i == len(lines)-2; last && (err != nil || !bytes.HasSuffix(ln, []byte("\n"))) {
			break // cut short by a crash: that start runs again
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s:%d: %w", path, i+2, err)
		}
		done[s.Index] = s.result()
		keep += len(ln)
	}
	return done, keep, nil
}

// headerDiff names the header fields and settings that differ.
func headerDiff(old, cur []byte) string {
	var a, b map[string]any
	if json.Unmarshal(old, &a) != nil {
		return "its header does not parse"
	}
	_ = json.Unmarshal(cur, &b)
	sa, _ := a["settings"].(map[string]any)
	sb, _ := b["settings"].(map[string]any)
	var diff []string
	for _, m := range []struct {
		x, y   map[string]any
		prefix string
	}{{a, b, ""}, {sa, sb, "settings."}} {
		keys := map[string]bool{}
		for k := range m.x {
			keys[k] = true
		}
		for k := range m.y {
			keys[k] = true
		}
		for k := range keys {
			if k == "settings" && m.prefix == "" {
				continue
			}
			if x, y := fmt.Sprint(m.x[k]), fmt.Sprint(m.y[k]); x != y {
				diff = append(diff, fmt.Sprintf("%s%s %s, now %s", m.prefix, k, x, y))
			}
		}
	}
	sort.Strings(diff)
	if len(diff) == 0 {
		return "header differs"
	}
	return fmt.Sprint(diff)
}

// Append records a finished start: one write of one line, then fsync.
func (l *StartLog) Append(r estimate.StartResult) error {
	b, err := json.Marshal(logStart{Index: r.Index, U0: toJ(r.U0), U: toJ(r.U), F: jsonnum.Exact(r.F), LLH: jsonnum.Exact(r.LLH), Iter: r.Iter,
		Evals: r.Evals, Grads: r.Grads, Failed: r.Failed, Status: r.Status, Switched: r.Switched, Converged: r.Converged,
		Resampled: r.Resampled, Seconds: r.Seconds, Err: r.Err, Stages: toLogStages(r.Stages)})
	if err != nil {
		return err
	}
	return l.writeLine(b)
}

func (l *StartLog) writeLine(b []byte) error {
	w := bufio.NewWriterSize(l.f, len(b)+1)
	w.Write(b)
	w.WriteByte('\n')
	if err := w.Flush(); err != nil {
		return fmt.Errorf("%s: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("%s: %w", l.path, err)
	}
	return nil
}

// Close closes the log.
func (l *StartLog) Close() error { return l.f.Close() }

func toLogStages(st []estimate.Stage) []logStage {
	var out []logStage
	for _, s := range st {
		out = append(out, logStage{Horizon: jsonnum.Exact(s.Horizon), F: jsonnum.Exact(s.F), Iter: s.Iter, Evals: s.Evals, Status: s.Status,
			Weight: jsonnum.Exact(s.Weight), Gap: jsonnum.Exact(s.Gap)})
	}
	return out
}

func fromLogStages(st []logStage) []estimate.Stage {
	var out []estimate.Stage
	for _, s := range st {
		out = append(out, estimate.Stage{Horizon: float64(s.Horizon), F: float64(s.F), Iter: s.Iter, Evals: s.Evals, Status: s.Status,
			Weight: float64(s.Weight), Gap: float64(s.Gap)})
	}
	return out
}
