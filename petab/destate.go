package petab

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/internal/jsonnum"
	"github.com/holobiont/holobiont/internal/safefile"
)

// deStateRecord is DIR/de-state.json: differential evolution after a
// generation of the run its header names, so that a resumed run continues
// the search instead of starting it again.
type deStateRecord struct {
	Header     json.RawMessage   `json:"run"`
	Generation int               `json:"generation"`
	Evals      int               `json:"evaluations"`
	Converged  bool              `json:"converged"`
	RNG        []byte            `json:"rng"`
	Pop        [][]jsonnum.Exact `json:"population"`
	F          []jsonnum.Exact   `json:"objectives"`
}

// WriteDEState records the state s of the run h's differential evolution
// in path, atomically (the file appears whole or not at all).
func WriteDEState(path string, h StartLogHeader, s estimate.DEState) error {
	head, err := json.Marshal(h)
	if err != nil {
		return err
	}
	rec := deStateRecord{Header: head, Generation: s.Generation, Evals: s.Evals, Converged: s.Converged, RNG: s.RNG, F: toJ(s.F)}
	for _, x := range s.Pop {
		rec.Pop = append(rec.Pop, toJ(x))
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return safefile.WriteFile(path, append(b, '\n'))
}

// ReadDEState returns the differential evolution state recorded in path
// for the run h, or nil (and no error) when path does not exist. A record
// of another run, or one whose population and objectives do not have the
// same length or whose members differ in length, is an error naming the
// file and what differs; whether the state fits the problem is
// estimate.Problem.CheckDEState's question.
func ReadDEState(path string, h StartLogHeader) (*estimate.DEState, error) {
	b, head, ok, err := readRunRecord(path, h)
	if !ok || err != nil {
		return nil, err
	}
	return parseDEState(path, b, head)
}

func parseDEState(path string, b, head []byte) (*estimate.DEState, error) {
	var r deStateRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !bytes.Equal(r.Header, head) {
		return nil, fmt.Errorf("%s: written for another run (%s); --resume needs the same problem, version, seed and settings", path, headerDiff(r.Header, head))
	}
	if len(r.Pop) == 0 || len(r.Pop) != len(r.F) {
		return nil, fmt.Errorf("%s: %d members and %d objectives recorded", path, len(r.Pop), len(r.F))
	}
	s := &estimate.DEState{Generation: r.Generation, Evals: r.Evals, Converged: r.Converged, RNG: r.RNG, F: fromJ(r.F)}
	for i, x := range r.Pop {
		if len(x) != len(r.Pop[0]) {
			return nil, fmt.Errorf("%s: member %d has %d parameters, member 0 %d", path, i, len(x), len(r.Pop[0]))
		}
		s.Pop = append(s.Pop, fromJ(x))
	}
	if s.Generation < 0 || s.Evals < 0 {
		return nil, fmt.Errorf("%s: generation %d, %d evaluations: want both >= 0", path, s.Generation, s.Evals)
	}
	return s, nil
}
