package study

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/cohort"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
)

// problem is the spec's model and scenario on the run pipeline, with the
// study's run span: integration from the scenario's start minus the
// burn-in to its end (moved to start + Duration when the spec gives one).
type problem struct {
	p          *holobiont.Problem
	start, end float64 // integration start (scenario start − burn-in) and end
	scStart    float64
	ode        ode.Options
	prov       Provenance
}

// loadProblem loads and compiles the spec's model and scenario.
func loadProblem(s *Spec) (*problem, error) {
	modelRef := s.Model
	if modelRef == "" {
		modelRef = "shipped:" + models.DefaultModel
	}
	mname, mdata, err := cohort.ReadRef(s.File, modelRef)
	if err != nil {
		return nil, s.errAt("$.model", "model: %v", err)
	}
	sname, sdata := "(spec duration)", []byte(fmt.Sprintf("duration: %v\n", s.Duration))
	if s.Scenario != "" {
		if sname, sdata, err = cohort.ReadRef(s.File, s.Scenario); err != nil {
			return nil, s.errAt("$.scenario", "scenario: %v", err)
		}
	}
	// Compile has no context yet: loading one model takes ~0.2 CPU-s.
	hp, err := holobiont.LoadData(context.Background(), mname, mdata, holobiont.ScenarioData(sname, sdata))
	if err != nil {
		return nil, err
	}
	end := hp.End()
	if s.Scenario != "" && s.Duration > 0 {
		end = hp.Start() + s.Duration
	}
	o, _ := s.Solver.ODEOptions()
	p := &problem{p: hp, start: hp.Start() - s.BurnIn, end: end, scStart: hp.Start(), ode: o}
	p.prov = Provenance{Model: holobiont.RecordedName(modelRef), ModelHash: sha256hex(mdata), Scenario: holobiont.RecordedName(s.Scenario), ScenarioHash: sha256hex(sdata), Solver: s.Solver.Settings()}
	return p, nil
}

func sha256hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// newRunner returns a runner for one worker that sets ids (checked by
// Compile) before each run.
func (p *problem) newRunner(ids []string) func() *holobiont.Runner {
	return func() *holobiont.Runner {
		r, err := p.p.NewRunner(ids...)
		if err != nil {
			panic(err) // Compile checked every name
		}
		return r
	}
}

// run simulates one parameter set with r, reporting every variable at
// times.
func (p *problem) run(ctx context.Context, r *holobiont.Runner, values, times []float64) (*sim.Trajectory, error) {
	sys, err := r.System(values)
	if err != nil {
		return nil, err
	}
	return sim.Run(ctx, sys, p.p.Schedule(), sim.Options{Start: p.start, End: p.end, OutputTimes: times, ODE: p.ode})
}
