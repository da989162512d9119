package petab

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/holobiont/holobiont/internal/jsonnum"
	"github.com/holobiont/holobiont/internal/safefile"
)

// screeningRecord is DIR/screening.json: the objective of every screening
// candidate of the run its header names, so that a resumed run does not
// simulate the candidates again.
type screeningRecord struct {
	Header     json.RawMessage `json:"run"`
	Objectives []jsonnum.Exact `json:"objectives"`
}

// WriteScreening records the candidates' objectives f of the run h in
// path, atomically (the file appears whole or not at all).
func WriteScreening(path string, h StartLogHeader, f []float64) error {
	head, err := json.Marshal(h)
	if err != nil {
		return err
	}
	b, err := json.Marshal(screeningRecord{Header: head, Objectives: toJ(f)})
	if err != nil {
		return err
	}
	return safefile.WriteFile(path, append(b, '\n'))
}

// readRunRecord reads the record file at path of a run whose header is h:
// its bytes and h as JSON; ok is false (and err nil) when path does not
// exist.
func readRunRecord(path string, h StartLogHeader) (b, head []byte, ok bool, err error) {
	b, err = os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	head, err = json.Marshal(h)
	if err != nil {
		return nil, nil, false, err
	}
	return b, head, true, nil
}

// ReadScreening returns the candidates' objectives recorded in path for
// the run h, or nil (and no error) when path does not exist. A record of
// another run, or of another number of candidates than m, is an error
// naming what differs.
func ReadScreening(path string, h StartLogHeader, m int) ([]float64, error) {
	b, head, ok, err := readRunRecord(path, h)
	if !ok || err != nil {
		return nil, err
	}
	var r screeningRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !bytes.Equal(r.Header, head) {
		return nil, fmt.Errorf("%s: written for another run (%s)", path, headerDiff(r.Header, head))
	}
	if len(r.Objectives) != m {
		return nil, fmt.Errorf("%s: %d candidates recorded, the run screens %d", path, len(r.Objectives), m)
	}
	return fromJ(r.Objectives), nil
}
