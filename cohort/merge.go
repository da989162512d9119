package cohort

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/holobiont/holobiont/internal/chunks"
	"github.com/holobiont/holobiont/internal/safefile"
)

// ReadLayout reads the layout (spec hash, arms, columns) recorded in a
// cohort or trial run directory or shard directory.
func ReadLayout(dir string) (*Layout, error) {
	lay, _, err := readLayout(dir)
	return lay, err
}

// IsTrial reports whether the layout is that of a trial (it has arms).
func (l *Layout) IsTrial() bool { return len(l.Arms) > 0 }

// StageShards gathers the chunks of the shard directories dirs (all shards
// of one spec) into out/chunks, with the shards' layout.json, so that an
// unsharded run of the same spec in out (Run, TrialPlan.RunTrial) finds
// every chunk complete and only assembles: its outputs are then those of an
// unsharded run. Chunks already in out are kept when their bytes agree; a
// chunk in out that differs is an error. Every chunk is written atomically.
// It checks the shards as Assemble does before writing anything.
func StageShards(ctx context.Context, dirs []string, out string) (lay *Layout, err error) {
	lay, lb, paths, err := shardChunks(ctx, dirs)
	if err != nil {
		return nil, err
	}
	if err := chunks.CheckDir(out, "layout.json", lb, Shard{I: 0, N: 1}); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	// Check every chunk already in out before writing any.
	var todo []int
	for k, src := range paths {
		dst := chunkPath(out, k)
		if same, _ := sameFile(src, dst); same {
			continue
		}
		old, err := os.ReadFile(dst)
		if os.IsNotExist(err) {
			todo = append(todo, k)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		if !bytes.Equal(old, b) {
			return nil, fmt.Errorf("merge: %s and %s differ (chunk %d of a different run)", src, dst, k)
		}
	}
	var made []string // removed again if the merge fails
	defer func() {
		if err != nil {
			for _, p := range made {
				os.Remove(p)
			}
		}
	}()
	if err := os.MkdirAll(filepath.Join(out, "chunks"), 0o755); err != nil {
		return nil, err
	}
	for _, k := range todo {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := os.ReadFile(paths[k])
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		if err := safefile.WriteFile(chunkPath(out, k), b); err != nil {
			return nil, err
		}
		made = append(made, chunkPath(out, k))
	}
	if _, err := os.Stat(filepath.Join(out, "layout.json")); os.IsNotExist(err) {
		if err := safefile.WriteFile(filepath.Join(out, "layout.json"), lb); err != nil {
			return nil, err
		}
	}
	return lay, nil
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}
