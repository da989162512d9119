package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	holobiont "github.com/holobiont/holobiont"
	"github.com/holobiont/holobiont/cohort"
)

func newCohortCmd() *cobra.Command {
	var out, shard, progress string
	var workers int
	cmd := &cobra.Command{
		Use:   "cohort SPEC.yaml",
		Short: "Simulate a virtual cohort and the data a study of it would collect",
		Long: `cohort draws n subjects from the spec's parameter and covariate distributions
(lognormal, gamma, normal, truncated, uniform, categorical; correlated through a
Gaussian copula), simulates each with the spec's model and scenario on all
cores, and observes them as a study would: sequencing depth per sample, read
counts (multinomial, Dirichlet-multinomial or MDSINE2-style negative
binomial), qPCR triplicates, and host measurements on instrument scales
(cortisol nmol/L, PSS-10, Affect Grid pleasantness, EASI, SCORAD).

Outputs in --out DIR (manifest.json is written last; without it the
directory is not a complete result):
  subjects.csv / .parquet     covariates, drawn parameters (param.*), endpoints
  samples.csv / .parquet      one row per swab: depth, reads, true load, qPCR
  measurements.csv / .parquet host measurements (observed and latent value)
  counts.biom, counts.json.biom  BIOM 2.1 (HDF5) and 1.0 (JSON) read counts
  sample-metadata.tsv         QIIME 2 metadata: subject, body-site, time,
                              covariates, measurements at the sample's time
  mdsine/                     MDSINE input: counts.txt, metadata.txt (perturbID
                              = the intervention window active at the sample),
                              biomass.txt (qPCR), perturbations.txt (the key)
  mdsine2/                    MDSINE2 parse-input tables: metadata.tsv,
                              reads.tsv, qpcr.tsv, taxonomy.tsv and
                              perturbations.tsv (name start end subject)
  truth-abundance.csv         true relative abundance behind every count
  truth-trajectories.csv      trajectories of the spec's truth variables
  manifest.json               spec hash, seed, holobiont version, model and
                              scenario hashes, solver settings, file hashes

The covariates (and a trial's arm) are echoed into every table: subjects,
samples, measurements, truth and sample metadata. An MDSINE subject is one
time series: the subject's number when the spec samples one site,
NUMBER-SITE (7-face) when it samples several.

A subject's results depend only on (seed, index): --workers and --shard
never change the bytes. A killed run resumes from DIR/chunks when rerun with
the same arguments (and the same holobiont version). --shard i/N runs part i
(0-based) of N; combine the parts with ` + "`holobiont merge`" + `. Spec problems
(invalid distributions, unknown parameters or variables, bad shard) are
reported as FILE:LINE:COL before anything is simulated.`,
		Example: `  holobiont cohort examples/cohort-tyson-carr.yaml --out tc
  holobiont analyze assoc tc/counts.biom --metadata tc/sample-metadata.tsv --by body-site --vars pss,mood --out tc/assoc.tsv
  holobiont cohort examples/cohort-lab-stress.yaml --out part0 --shard 0/2
  holobiont cohort examples/cohort-lab-stress.yaml --out part1 --shard 1/2
  holobiont merge part0 part1 --out labstress     # identical bytes to an unsharded run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return fmt.Errorf("--out DIR is required")
			}
			if err := checkProgressFlag(progress); err != nil {
				return err
			}
			sh, err := cohort.ParseShard(shard)
			if err != nil {
				return err
			}
			if err := checkKind(args[0], holobiont.KindCohort); err != nil {
				return err
			}
			s, err := cohort.LoadSpec(args[0])
			if err != nil {
				return err
			}
			p, err := cohort.Compile(s)
			if err != nil {
				return err
			}
			return runCohortPlan(cmd.Context(), p, out, sh, workers, progress, cmd.ErrOrStderr(), cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output directory (required)")
	cmd.Flags().IntVar(&workers, "workers", 0, "parallel subjects (0 = all cores)")
	cmd.Flags().StringVar(&shard, "shard", "", "run part i/N (0-based) of the cohort; merge the parts with holobiont merge")
	cmd.Flags().StringVar(&progress, "progress", "auto", "progress bar: auto (on terminals), always, never")
	return cmd
}

// checkKind reads path and says so when it holds another kind of input
// than want (a trial spec given to cohort, a model given to trial, ...).
// Unreadable files are left to the command's own reader.
func checkKind(path string, want holobiont.Kind) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	if got := holobiont.DetectKind(data); got != holobiont.KindUnknown && got != want {
		return &holobiont.KindError{Name: path, Got: got, Want: want}
	}
	return nil
}

func runCohortPlan(ctx context.Context, p *cohort.Plan, out string, sh cohort.Shard, workers int, progress string, stderr, stdout io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	opt := cohort.Options{Workers: workers, Shard: sh, Version: version, Warn: warnTo(stderr)}
	bar, err := newProgressBar(ctx, progress, "subjects ", stderr)
	if err != nil {
		return err
	}
	opt.Progress = bar.update
	t0 := time.Now()
	err = cohort.Run(ctx, p, out, opt)
	bar.finish(err)
	if err != nil {
		return err
	}
	el := time.Since(t0)
	if sh.N > 1 {
		fmt.Fprintf(stdout, "shard %d/%d of %q done in %.1fs: %s (merge the shards with holobiont merge)\n", sh.I, sh.N, p.Spec.Name, el.Seconds(), out)
		return nil
	}
	fmt.Fprintf(stdout, "cohort %q: %d subjects, %d samples each, in %.1fs -> %s\n", p.Spec.Name, p.Spec.N, len(p.Samples), el.Seconds(), out)
	return nil
}

// warnTo returns a function printing warnings (for example a damaged
// checkpoint chunk being recomputed) on w.
func warnTo(w io.Writer) func(string) {
	return func(msg string) { fmt.Fprintln(w, "holobiont: warning:", msg) }
}
