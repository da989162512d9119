package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/holobiont/holobiont/server"
)

// A server fit job is `holobiont fit` on an uploaded data set: the same
// flags (and defaults), the same output files.

// fitJobOptions turns a fit job's settings into fit's options by parsing
// them as the CLI's flags, so defaults and checks are the CLI's.
func fitJobOptions(job *server.Job) (fitOptions, error) {
	var o fitOptions
	fs := pflag.NewFlagSet("fit", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o.register(fs)
	s := job.Fit
	if s == nil {
		s = &server.FitSettings{}
	}
	args := []string{"--seed", strconv.FormatUint(job.Seed, 10), "--workers", strconv.Itoa(job.Limits.Workers)}
	for _, kv := range [][2]string{{"method", s.Method}, {"cv", s.CV}, {"dt-weight", s.DtWeight}, {"penalty", s.Penalty}} {
		if kv[1] != "" {
			args = append(args, "--"+kv[0], kv[1])
		}
	}
	if s.Bootstrap != nil {
		args = append(args, "--bootstrap", strconv.Itoa(*s.Bootstrap))
	}
	if err := fs.Parse(args); err != nil {
		return o, fmt.Errorf("fit: %w", err)
	}
	return o, nil
}

// fitJobID hashes what determines a fit job's outputs: the holobiont
// version, the data archive and the options as parsed.
func fitJobID(job *server.Job, o fitOptions) string {
	h := sha256.New()
	fmt.Fprintf(h, "holobiont %s\nkind fit\ndata %s\n", version, sha256Hex(job.Data.Data))
	fmt.Fprintf(h, "method %s\ncv %s\ndt-weight %s\npenalty %s\nbootstrap %d\nseed %d\n", o.method, o.cv, o.dtWeight, o.penalty, o.bootstrap, o.seed)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// prepareFit checks a fit job as the CLI would before fitting: the data
// set reads, the options parse and the method suits the data.
func prepareFit(job *server.Job) (*server.Plan, error) {
	if job.Data == nil {
		return nil, fmt.Errorf("a fit run needs a data set")
	}
	o, err := fitJobOptions(job)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "holobiont-fit-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	dir, err := server.ExtractData(job.Data.Name, job.Data.Data, tmp, job.Limits.MaxData)
	if err != nil {
		return nil, err
	}
	d, err := o.data.read(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", job.Data.Name, strings.ReplaceAll(err.Error(), tmp+string(filepath.Separator), ""))
	}
	pen, err := parsePenalty(o.penalty)
	if err != nil {
		return nil, err
	}
	if _, err := parseDtWeight(o.dtWeight, pen != nil); err != nil {
		return nil, err
	}
	if o.cv != "none" && o.cv != "loso" {
		return nil, fmt.Errorf("cv %q: want none or loso", o.cv)
	}
	method, err := chooseMethod(o.method, d, io.Discard)
	if err != nil {
		return nil, err
	}
	total := int64(1)
	if o.cv == "loso" {
		total += int64(len(d.Subjects))
	}
	return &server.Plan{ID: fitJobID(job, o), Title: fmt.Sprintf("fit %s to %s (%d subjects)", method, d.Name, len(d.Subjects)), Total: total}, nil
}

// executeFit extracts the data set under dir/inputs (not an output) and
// runs fit into dir; fit's printed table is kept as fit.txt. The run
// record is fit.json.
func executeFit(ctx context.Context, job *server.Job, dir string, progress func(done, total int64)) (json.RawMessage, error) {
	o, err := fitJobOptions(job)
	if err != nil {
		return nil, err
	}
	in := filepath.Join(dir, "inputs")
	if err := os.RemoveAll(in); err != nil { // a previous attempt's
		return nil, err
	}
	if err := os.MkdirAll(in, 0o755); err != nil {
		return nil, err
	}
	data, err := server.ExtractData(job.Data.Name, job.Data.Data, in, job.Limits.MaxData)
	if err != nil {
		return nil, err
	}
	o.out, o.label = dir, filepath.Base(data)
	o.progress = func(done, total int) { progress(int64(done), int64(total)) }
	var log bytes.Buffer
	if _, err := fitMain(ctx, data, o, &log, io.Discard); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "fit.txt"), log.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(dir, "fit.json"))
}
