package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Progress of long runs (cohorts, trials, power studies, sensitivity
// analyses): on a terminal an mpb bar with counts, percentage and an ETA
// from the average rate; off a terminal (a log file, a CI job, Snakemake)
// a plain line at least every progressEvery: done/total, rate, elapsed
// time and ETA.

// progressEvery is how often a progress line is printed off a terminal.
const progressEvery = 10 * time.Second

func cohortIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar reports progress as a bar or as lines, or not at all (nil
// receiver).
type progressBar struct {
	prog  *mpb.Progress
	bar   *mpb.Bar
	lines *lineProgress

	// mu orders updates from concurrent workers: a late (done-1) update
	// arriving after (done) would otherwise move the bar back, and finish
	// would complete it one short (31/31 for 32 subjects).
	mu   sync.Mutex
	done int
}

// checkProgressFlag checks --progress before any work is done.
func checkProgressFlag(mode string) error {
	switch mode {
	case "auto", "always", "never", "":
		return nil
	}
	return fmt.Errorf("--progress %q: want auto, always or never", mode)
}

// newProgressBar returns the progress report for mode: auto is a bar on a
// terminal and lines off one; always is a bar (redrawn once a second off a
// terminal); never is nothing.
func newProgressBar(ctx context.Context, mode, label string, stderr io.Writer) (*progressBar, error) {
	if err := checkProgressFlag(mode); err != nil {
		return nil, err
	}
	term := cohortIsTerminal(stderr)
	switch {
	case mode == "never":
		return nil, nil
	case mode != "always" && !term:
		return &progressBar{lines: newLineProgress(stderr, label, progressEvery, time.Now)}, nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	opts := []mpb.ContainerOption{mpb.WithOutput(stderr), mpb.WithWidth(40)}
	if !term {
		// mpb draws only on terminals unless told otherwise: --progress
		// always into a log file redraws once a second.
		opts = append(opts, mpb.WithAutoRefresh(), mpb.WithRefreshRate(time.Second))
	}
	b := &progressBar{prog: mpb.NewWithContext(ctx, opts...)}
	// AverageETA: the EWMA decorator needs IncrBy with durations and showed
	// 0s with SetCurrent.
	b.bar = b.prog.AddBar(0, mpb.PrependDecorators(decor.Name(label), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Percentage(), decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO)))
	return b, nil
}

// update reports progress (nil bar: nothing); usable as Options.Progress.
func (b *progressBar) update(done, total int) {
	if b == nil {
		return
	}
	if b.lines != nil {
		b.lines.update(done, total)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if done < b.done {
		return
	}
	b.done = done
	b.bar.SetTotal(int64(total), false)
	b.bar.SetCurrent(int64(done))
}

// finish completes (err == nil) or aborts the bar and waits for it.
func (b *progressBar) finish(err error) {
	if b == nil || b.lines != nil {
		return
	}
	finishBar(b.prog, b.bar, err)
}

// finishBar completes (err == nil) or aborts bar and waits for prog to draw
// it for the last time.
func finishBar(prog *mpb.Progress, bar *mpb.Bar, err error) {
	if err != nil {
		bar.Abort(false)
	} else {
		bar.SetTotal(-1, true)
	}
	prog.Wait()
}

// lineProgress prints "LABEL done/total (p%), r/s, elapsed e, ETA t" at the
// first update, at least every `every` after, and when done reaches total.
// The rate counts only work done since the first update (a resumed run's
// completed chunks do not inflate it).
type lineProgress struct {
	mu         sync.Mutex
	w          io.Writer
	label      string
	every      time.Duration
	now        func() time.Time
	start      time.Time
	last       time.Time
	done0      int
	started    bool
	lastTotal  int
	printedEnd bool
}

func newLineProgress(w io.Writer, label string, every time.Duration, now func() time.Time) *lineProgress {
	return &lineProgress{w: w, label: label, every: every, now: now}
}

func (l *lineProgress) update(done, total int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	if !l.started {
		l.started, l.start, l.done0 = true, t, done
	} else if t.Sub(l.last) < l.every && done < total {
		return
	}
	if done >= total && (l.printedEnd && total == l.lastTotal) {
		return
	}
	l.last, l.lastTotal, l.printedEnd = t, total, done >= total
	el := t.Sub(l.start)
	pct := 100.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	rate, eta := "-", "unknown"
	if s := el.Seconds(); s > 0 && done > l.done0 {
		r := float64(done-l.done0) / s
		rate = fmt.Sprintf("%.3g/s", r)
		eta = (time.Duration(float64(total-done) / r * float64(time.Second))).Round(time.Second).String()
	}
	if done >= total {
		eta = "done"
	}
	fmt.Fprintf(l.w, "%s%d/%d (%.0f%%), %s, elapsed %s, ETA %s\n", l.label, done, total, pct, rate, el.Round(time.Second), eta)
}
