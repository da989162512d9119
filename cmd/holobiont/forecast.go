package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/fit"
	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/model"
	"github.com/holobiont/holobiont/modelfile"
	"github.com/holobiont/holobiont/report"
	"github.com/holobiont/holobiont/series"
	"github.com/holobiont/holobiont/sim"
	"github.com/holobiont/holobiont/stats"
)

type forecastOptions struct {
	data      dataFlags
	dataPath  string
	subject   string
	bootstrap string
	out       string
	points    int
}

func newForecastCmd() *cobra.Command {
	var o forecastOptions
	cmd := &cobra.Command{
		Use:   "forecast MODEL.yaml --data DATA --subject S",
		Short: "Forecast one subject from its first sample with a fitted model, with a band and an HTML report",
		Long: `Forecast runs a model written by 'holobiont fit' for one subject of DATA: it starts from the
subject's first sample (with the model's pseudo-count), applies the subject's inputs, and
runs the model through the same simulation pipeline as 'holobiont run'. The band is the
2.5-97.5% range of the forecasts of the bootstrap replicates (bootstrap.tsv beside the model,
or --bootstrap): it shows the parameter uncertainty, not the sampling noise of new data.

Writes to --out (default: forecast-<subject> beside the model):
  forecast.tsv   subject, time, taxon, observed, predicted, lo95, hi95 (relative abundances),
                 with observed_abs, predicted_abs, lo95_abs, hi95_abs for absolute models
  report.html    per taxon: the observed samples, the forecast and its band
and prints the subject's rmse_rel and logrmse_rel (see 'holobiont fit --help'). If the
subject was among the subjects the model was fitted to, these are in-sample errors; the
held-out errors come from 'holobiont fit --cv loso'.

DATA is read as by 'holobiont fit' (same flags). Taxa of DATA that the model pools into
"pooled_other" are pooled the same way; a model taxon missing from DATA is an error.`,
		Example: `  holobiont fit ../shared/data/forecast/stein2013 --method clv --out stein-clv
  holobiont forecast stein-clv/model.yaml --data ../shared/data/forecast/stein2013 --subject mouse3
  holobiont forecast fit/model.yaml --data table.biom --metadata md.tsv --subject-column mouse \
      --time-column day --subject M7 --out m7-forecast`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := forecastMain(cmd.Context(), args[0], o, cmd.OutOrStdout())
			return err
		},
	}
	f := cmd.Flags()
	o.data.register(f)
	f.StringVar(&o.dataPath, "data", "", "the data set holding the subject (required)")
	f.StringVar(&o.subject, "subject", "", "the subject to forecast (required)")
	f.StringVar(&o.bootstrap, "bootstrap", "", "bootstrap replicates (default: bootstrap.tsv beside the model; \"none\" for no band)")
	f.StringVar(&o.out, "out", "", "output directory (default: forecast-<subject> beside the model)")
	f.IntVar(&o.points, "points", 200, "forecast points drawn between the first and last sample")
	return cmd
}

// fittedModel is a model file written by holobiont fit, with what a
// forecast needs to start it.
type fittedModel struct {
	m       *model.Model
	name    string
	method  fit.Method
	pseudo  float64
	species []int          // per data taxon (after pooling): index into m.Species
	taxa    []string       // the model's taxa, in member order
	inputs  map[string]int // model input id -> data input index
	denom   int            // denominator taxon index (ratio methods), -1 otherwise
}

func loadFitted(path string) (*fittedModel, error) {
	in, err := holobiont.ReadModel(path)
	if err != nil {
		return nil, err
	}
	m, err := holobiont.ParseModel(in.Name, in.Data)
	if err != nil {
		return nil, err
	}
	a := m.Annotations
	meth, err := fit.ParseMethod(a["fit_method"])
	if err != nil {
		return nil, fmt.Errorf("%s: not a model written by holobiont fit (metadata fit_method: %v)", path, err)
	}
	pseudo, err := strconv.ParseFloat(a["fit_pseudo_count"], 64)
	if err != nil || !(pseudo > 0) {
		return nil, fmt.Errorf("%s: metadata fit_pseudo_count %q is not a positive number", path, a["fit_pseudo_count"])
	}
	fm := &fittedModel{m: m, name: in.Name, method: meth, pseudo: pseudo, denom: -1}
	for _, sp := range m.Species {
		fm.taxa = append(fm.taxa, sp.Taxon)
		if sp.Taxon == a["fit_denominator"] && a["fit_denominator"] != "" {
			fm.denom = len(fm.taxa) - 1
		}
	}
	if len(m.Communities) != 1 || len(m.Species) != len(m.Communities[0].Members) {
		return nil, fmt.Errorf("%s: a fitted model has one community and no other species", path)
	}
	return fm, nil
}

// align maps the data set onto the model: data taxa not in the model are
// pooled into the model's pooled_other member (if it has one), and the
// model's inputs are found among the data's.
func (fm *fittedModel) align(d *series.Dataset) error {
	index := map[string]int{}
	for i, t := range fm.taxa {
		index[t] = i
	}
	var extra []int
	for i, t := range d.Taxa {
		if _, ok := index[t]; !ok {
			extra = append(extra, i)
		}
	}
	pooled, hasPool := index["pooled_other"]
	if len(extra) > 0 {
		if !hasPool {
			return fmt.Errorf("taxon %q of %s is not in model %s (which pools nothing)", d.Taxa[extra[0]], d.Name, fm.name)
		}
		for si := range d.Subjects {
			for k, row := range d.Subjects[si].Abundance {
				nr := make([]float64, len(fm.taxa))
				for i, t := range d.Taxa {
					if j, ok := index[t]; ok {
						nr[j] = row[i]
					} else {
						nr[pooled] += row[i]
					}
				}
				d.Subjects[si].Abundance[k] = nr
			}
		}
		d.Taxa = append([]string(nil), fm.taxa...)
	}
	for _, t := range fm.taxa {
		found := false
		for _, dt := range d.Taxa {
			found = found || dt == t
		}
		if !found && !(t == "pooled_other" && hasPool) {
			return fmt.Errorf("taxon %q of model %s is not in %s", t, fm.name, d.Name)
		}
	}
	// Reorder data taxa to the model's member order.
	perm := make([]int, len(fm.taxa))
	for i, t := range fm.taxa {
		perm[i] = -1
		for j, dt := range d.Taxa {
			if dt == t {
				perm[i] = j
			}
		}
	}
	for si := range d.Subjects {
		for k, row := range d.Subjects[si].Abundance {
			nr := make([]float64, len(perm))
			for i, j := range perm {
				if j >= 0 {
					nr[i] = row[j]
				}
			}
			d.Subjects[si].Abundance[k] = nr
		}
	}
	d.Taxa = append([]string(nil), fm.taxa...)
	fm.inputs = map[string]int{}
	for _, in := range fm.m.Inputs {
		name := fm.m.Annotations["fit_input."+in.ID]
		j := -1
		for k, n := range d.Inputs {
			if n == name {
				j = k
			}
		}
		if j < 0 {
			return fmt.Errorf("input %q of model %s is not an input of %s (inputs: %s)", name, fm.name, d.Name, strings.Join(d.Inputs, ", "))
		}
		fm.inputs[in.ID] = j
	}
	return nil
}

// schedule returns the subject's inputs as a simulation schedule.
func (fm *fittedModel) schedule(s *series.Subject) *sim.Schedule {
	sc := &sim.Schedule{}
	ids := make([]string, 0, len(fm.inputs))
	for id := range fm.inputs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		sig := sim.Signal{Input: id}
		for _, p := range s.Inputs[fm.inputs[id]] {
			sig.Pieces = append(sig.Pieces, sim.Piece{Start: p.Start, End: p.End, Value: p.Value})
		}
		sc.Signals = append(sc.Signals, sig)
	}
	return sc
}

// readReplicates reads bootstrap.tsv as parameter sets.
func readReplicates(path string) ([]map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<28)
	var header []string
	var out []map[string]float64
	line := 0
	for sc.Scan() {
		line++
		cells := strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t")
		if header == nil {
			header = cells
			continue
		}
		if len(cells) != len(header) {
			return nil, fmt.Errorf("%s:%d: %d cells, the header has %d", path, line, len(cells), len(header))
		}
		set := map[string]float64{}
		for j := 1; j < len(cells); j++ {
			v, err := strconv.ParseFloat(cells[j], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s:%d:%d: %q is not a finite number", path, line, j+1, cells[j])
			}
			set[header[j]] = v
		}
		out = append(out, set)
	}
	return out, sc.Err()
}

// forecastResult holds a forecast, for tests.
type forecastResult struct {
	Times                []float64
	Observed, Predicted  [][]float64 // relative, at the sample times
	Lo, Hi               [][]float64 // band (nil without replicates)
	PredictedAbs         [][]float64
	RMSE, LogRMSE        float64
	Replicates, Diverged int
	Dir                  string
}

func forecastMain(ctx context.Context, modelPath string, o forecastOptions, stdout io.Writer) (*forecastResult, error) {
	if o.dataPath == "" || o.subject == "" {
		return nil, errors.New("--data and --subject are required")
	}
	if o.points < 2 {
		return nil, fmt.Errorf("--points %d: want at least 2", o.points)
	}
	fm, err := loadFitted(modelPath)
	if err != nil {
		return nil, err
	}
	d, err := o.data.read(o.dataPath)
	if err != nil {
		return nil, err
	}
	if err := fm.align(d); err != nil {
		return nil, err
	}
	s := d.Subject(o.subject)
	if s == nil {
		ids := make([]string, len(d.Subjects))
		for i := range d.Subjects {
			ids[i] = d.Subjects[i].ID
		}
		return nil, fmt.Errorf("subject %q is not in %s (subjects: %s)", o.subject, o.dataPath, strings.Join(ids, ", "))
	}
	sets, err := forecastReplicates(modelPath, o.bootstrap)
	if err != nil {
		return nil, err
	}
	times := forecastTimes(s.Times, o.points)
	fc, err := fm.forecast(ctx, s, times, sets)
	if err != nil {
		return nil, err
	}
	res := fc.result(s)
	dir := o.out
	if dir == "" {
		dir = filepath.Join(filepath.Dir(modelPath), "forecast-"+modelfile.SanitizeID(s.ID, nil))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	res.Dir = dir
	if err := safefile.WriteWithContext(ctx, filepath.Join(dir, "forecast.tsv"), func(w *bufio.Writer) error {
		writeForecastTSV(w, fm.taxa, s, res, fc)
		return nil
	}); err != nil {
		return nil, err
	}
	page := forecastPage(fm, d, s, times, fc.center, fc.lo, fc.hi, res, modelPath)
	if err := page.WriteFile(filepath.Join(dir, "report.html")); err != nil {
		return nil, err
	}
	printForecast(stdout, fm, s, res)
	return res, nil
}

// forecastReplicates reads the bootstrap replicates' parameter sets from
// path: "" for the bootstrap.tsv beside the model (none when it is not
// there), "none" for none.
func forecastReplicates(modelPath, path string) ([]map[string]float64, error) {
	if path == "" {
		path = filepath.Join(filepath.Dir(modelPath), "bootstrap.tsv")
		if _, err := os.Stat(path); err != nil {
			path = "none"
		}
	}
	if path == "none" {
		return nil, nil
	}
	return readReplicates(path)
}

// forecastTimes returns the output times: the sample times and a regular
// grid of points times over them (for the drawing), sorted, each once.
func forecastTimes(samples []float64, points int) []float64 {
	t0, t1 := samples[0], samples[len(samples)-1]
	times := append([]float64(nil), samples...)
	for k := 0; k < points; k++ {
		times = append(times, t0+(t1-t0)*float64(k)/float64(points-1))
	}
	sort.Float64s(times)
	return uniqueSorted(times)
}

// forecastRuns is a subject's forecast on the output times: the central
// run and the bands of the bootstrap replicates.
type forecastRuns struct {
	at           []int       // index in the output times of each sample time
	run          [][]float64 // the central run (absolute)
	center       [][]float64 // the central run, relative
	lo, hi       [][]float64 // relative band (nil without replicates)
	loAbs, hiAbs [][]float64 // absolute band (nil without replicates or for a relative method)
	absolute     bool        // the method models absolute abundances
	replicates   int         // replicates in the band
	diverged     int         // replicates left out
}

// forecast simulates subject s from its first sample with the fitted
// parameters and with each replicate's parameter sets, at times.
func (fm *fittedModel) forecast(ctx context.Context, s *series.Subject, times []float64, sets []map[string]float64) (*forecastRuns, error) {
	init := fit.InitialState(fm.method, s.Abundance[0], fm.pseudo, fm.denom)
	x0 := map[string]float64{}
	for i, sp := range fm.m.Species {
		x0[sp.ID] = init[i]
	}
	runs, errs, err := runFitted(ctx, fm.m, x0, fm.schedule(s), times, append([]map[string]float64{nil}, sets...))
	if err != nil {
		return nil, err
	}
	if errs[0] != nil {
		return nil, fmt.Errorf("forecast of %s with %s: %w", s.ID, fm.name, errs[0])
	}
	fc := &forecastRuns{at: make([]int, len(s.Times)), run: runs[0], center: relRun(runs[0]), absolute: fm.method.Absolute()}
	for k, t := range s.Times {
		fc.at[k] = sort.SearchFloat64s(times, t)
	}
	var reps, repsAbs [][][]float64
	for r := 1; r < len(runs); r++ {
		if errs[r] != nil {
			fc.diverged++
			continue
		}
		reps = append(reps, relRun(runs[r]))
		repsAbs = append(repsAbs, runs[r])
	}
	fc.replicates = len(reps)
	fc.lo, fc.hi = bandOf(reps, len(times), len(fm.taxa))
	if fc.absolute {
		fc.loAbs, fc.hiAbs = bandOf(repsAbs, len(times), len(fm.taxa))
	}
	return fc, nil
}

// relRun returns a run's rows as relative abundances.
func relRun(run [][]float64) [][]float64 {
	out := make([][]float64, len(run))
	for k, row := range run {
		out[k] = relRow(row)
	}
	return out
}

// result compares the forecast at subject s's sample times with its
// samples.
func (fc *forecastRuns) result(s *series.Subject) *forecastResult {
	res := &forecastResult{Times: s.Times, Replicates: fc.replicates, Diverged: fc.diverged}
	for k := range s.Times {
		res.Observed = append(res.Observed, s.Relative(k))
		res.Predicted = append(res.Predicted, fc.center[fc.at[k]])
		if fc.lo != nil {
			res.Lo, res.Hi = append(res.Lo, fc.lo[fc.at[k]]), append(res.Hi, fc.hi[fc.at[k]])
		}
		if fc.absolute {
			res.PredictedAbs = append(res.PredictedAbs, fc.run[fc.at[k]])
		}
	}
	res.RMSE = fit.RMSE(res.Observed, res.Predicted)
	res.LogRMSE = fit.Median(fit.LogRMSE(res.Observed, res.Predicted, fit.LogLowerRel, fit.LogEpsRel))
	return res
}

// writeForecastTSV writes forecast.tsv: per sample and taxon the observed
// and predicted relative abundances with the band (and the absolute ones
// for an absolute method).
func writeForecastTSV(w *bufio.Writer, taxa []string, s *series.Subject, res *forecastResult, fc *forecastRuns) {
	w.WriteString("subject\ttime\ttaxon\tobserved\tpredicted\tlo95\thi95")
	if fc.absolute {
		w.WriteString("\tobserved_abs\tpredicted_abs\tlo95_abs\thi95_abs")
	}
	w.WriteByte('\n')
	for k, t := range s.Times {
		at := fc.at[k]
		for i, tx := range taxa {
			l, h := math.NaN(), math.NaN()
			if fc.lo != nil {
				l, h = fc.lo[at][i], fc.hi[at][i]
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s", s.ID, fitNum(t), tx, fitNum(res.Observed[k][i]), fitNum(res.Predicted[k][i]), fitNum(l), fitNum(h))
			if fc.absolute {
				la, ha := math.NaN(), math.NaN()
				if fc.loAbs != nil {
					la, ha = fc.loAbs[at][i], fc.hiAbs[at][i]
				}
				fmt.Fprintf(w, "\t%s\t%s\t%s\t%s", fitNum(s.Abundance[k][i]), fitNum(fc.run[at][i]), fitNum(la), fitNum(ha))
			}
			w.WriteByte('\n')
		}
	}
}

// printForecast prints the forecast's summary and where it was written.
func printForecast(stdout io.Writer, fm *fittedModel, s *series.Subject, res *forecastResult) {
	band := "no band (no bootstrap replicates)"
	if res.Replicates > 0 {
		band = fmt.Sprintf("band from %d bootstrap replicates", res.Replicates)
		if res.Diverged > 0 {
			band += fmt.Sprintf(" (%d more diverged and are left out)", res.Diverged)
		}
	}
	t0, t1 := s.Times[0], s.Times[len(s.Times)-1]
	fmt.Fprintf(stdout, "forecast of subject %s (%d samples, days %g-%g) with %s (%s): %s\n", s.ID, len(s.Times), t0, t1, fm.name, fm.method, band)
	fmt.Fprintf(stdout, "rmse_rel %.4f, logrmse_rel %.3f (in-sample if %s was fitted with this subject)\n", res.RMSE, res.LogRMSE, fm.name)
	fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(res.Dir, "forecast.tsv"), filepath.Join(res.Dir, "report.html"))
}

func uniqueSorted(x []float64) []float64 {
	out := x[:0]
	for i, v := range x {
		if i == 0 || v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

func relRow(row []float64) []float64 {
	out := make([]float64, len(row))
	t := 0.0
	for _, v := range row {
		t += v
	}
	for i, v := range row {
		out[i] = v / t
	}
	return out
}

// bandOf returns the pointwise 2.5% and 97.5% quantiles over replicates
// (nil when there are none).
func bandOf(reps [][][]float64, nt, nx int) (lo, hi [][]float64) {
	if len(reps) == 0 {
		return nil, nil
	}
	lo, hi = make([][]float64, nt), make([][]float64, nt)
	v := make([]float64, len(reps))
	for k := 0; k < nt; k++ {
		lo[k], hi[k] = make([]float64, nx), make([]float64, nx)
		for i := 0; i < nx; i++ {
			for r := range reps {
				v[r] = reps[r][k][i]
			}
			sort.Float64s(v)
			lo[k][i], hi[k][i] = stats.QuantileSorted(v, 0.025), stats.QuantileSorted(v, 0.975)
		}
	}
	return lo, hi
}

// forecastPage builds the HTML report: one chart per taxon with the
// observed samples, the forecast and its band.
func forecastPage(fm *fittedModel, d *series.Dataset, s *series.Subject, times []float64, center, lo, hi [][]float64, res *forecastResult, modelPath string) *report.Page {
	p := &report.Page{Title: "Forecast of subject " + s.ID, Subtitle: fmt.Sprintf("%s (%s) from its first sample, day %g", filepath.Base(modelPath), fm.method, s.Times[0]),
		Meta: [][2]string{{"holobiont version", version}, {"model", modelPath}, {"model data sha256", fm.m.Annotations["fit_data_sha256"]},
			{"data", d.Name + " (sha256 " + d.SHA256 + ")"}, {"subject", s.ID}, {"method", string(fm.method)},
			{"band", fmt.Sprintf("2.5-97.5%% of %d bootstrap replicates (parameter uncertainty)", res.Replicates)},
			{"rmse_rel", fmt.Sprintf("%.4f", res.RMSE)}, {"logrmse_rel", fmt.Sprintf("%.3f", res.LogRMSE)}}}
	var wins []report.Window
	for j, name := range d.Inputs {
		for _, pc := range s.Inputs[j] {
			wins = append(wins, report.Window{Start: pc.Start, End: pc.End, Label: name})
		}
	}
	var figs []report.Figure
	order := make([]int, len(fm.taxa))
	for i := range order {
		order[i] = i
	}
	mean := func(i int) float64 {
		m := 0.0
		for k := range res.Observed {
			m += res.Observed[k][i]
		}
		return m
	}
	sort.SliceStable(order, func(a, b int) bool { return mean(order[a]) > mean(order[b]) })
	for _, i := range order {
		col := func(rows [][]float64) []float64 {
			v := make([]float64, len(rows))
			for k := range rows {
				v[k] = rows[k][i]
			}
			return v
		}
		c := report.LineChart{Title: fm.taxa[i], XLabel: "day", YLabel: "relative abundance", Windows: wins, Width: 470, Height: 300,
			Series: []report.Series{{Name: "forecast", X: times, Y: col(center)}},
			Points: []report.Series{{Name: "observed", X: s.Times, Y: col(res.Observed)}}}
		if lo != nil {
			c.Bands = []report.Band{{Name: "95% band", X: times, Lo: col(lo), Hi: col(hi)}}
		}
		figs = append(figs, c)
	}
	p.Sections = []report.Section{{Heading: "Forecast per taxon", Text: "Taxa by mean observed relative abundance. The forecast starts from the first sample " +
		"(with the model's pseudo-count for zeros) and follows the subject's inputs (shaded). The band is the 2.5-97.5% range of the " +
		"bootstrap replicates' forecasts: parameter uncertainty only.", Figures: figs}}
	return p
}
