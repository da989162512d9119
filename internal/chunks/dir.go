package chunks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/holobiont/holobiont/internal/safefile"
)

// A run directory holds the run's layout file (everything its chunks depend
// on), chunks/, and when it is done either manifest.json (a complete run,
// written last) or shard.json (a finished shard, written last).

// CheckDir reports whether dir may receive a run with this layout (the
// layout file's bytes) and shard, without changing anything in it: a
// refused run must leave what is there byte for byte. It refuses a
// directory holding a run of another spec or version, a shard into a
// directory holding a complete run, and a shard into a directory holding
// another shard. An unsharded run may complete a shard's directory, and any
// run may resume or repeat its own.
func CheckDir(dir, layoutName string, layout []byte, sh Shard) error {
	old, err := os.ReadFile(filepath.Join(dir, layoutName))
	hasLayout := err == nil
	if hasLayout && !bytes.Equal(old, layout) {
		return fmt.Errorf("%s holds a run of a different spec or version (%s differs); choose a new --out", dir, layoutName)
	}
	_, errM := os.Stat(filepath.Join(dir, "manifest.json"))
	sb, errS := os.ReadFile(filepath.Join(dir, "shard.json"))
	if !hasLayout && (errM == nil || errS == nil) {
		return fmt.Errorf("%s holds a run without %s; choose a new --out", dir, layoutName)
	}
	if sh.N <= 1 {
		return nil
	}
	if errM == nil {
		return fmt.Errorf("%s holds a complete run (manifest.json); write shard %d/%d to another --out", dir, sh.I, sh.N)
	}
	if errS == nil {
		var m struct{ Shard, Of int }
		if err := json.Unmarshal(sb, &m); err != nil {
			return fmt.Errorf("%s/shard.json: %w", dir, err)
		}
		if m.Shard != sh.I || m.Of != sh.N {
			return fmt.Errorf("%s holds shard %d/%d; write shard %d/%d to another --out (or run without --shard to complete the run here)", dir, m.Shard, m.Of, sh.I, sh.N)
		}
	}
	return nil
}

// PrepareDir makes dir ready for a run that CheckDir accepted: it creates
// dir/chunks, removes the temporary files a killed run left (see
// CleanPartial) and writes the layout file.
func PrepareDir(dir, layoutName string, layout []byte) error {
	if err := os.MkdirAll(filepath.Join(dir, "chunks"), 0o755); err != nil {
		return err
	}
	if err := CleanPartial(dir); err != nil {
		return err
	}
	if old, err := os.ReadFile(filepath.Join(dir, layoutName)); err == nil && bytes.Equal(old, layout) {
		return nil
	}
	return safefile.WriteFile(filepath.Join(dir, layoutName), layout)
}

// partialName matches the temporary files of unfinished outputs
// (internal/safefile: ".NAME.partial-NNNN") and of the assembly's spill
// folders.
var partialName = regexp.MustCompile(`^\..+\.partial-[0-9]+$|^\.assemble-spill-[0-9]+$`)

// CleanPartial removes, under dir, the temporary files and folders of
// outputs a killed run had not finished (they would otherwise survive
// every resume).
func CleanPartial(dir string) error {
	var stale []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && partialName.MatchString(d.Name()) {
			stale = append(stale, p)
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range stale {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}

// UndoNew records whether dir and its layout file layoutName exist yet and
// returns a function that removes what did not: the whole of dir if this
// run created it, else only the layout file (a failed merge or run leaves
// what was there before and nothing else). newLayout says whether the
// layout file is still to be written.
func UndoNew(dir, layoutName string) (undo func(), newLayout bool) {
	_, err := os.Stat(dir)
	created := os.IsNotExist(err)
	layoutPath := filepath.Join(dir, layoutName)
	_, err = os.Stat(layoutPath)
	newLayout = os.IsNotExist(err)
	return func() {
		if created {
			os.RemoveAll(dir)
		} else if newLayout {
			os.Remove(layoutPath)
		}
	}, newLayout
}
