package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/server"
	"github.com/holobiont/holobiont/store"
)

// recordRun records a finished (or failed part-way) CLI run in the run store
// at loc, with its output files, in one transaction. Input files that are
// not shipped are stored as uploads, so the server can run them again.
func recordRun(ctx context.Context, loc string, res *runResult, o runOptions, runErr error) error {
	st, err := store.Open(ctx, loc)
	if err != nil {
		return err
	}
	defer st.Close()
	p := res.Problem
	sr := server.StoredRequest{Kind: "run", Solver: res.Summary.Solver.Method, RTol: o.rtol, ATol: o.atol, Seed: o.seed}
	if ov := p.Overrides(); len(ov) > 0 {
		sr.Set = map[string]float64{}
		for _, s := range ov {
			sr.Set[s.Name] = s.Value
		}
	}
	ref := func(in holobiont.Source, kind string) (string, string, error) {
		if name, ok := strings.CutPrefix(in.Name, "shipped:"); ok {
			name = strings.TrimPrefix(name, "scenarios/")
			return name, name, nil
		}
		if strings.HasPrefix(in.Name, "(") || in.Data == nil { // the built-in 365-day scenario
			return "", "", nil
		}
		u, err := st.PutUpload(ctx, filepath.Base(in.Name), kind, in.Data)
		if err != nil {
			return "", "", err
		}
		return "sha256:" + u.SHA256, u.Name, nil
	}
	if sr.Model, sr.ModelName, err = ref(p.ModelSource, "model"); err != nil {
		return err
	}
	if sr.Scenario, sr.ScenarioName, err = ref(p.ScenarioSource, "scenario"); err != nil {
		return err
	}
	reqJSON, _ := json.Marshal(sr)
	sumJSON, _ := json.Marshal(res.Summary)
	run := &store.Run{ID: res.Summary.RunID, Kind: "run", Status: store.Succeeded, Title: res.Summary.Model.ID + ": " + res.Summary.Scenario.ID,
		Request: reqJSON, Summary: sumJSON, Origin: "cli"}
	if runErr != nil {
		run.Status, run.Error = store.Failed, runErr.Error()
	}
	ents, err := os.ReadDir(res.Dir)
	if err != nil {
		return err
	}
	var arts []store.Artefact
	for _, e := range ents {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(res.Dir, e.Name()))
		if err != nil {
			return err
		}
		arts = append(arts, store.NewArtefact(e.Name(), server.MediaType(e.Name()), b))
	}
	sort.Slice(arts, func(i, j int) bool { return arts[i].Name < arts[j].Name })
	return st.Record(ctx, run, arts)
}
