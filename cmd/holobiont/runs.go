package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/holobiont/holobiont/internal/safefile"
	"github.com/holobiont/holobiont/store"
)

func newRunsCmd() *cobra.Command {
	var loc string
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List, show, delete and export the runs in a run store",
		Long: `Runs reads the store that 'holobiont serve' keeps (and that 'holobiont run
--store' records into): SQLite in a directory (default holobiont-data/) or
PostgreSQL when --store is a postgres:// URL.

  list            runs, newest first: id, kind, status, title, created
  show ID         a run's request, status, summary and output files (JSON)
  rm ID...        delete runs with their files
  export ID       write a run's output files to --out DIR/ID/ (or --zip FILE)

An id may be shortened to any unique prefix.`,
		Example: `  holobiont runs list
  holobiont runs list --status failed --store postgres://holobiont@db/holobiont
  holobiont runs show 268dc8e287c7
  holobiont runs export 268dc8e287c7 --out exported     # exported/268dc8e287c7/trajectory.csv ...
  holobiont runs rm 268dc8e287c7`,
	}
	cmd.PersistentFlags().StringVar(&loc, "store", "holobiont-data", "run store: a directory (SQLite) or a postgres:// URL")
	// withStore opens the store, runs f on it (with the run named by
	// args[0], when there is one) and closes it.
	withStore := func(cmd *cobra.Command, args []string, f func(ctx context.Context, st *store.Store, r *store.Run) error) error {
		ctx := ctxOf(cmd)
		if !strings.Contains(loc, "://") {
			if _, err := os.Stat(loc); err != nil {
				return fmt.Errorf("--store %s: no run store there (holobiont serve or holobiont run --store creates one)", loc)
			}
		}
		st, err := store.Open(ctx, loc)
		if err != nil {
			return err
		}
		defer st.Close()
		var r *store.Run
		if len(args) == 1 {
			if r, err = findRun(ctx, st, args[0]); err != nil {
				return err
			}
		}
		return f(ctx, st, r)
	}
	var kind, status string
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "List runs, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, args, func(ctx context.Context, st *store.Store, _ *store.Run) error {
				runs, err := st.List(ctx, store.Filter{Kind: kind, Status: store.Status(status), Limit: limit})
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tKIND\tSTATUS\tORIGIN\tCREATED\tTITLE")
				for _, r := range runs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, r.Status, r.Origin, r.Created.Local().Format(time.DateTime), r.Title)
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().StringVar(&kind, "kind", "", "only runs of this kind (run, cohort, trial)")
	list.Flags().StringVar(&status, "status", "", "only runs with this status (queued, running, succeeded, failed, cancelled)")
	list.Flags().IntVar(&limit, "limit", 100, "at most this many runs")
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show a run's request, status, summary and output files as JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, args, func(ctx context.Context, st *store.Store, r *store.Run) error {
				arts, err := st.Artefacts(ctx, r.ID)
				if err != nil {
					return err
				}
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					*store.Run
					Outputs []store.Artefact `json:"outputs"`
				}{r, arts})
			})
		},
	}
	rm := &cobra.Command{
		Use:   "rm ID...",
		Short: "Delete runs with their files",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				err := withStore(cmd, []string{a}, func(ctx context.Context, st *store.Store, r *store.Run) error {
					if err := st.Delete(ctx, r.ID); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "deleted %s\n", r.ID)
					return nil
				})
				if err != nil {
					return err
				}
			}
			return nil
		},
	}
	var out string
	export := &cobra.Command{
		Use:   "export ID",
		Short: "Write a run's output files to --out DIR/ID/",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, args, func(ctx context.Context, st *store.Store, r *store.Run) error {
				return exportRun(ctx, st, r, out, cmd.OutOrStdout())
			})
		},
	}
	export.Flags().StringVar(&out, "out", "holobiont-out", "directory; files go to OUT/ID/")
	cmd.AddCommand(list, show, rm, export)
	return cmd
}

func ctxOf(cmd *cobra.Command) context.Context {
	if c := cmd.Context(); c != nil {
		return c
	}
	return context.Background()
}

// findRun returns the run with id, or the only run whose id starts with it.
func findRun(ctx context.Context, st *store.Store, id string) (*store.Run, error) {
	if r, err := st.Get(ctx, id); err == nil {
		return r, nil
	}
	runs, err := st.List(ctx, store.Filter{Prefix: id, Limit: 2})
	if err != nil {
		return nil, err
	}
	switch len(runs) {
	case 0:
		return nil, fmt.Errorf("no run %q in the store", id)
	case 1:
		return runs[0], nil
	}
	return nil, fmt.Errorf("%q names more than one run: give more of the id", id)
}

// exportRun writes every output file of r under out/ID/ (each written
// atomically); nothing is written for a run without outputs.
func exportRun(ctx context.Context, st *store.Store, r *store.Run, out string, stdout io.Writer) error {
	arts, err := st.Artefacts(ctx, r.ID)
	if err != nil {
		return err
	}
	if len(arts) == 0 {
		return fmt.Errorf("run %s (%s) has no output files", r.ID, r.Status)
	}
	dir := filepath.Join(out, r.ID)
	for _, a := range arts {
		full, err := st.Artefact(ctx, r.ID, a.Name)
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(a.Name))
		if !strings.HasPrefix(p, filepath.Clean(dir)+string(filepath.Separator)) {
			return fmt.Errorf("run %s: output name %q leaves the export directory", r.ID, a.Name)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := safefile.WriteFileContext(ctx, p, full.Data); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "exported %d files of run %s to %s\n", len(arts), r.ID, dir)
	return nil
}
