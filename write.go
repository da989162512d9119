package holobiont

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/parquet-go/parquet-go"

	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/sim"
)

// File is an extra output file of a run directory (for example the
// report): Write writes its contents.
type File struct {
	Name  string
	Write func(w io.Writer) error
}

// TrajectoryName returns the trajectory file name of a run: trajectory.csv
// or trajectory.parquet, and trajectory.partial.* for a run that failed
// part-way (never named like a complete output).
func TrajectoryName(f Format, complete bool) string {
	ext := "csv"
	if f == Parquet {
		ext = "parquet"
	}
	if !complete {
		return "trajectory.partial." + ext
	}
	return "trajectory." + ext
}

// Write writes the run into dir: the trajectory (in format f), summary.json
// and, for a complete run, the extra files. Every file is written to a
// temporary name and all are published together only when all were
// written, so a failed write leaves nothing that looks complete (and a new
// directory is removed again). A failed run writes trajectory.partial.*
// and summary.json only, and leaves earlier outputs of the same id alone.
func (r *Result) Write(dir string, f Format, extra ...File) error {
	return r.WriteContext(context.Background(), dir, f, extra...)
}

// WriteContext is Write for an interruptible command: once ctx is
// cancelled, writing stops and nothing is published (an interrupted run
// never leaves files that look complete).
func (r *Result) WriteContext(ctx context.Context, dir string, f Format, extra ...File) (err error) {
	complete := r.Record.Complete
	created := newDirs(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	out := &outputSet{dir: dir, ctx: ctx}
	defer func() {
		out.abort()
		if err != nil && (complete || ctx.Err() != nil) {
			// the folders this call made, innermost first (Remove
			// leaves one that holds anything)
			for _, d := range created {
				os.Remove(d)
			}
		}
	}()
	files := []File{
		{TrajectoryName(f, complete), func(w io.Writer) error { return WriteTrajectory(w, r.Trajectory, f) }},
		{"summary.json", r.Record.writeJSON},
	}
	if complete {
		files = append(files, extra...)
	}
	for _, fl := range files {
		w, err := out.create(fl.Name)
		if err != nil {
			return err
		}
		if err := fl.Write(w); err != nil {
			return fmt.Errorf("write %s: %w", fl.Name, err)
		}
	}
	return out.commit()
}

// newDirs returns dir and those of its ancestors that do not exist yet,
// innermost first: the folders os.MkdirAll(dir) would create.
func newDirs(dir string) []string {
	var out []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); !os.IsNotExist(err) {
			return out
		}
		out = append(out, d)
		if filepath.Dir(d) == d {
			return out
		}
	}
}

// writeJSON writes the record as indented JSON (summary.json).
func (rec *Record) writeJSON(w io.Writer) error {
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// outputSet is a set of output files in one directory that are published
// together (commit) or not at all (abort).
type outputSet struct {
	dir   string
	ctx   context.Context
	files []*safefile.File
}

// create starts the output file name (mode 0644) in the set's directory.
func (o *outputSet) create(name string) (*safefile.File, error) {
	f, err := safefile.CreateContext(o.ctx, filepath.Join(o.dir, name))
	if err != nil {
		return nil, err
	}
	o.files = append(o.files, f)
	if err := f.Chmod(0o644); err != nil {
		return nil, err
	}
	return f, nil
}

// abort discards every file not yet committed.
func (o *outputSet) abort() {
	for _, f := range o.files {
		f.Abort()
	}
}

// commit publishes every file; after an error abort discards the rest.
func (o *outputSet) commit() error {
	if err := context.Cause(o.ctx); err != nil {
		return err // before the first rename: all or nothing
	}
	for _, f := range o.files {
		if err := f.Commit(); err != nil {
			return err
		}
	}
	o.files = nil
	return nil
}

// WriteTrajectory writes tr in format f: long CSV (time,variable,value,
// numbers in Go's shortest round-trip form) or Parquet with the same
// columns.
func WriteTrajectory(w io.Writer, tr *sim.Trajectory, f Format) error {
	if f == Parquet {
		return writeParquet(w, tr)
	}
	return writeCSV(w, tr)
}

func writeCSV(w io.Writer, tr *sim.Trajectory) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("time,variable,value\n")
	buf := make([]byte, 0, 64)
	for k, t := range tr.Times {
		ts := strconv.FormatFloat(t, 'g', -1, 64)
		for j, n := range tr.Names {
			buf = buf[:0]
			buf = append(buf, ts...)
			buf = append(buf, ',')
			buf = append(buf, n...)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, tr.Values[k][j], 'g', -1, 64)
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

type trajRow struct {
	Time     float64 `parquet:"time"`
	Variable string  `parquet:"variable,dict"`
	Value    float64 `parquet:"value"`
}

func writeParquet(w io.Writer, tr *sim.Trajectory) error {
	pw := parquet.NewGenericWriter[trajRow](w)
	rows := make([]trajRow, 0, len(tr.Names))
	for k, t := range tr.Times {
		rows = rows[:0]
		for j, n := range tr.Names {
			rows = append(rows, trajRow{Time: t, Variable: n, Value: tr.Values[k][j]})
		}
		if _, err := pw.Write(rows); err != nil {
			return err
		}
	}
	return pw.Close()
}
