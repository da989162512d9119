package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// LinearModel is an ordinary least squares fit y = Xβ + ε, summarised as
// R's summary.lm and confint do.
type LinearModel struct {
	Names    []string  // coefficient names ("(Intercept)" first when added)
	Coef     []float64 // β
	SE       []float64 // standard errors
	T        []float64 // t values
	P        []float64 // two-sided p-values on DF degrees of freedom
	CILow    []float64 // confidence interval (level given to FitLM)
	CIHigh   []float64
	DF       int     // residual degrees of freedom n − p
	Sigma    float64 // residual standard error
	RSquared float64
	N        int
}

// FitLM fits y on the given predictors (each of length n) plus an
// intercept, by Householder QR (gonum mat.QR). conf is the confidence
// level of the intervals (0.95 when 0). A rank-deficient design is an
// error naming the aliased predictor.
func FitLM(y []float64, names []string, predictors [][]float64, conf float64) (*LinearModel, error) {
	n := len(y)
	p := len(predictors) + 1
	if len(names) != len(predictors) {
		return nil, fmt.Errorf("stats: lm: %d names for %d predictors", len(names), len(predictors))
	}
	if n <= p {
		return nil, fmt.Errorf("stats: lm: %d observations for %d coefficients leave no residual degrees of freedom", n, p)
	}
	if conf == 0 {
		conf = 0.95
	}
	x := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return nil, fmt.Errorf("stats: lm: response value %d is %g", i, y[i])
		}
		x.Set(i, 0, 1)
	}
	for j, c := range predictors {
		if len(c) != n {
			return nil, fmt.Errorf("stats: lm: predictor %q has %d values for %d observations", names[j], len(c), n)
		}
		for i, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("stats: lm: predictor %q value %d is %g", names[j], i, v)
			}
			x.Set(i, j+1, v)
		}
	}
	var qr mat.QR
	qr.Factorize(x)
	var r mat.Dense
	qr.RTo(&r)
	if j := AliasedColumn(x); j >= 0 {
		name := "(Intercept)"
		if j > 0 {
			name = names[j-1]
		}
		return nil, fmt.Errorf("stats: lm: predictor %q is constant or a linear combination of the others", name)
	}
	yv := mat.NewVecDense(n, append([]float64(nil), y...))
	var beta mat.VecDense
	if err := qr.SolveVecTo(&beta, false, yv); err != nil {
		return nil, fmt.Errorf("stats: lm: %w", err)
	}
	var fit mat.VecDense
	fit.MulVec(x, &beta)
	var rss, ym, tss float64
	for i := 0; i < n; i++ {
		e := y[i] - fit.AtVec(i)
		rss += e * e
		ym += y[i]
	}
	ym /= float64(n)
	for _, v := range y {
		tss += (v - ym) * (v - ym)
	}
	df := n - p
	s2 := rss / float64(df)
	// (XᵀX)⁻¹ = R⁻¹ R⁻ᵀ.
	rp := r.Slice(0, p, 0, p).(*mat.Dense)
	var rinv mat.Dense
	if err := rinv.Inverse(rp); err != nil {
		return nil, fmt.Errorf("stats: lm: singular design: %w", err)
	}
	lm := &LinearModel{DF: df, Sigma: math.Sqrt(s2), RSquared: 1 - rss/tss, N: n}
	lm.Names = append([]string{"(Intercept)"}, names...)
	tq := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile((1 + conf) / 2)
	for j := 0; j < p; j++ {
		var v float64
		for k := 0; k < p; k++ {
			v += rinv.At(j, k) * rinv.At(j, k)
		}
		b := beta.AtVec(j)
		se := math.Sqrt(s2 * v)
		t := b / se
		lm.Coef = append(lm.Coef, b)
		lm.SE = append(lm.SE, se)
		lm.T = append(lm.T, t)
		lm.P = append(lm.P, tPValue(t, float64(df), TwoSided))
		lm.CILow = append(lm.CILow, b-tq*se)
		lm.CIHigh = append(lm.CIHigh, b+tq*se)
	}
	return lm, nil
}

// AliasedColumn returns the first column of x that is zero or a linear
// combination of the columns before it (|R_jj| of the QR factorisation at
// most 1e-7 times the column norm, R's lm tolerance), or -1 when x has full
// column rank.
func AliasedColumn(x *mat.Dense) int {
	n, p := x.Dims()
	var qr mat.QR
	qr.Factorize(x)
	var r mat.Dense
	qr.RTo(&r)
	for j := 0; j < p; j++ {
		var cn float64
		for i := 0; i < n; i++ {
			cn += x.At(i, j) * x.At(i, j)
		}
		if cn == 0 || math.Abs(r.At(j, j)) <= 1e-7*math.Sqrt(cn) {
			return j
		}
	}
	return -1
}
