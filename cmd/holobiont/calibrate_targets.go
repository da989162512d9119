package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/estimate"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/targets"
)

// isTargetsFile reports whether the file at path is a targets file (a
// top-level targets: list) rather than a PEtab problem.
func isTargetsFile(path string) bool {
	data, err := os.ReadFile(path)
	return err == nil && holobiont.DetectKind(data) == holobiont.KindTargets
}

// targetsOptions are holobiont calibrate's settings for a targets file.
type targetsOptions struct {
	out      string
	seed     uint64
	ensemble int
	workers  int
	maxIter  int
	log      io.Writer
}

// calibrateTargets fits a targets file's parameters and writes
// calibration.json, report.md, ensemble.tsv and timing.json into o.out.
func calibrateTargets(ctx context.Context, path string, o targetsOptions, stdout io.Writer) error {
	t0, cpu0 := time.Now(), cpuSeconds()
	if o.ensemble < 1 {
		return fmt.Errorf("--ensemble %d: want at least 1 parameter set", o.ensemble)
	}
	f, err := targets.Load(path)
	if err != nil {
		return err
	}
	ev, err := targets.NewEvaluator(ctx, f)
	if err != nil {
		return err
	}
	models := make([]targets.Model, o.workers)
	for w := range models {
		if models[w], err = ev.NewWorker(); err != nil {
			return err
		}
	}
	fmt.Fprintf(o.log, "calibrate: %d estimated parameters, %d fit targets, %d held out, %d listed (cohort tests); %d workers\n",
		len(f.Parameters), len(f.Roles(targets.RoleFit)), len(f.Roles(targets.RoleValidation)), len(f.Targets)-len(f.Roles(targets.RoleFit))-len(f.Roles(targets.RoleValidation)), o.workers)
	res, err := targets.Calibrate(ctx, f, models, targets.Options{Local: estimate.LocalOptions{MaxIter: o.maxIter, Hessian: estimate.HessianFisher}, Progress: func(n int, v float64) {
		fmt.Fprintf(o.log, "evaluation %d: objective %.6g\n", n, v)
	}})
	if err != nil {
		return err
	}
	fmt.Fprintf(o.log, "fit: objective %.6g (prior %.6g), %s after %d iterations\n", res.F, res.FPrior, res.Status, res.Iter)
	members, draws, err := targets.Ensemble(ctx, f, models, res, targets.EnsembleOptions{N: o.ensemble, Seed: o.seed, Progress: func(d, a int) {
		if d%20 == 0 {
			fmt.Fprintf(o.log, "ensemble: %d accepted of %d draws\n", a, d)
		}
	}})
	if err != nil {
		return err
	}
	rep := &targets.Report{File: f, Result: res, Members: members, Draws: draws, Seed: o.seed, Version: version,
		ModelName: filepath.Base(ev.Model.ModelSource.Name), ModelHash: ev.Model.ModelSource.SHA256()}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	js, err := rep.JSON()
	if err != nil {
		return err
	}
	var md, ens bytes.Buffer
	if err := rep.WriteMarkdown(&md); err != nil {
		return err
	}
	if err := rep.WriteEnsembleTSV(&ens); err != nil {
		return err
	}
	for name, data := range map[string][]byte{"calibration.json": append(js, '\n'), "report.md": md.Bytes(), "ensemble.tsv": ens.Bytes(),
		"timing.json": []byte(fmt.Sprintf("{\"wall_seconds\": %.3f, \"cpu_seconds\": %.3f}\n", time.Since(t0).Seconds(), cpuSeconds()-cpu0))} {
		if err := safefile.WriteFileContext(ctx, filepath.Join(o.out, name), data); err != nil {
			return err
		}
	}
	nf, nm := 0, 0
	for _, i := range f.Roles(targets.RoleFit) {
		nf++
		if f.Targets[i].Met(res.AtBest[i]) {
			nm++
		}
	}
	fmt.Fprintf(stdout, "objective %.6g (prior %.6g); %d of %d fit targets inside their intervals; ensemble %d of %d draws accepted\n", res.F, res.FPrior, nm, nf, len(members), draws)
	fmt.Fprintf(stdout, "wrote %s (report.md, calibration.json, ensemble.tsv)\n", o.out)
	if len(members) < o.ensemble {
		return fmt.Errorf("only %d of %d ensemble members accepted in %d draws", len(members), o.ensemble, draws)
	}
	return nil
}
