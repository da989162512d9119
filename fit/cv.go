package fit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/holobiont/holobiont/series"
)

// Fold is one held-out subject of a leave-one-subject-out cross-validation.
type Fold struct {
	Subject string
	Times   []float64
	// Observed and Predicted relative abundances per sample (rows) and
	// taxon; the first row of Predicted is the starting sample.
	Observed, Predicted [][]float64
	// ObservedAbs and PredictedAbs are absolute abundances (data units),
	// for absolute methods only.
	ObservedAbs, PredictedAbs [][]float64
	RMSE                      float64 // cLV relative RMSE (+Inf when the forecast diverged)
	// LogTaxa is MDSINE2's log10 error on relative abundances per taxon
	// (NaN for a taxon never above LogLowerRel after the first sample);
	// LogRMSE is its median over the subject's taxa.
	LogTaxa []float64
	LogRMSE float64
	// LogRMSEAbs is the median over taxa of MDSINE2's log10 error on
	// absolute abundances (bounds LogLowerAbs, LogEpsAbs, meant for
	// CFU/g-like units); NaN for relative methods.
	LogRMSEAbs float64
	Penalty    Penalty
	DtWeight   float64 // interval weight exponent used (chosen with the penalty)
	InnerRMSE  float64 // inner-CV RMSE of the chosen penalty (NaN when given)
	Diverged   string  // the error, when the forecast diverged
	Seconds    float64 // wall time of the fold (fit + forecast)
}

// CV is a leave-one-subject-out cross-validation.
type CV struct {
	Method Method
	Folds  []Fold
}

// MedianRMSE returns the median relative RMSE over held-out subjects.
func (cv *CV) MedianRMSE() float64 { return Median(cv.column(func(f *Fold) float64 { return f.RMSE })) }

// MedianLogRMSE returns MDSINE2's summary of its log10 error (relative):
// the median over all held-out (subject, taxon) pairs; a diverged
// forecast counts +Inf for each of its taxa.
func (cv *CV) MedianLogRMSE() float64 {
	var all []float64
	for i := range cv.Folds {
		all = append(all, cv.Folds[i].LogTaxa...)
	}
	return Median(all)
}

func (cv *CV) column(get func(*Fold) float64) []float64 {
	v := make([]float64, len(cv.Folds))
	for i := range cv.Folds {
		v[i] = get(&cv.Folds[i])
	}
	return v
}

// CrossValidate holds out each subject in turn, fits the others (choosing
// the penalty by inner cross-validation on them alone unless
// opt.Penalty is set) and forecasts the held-out subject from its first
// sample and its inputs. Bootstrap is not run inside folds. progress, when
// not nil, is called after each fold.
func CrossValidate(ctx context.Context, d *series.Dataset, opt Options, progress func(Fold)) (*CV, error) {
	if len(d.Subjects) < 3 {
		return nil, fmt.Errorf("fit: leave-one-subject-out cross-validation needs at least 3 subjects (2 to train and choose the penalty), %s has %d", d.Name, len(d.Subjects))
	}
	opt.Bootstrap = 0
	cv := &CV{Method: opt.Method}
	for i := range d.Subjects {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := time.Now()
		train := make([]int, 0, len(d.Subjects)-1)
		for j := range d.Subjects {
			if j != i {
				train = append(train, j)
			}
		}
		m, err := Fit(ctx, d.Select(train), opt)
		if err != nil {
			return nil, fmt.Errorf("fold holding out subject %s: %w", d.Subjects[i].ID, err)
		}
		f := heldOut(ctx, m, &d.Subjects[i], d.Absolute)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		f.Seconds = time.Since(start).Seconds()
		cv.Folds = append(cv.Folds, f)
		if progress != nil {
			progress(f)
		}
	}
	return cv, nil
}

// heldOut forecasts s with m and scores it.
func heldOut(ctx context.Context, m *Model, s *series.Subject, absolute bool) Fold {
	f := Fold{Subject: s.ID, Times: s.Times, Penalty: m.Penalty, DtWeight: m.DtWeight, InnerRMSE: math.NaN(), LogRMSEAbs: math.NaN()}
	if m.Selection != nil {
		f.InnerRMSE = m.Selection.RMSE()
	}
	f.Observed = make([][]float64, len(s.Times))
	for k := range s.Times {
		f.Observed[k] = s.Relative(k)
	}
	if absolute {
		f.ObservedAbs = s.Abundance
	}
	rel, abs, err := m.Forecast(ctx, s)
	if err != nil {
		f.Diverged = err.Error()
		f.RMSE, f.LogRMSE = math.Inf(1), math.Inf(1)
		f.LogTaxa = make([]float64, len(m.Taxa))
		for i := range f.LogTaxa {
			f.LogTaxa[i] = math.Inf(1)
		}
		if errors.Is(err, errBlowUp) {
			f.Diverged = errBlowUp.Error()
		}
		return f
	}
	f.Predicted, f.PredictedAbs = rel, abs
	f.RMSE = RMSE(f.Observed, rel)
	f.LogTaxa = LogRMSE(f.Observed, rel, LogLowerRel, LogEpsRel)
	f.LogRMSE = Median(f.LogTaxa)
	if abs != nil && absolute {
		f.LogRMSEAbs = Median(LogRMSE(f.ObservedAbs, abs, LogLowerAbs, LogEpsAbs))
	}
	return f
}
