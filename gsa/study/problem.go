package study

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/holobiont/holobiont/cohort"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/models"
	"github.com/holobiont/holobiont/ode"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/system"
)

// problem is a model and scenario ready to run with varied parameters:
// today's chain (modelfile → system → sim) in one place, to be replaced by
// the root pipeline package once it lands.
type problem struct {
	model      *model.Model
	sys        *system.System
	sched      *sim.Schedule
	start, end float64 // integration start (scenario start − burn-in) and end
	scStart    float64
	ode        ode.Options
	prov       Provenance
}

// loadProblem loads the spec's model and scenario (the scenario's end
// moved to start + Duration when the spec gives one) and compiles the
// model.
func loadProblem(s *Spec) (*problem, error) {
	modelRef := s.Model
	if modelRef == "" {
		modelRef = "shipped:" + models.DefaultModel
	}
	mname, mdata, err := cohort.ReadRef(s.File, modelRef)
	if err != nil {
		return nil, s.errAt("$.model", "model: %v", err)
	}
	m, err := modelfile.ParseModel(mname, mdata)
	if err != nil {
		return nil, err
	}
	sname, sdata := "(spec duration)", []byte(fmt.Sprintf("duration: %v\n", s.Duration))
	if s.Scenario != "" {
		if sname, sdata, err = cohort.ReadRef(s.File, s.Scenario); err != nil {
			return nil, s.errAt("$.scenario", "scenario: %v", err)
		}
	}
	sc, err := modelfile.ParseScenario(sname, sdata, m)
	if err != nil {
		return nil, err
	}
	if s.Scenario != "" && s.Duration > 0 {
		sc.End = sc.Start + s.Duration
	}
	sched, err := sc.Schedule(m)
	if err != nil {
		return nil, err
	}
	sys, err := system.Compile(m)
	if err != nil {
		return nil, err
	}
	for _, st := range sc.Set {
		if err := sys.SetParameter(st.Param, st.Value); err != nil {
			return nil, fmt.Errorf("%s: %w", st.Src, err)
		}
	}
	o, _ := s.Solver.ODEOptions()
	p := &problem{model: m, sys: sys, sched: sched, start: sc.Start - s.BurnIn, end: sc.End, scStart: sc.Start, ode: o}
	p.prov = Provenance{Model: modelRef, ModelHash: sha256hex(mdata), Scenario: s.Scenario, ScenarioHash: sha256hex(sdata), Solver: s.Solver.Settings()}
	return p, nil
}

func sha256hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// run simulates one parameter set on sys (a clone owned by the caller),
// reporting every variable at times.
func (p *problem) run(ctx context.Context, sys *system.System, ids []string, values, times []float64) (*sim.Trajectory, error) {
	for k, id := range ids {
		if err := sys.SetParameter(id, values[k]); err != nil {
			return nil, err
		}
	}
	return sim.Run(ctx, sys, p.sched, sim.Options{Start: p.start, End: p.end, OutputTimes: times, ODE: p.ode})
}
