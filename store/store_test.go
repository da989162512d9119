package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/holobiont/holobiont/store"
	"github.com/holobiont/holobiont/store/storetest"
)

func TestMain(m *testing.M) {
	if loc := os.Getenv("HOLOBIONT_STORE_CRASH_CHILD"); loc != "" {
		crashChild(loc)
		return
	}
	os.Exit(m.Run())
}

func req(model string) json.RawMessage {
	b, _ := json.Marshal(map[string]string{"model": model})
	return b
}

func TestLifecycle(t *testing.T) {
	storetest.RunBoth(t, func(t *testing.T, loc string) {
		ctx := context.Background()
		s := storetest.Open(t, loc)
		if s.SchemaVersion() != store.SchemaVersion {
			t.Fatalf("schema version %d, want %d", s.SchemaVersion(), store.SchemaVersion)
		}
		r, created, err := s.Submit(ctx, &store.Run{ID: "abc123", Kind: "run", Title: "default", Request: req("gut-skin-brain.yaml"), Total: 180})
		if err != nil || !created || r.Status != store.Queued || r.Total != 180 {
			t.Fatalf("submit: %+v created=%v err=%v", r, created, err)
		}
		// The same inputs again: the stored run, not a new one.
		r2, created, err := s.Submit(ctx, &store.Run{ID: "abc123", Kind: "run", Request: req("other")})
		if err != nil || created || string(r2.Request) != string(req("gut-skin-brain.yaml")) {
			t.Fatalf("resubmit: %+v created=%v err=%v", r2, created, err)
		}
		got, err := s.Claim(ctx)
		if err != nil || got.ID != "abc123" || got.Status != store.Running || got.Attempts != 1 {
			t.Fatalf("claim: %+v %v", got, err)
		}
		if _, err := s.Claim(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second claim: %v, want ErrNotFound", err)
		}
		if err := s.Progress(ctx, "abc123", 90, 180); err != nil {
			t.Fatal(err)
		}
		if err := s.Log(ctx, "abc123", "line one"); err != nil {
			t.Fatal(err)
		}
		if err := s.Log(ctx, "abc123", "line two"); err != nil {
			t.Fatal(err)
		}
		arts := []store.Artefact{store.NewArtefact("trajectory.csv", "text/csv", []byte("time,variable,value\n0,x,1\n")),
			store.NewArtefact("summary.json", "application/json", []byte(`{"run_id":"abc123"}`))}
		if err := s.Finish(ctx, "abc123", json.RawMessage(`{"run_id":"abc123"}`), arts); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Get(ctx, "abc123")
		if got.Status != store.Succeeded || got.Done != 180 || string(got.Summary) != `{"run_id":"abc123"}` || got.Finished.IsZero() {
			t.Fatalf("after finish: %+v", got)
		}
		list, err := s.Artefacts(ctx, "abc123")
		if err != nil || len(list) != 2 || list[0].Name != "summary.json" || list[1].Size != int64(len(arts[0].Data)) {
			t.Fatalf("artefacts: %+v %v", list, err)
		}
		a, err := s.Artefact(ctx, "abc123", "trajectory.csv")
		if err != nil || string(a.Data) != string(arts[0].Data) || a.SHA256 != arts[0].SHA256 {
			t.Fatalf("artefact: %+v %v", a, err)
		}
		if _, err := s.Artefact(ctx, "abc123", "../etc/passwd"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing artefact: %v", err)
		}
		logs, err := s.Logs(ctx, "abc123", 2) // 1 is Submit's "queued: default"
		if err != nil || len(logs) != 1 || logs[0].Line != "line two" || logs[0].Seq != 3 {
			t.Fatalf("logs after 2: %+v %v", logs, err)
		}
		if logs, err = s.Logs(ctx, "abc123", 0); err != nil || len(logs) != 3 || logs[0].Line != "queued: default" {
			t.Fatalf("logs: %+v %v", logs, err)
		}
		jobs, err := s.Jobs(ctx, "abc123")
		if err != nil || len(jobs) != 1 || jobs[0].Status != store.Succeeded {
			t.Fatalf("jobs: %+v %v", jobs, err)
		}
		// Finishing twice is refused; a finished run cannot be cancelled.
		if err := s.Finish(ctx, "abc123", nil, nil); !errors.Is(err, store.ErrNotRunning) {
			t.Fatalf("finish twice: %v", err)
		}
		if ok, err := s.Cancel(ctx, "abc123"); ok || err != nil {
			t.Fatalf("cancel finished: %v %v", ok, err)
		}
		if err := s.Delete(ctx, "abc123"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "abc123"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
		if err := s.Delete(ctx, "abc123"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
	})
}

func TestFailCancelRequeue(t *testing.T) {
	storetest.RunBoth(t, func(t *testing.T, loc string) {
		ctx := context.Background()
		s := storetest.Open(t, loc)
		s.Submit(ctx, &store.Run{ID: "f1", Kind: "run", Request: req("a")})
		s.Submit(ctx, &store.Run{ID: "c1", Kind: "cohort", Request: req("b")})
		if r, err := s.Claim(ctx, "cohort"); err != nil || r.ID != "c1" {
			t.Fatalf("claim cohort: %+v %v", r, err)
		}
		if _, err := s.Claim(ctx); err != nil {
			t.Fatal(err)
		}
		partial := store.NewArtefact("trajectory.partial.csv", "text/csv", []byte("time\n0\n"))
		if err := s.Fail(ctx, "f1", "non-finite state at t=3", json.RawMessage(`{"complete":false}`), []store.Artefact{partial}); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.Cancel(ctx, "c1"); !ok || err != nil {
			t.Fatalf("cancel: %v %v", ok, err)
		}
		// A cancelled run's worker cannot finish it any more.
		if err := s.Finish(ctx, "c1", nil, []store.Artefact{partial}); !errors.Is(err, store.ErrNotRunning) {
			t.Fatalf("finish after cancel: %v", err)
		}
		if a, _ := s.Artefacts(ctx, "c1"); len(a) != 0 {
			t.Fatalf("finish after cancel stored %d artefacts", len(a))
		}
		f, _ := s.Get(ctx, "f1")
		if f.Status != store.Failed || f.Error != "non-finite state at t=3" {
			t.Fatalf("failed run: %+v", f)
		}
		// Submitting a failed run again queues it afresh, without its old files.
		r, created, err := s.Submit(ctx, &store.Run{ID: "f1", Kind: "run", Request: req("a")})
		if err != nil || !created || r.Status != store.Queued || r.Error != "" {
			t.Fatalf("requeue: %+v %v %v", r, created, err)
		}
		if a, _ := s.Artefacts(ctx, "f1"); len(a) != 0 {
			t.Fatalf("requeued run kept %d artefacts", len(a))
		}
		r, _ = s.Claim(ctx)
		if r.Attempts != 2 {
			t.Fatalf("attempts %d, want 2", r.Attempts)
		}
		// The server stops: Recover queues the running run again.
		ids, err := s.Recover(ctx)
		if err != nil || len(ids) != 1 || ids[0] != "f1" {
			t.Fatalf("recover: %v %v", ids, err)
		}
		jobs, _ := s.Jobs(ctx, "f1")
		if len(jobs) != 2 || jobs[0].Status != store.Failed || jobs[1].Status != store.Failed || jobs[1].Error == "" {
			t.Fatalf("jobs: %+v", jobs)
		}
		list, err := s.List(ctx, store.Filter{Status: store.Queued})
		if err != nil || len(list) != 1 || list[0].ID != "f1" {
			t.Fatalf("list queued: %+v %v", list, err)
		}
		list, _ = s.List(ctx, store.Filter{Prefix: "c"})
		if len(list) != 1 || list[0].ID != "c1" {
			t.Fatalf("list prefix: %+v", list)
		}
	})
}

// TestClaimRace: many workers claiming at once each get a different run.
func TestClaimRace(t *testing.T) {
	storetest.RunBoth(t, func(t *testing.T, loc string) {
		ctx := context.Background()
		s := storetest.Open(t, loc)
		const n = 24
		for i := range n {
			if _, _, err := s.Submit(ctx, &store.Run{ID: fmt.Sprintf("r%02d", i), Kind: "run", Request: req("m")}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					r, err := s.Claim(ctx)
					if errors.Is(err, store.ErrNotFound) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					if err := s.Finish(ctx, r.ID, json.RawMessage(`{}`), nil); err != nil {
						t.Error(err)
					}
					mu.Lock()
					seen[r.ID]++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("%d runs claimed, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("run %s claimed %d times", id, c)
			}
		}
	})
}

// TestLogRace appends log lines to one run from several goroutines at once:
// every line is kept, numbered 1..n after Submit's "queued" line (two
// writers picking the same sequence number lost a line on PostgreSQL:
// TestRunLifecycle/postgres saw "queued" and "succeeded" without the
// worker's "started").
func TestLogRace(t *testing.T) {
	storetest.RunBoth(t, func(t *testing.T, loc string) {
		ctx := context.Background()
		s := storetest.Open(t, loc)
		if _, _, err := s.Submit(ctx, &store.Run{ID: "logs", Kind: "run", Request: req("m")}); err != nil {
			t.Fatal(err)
		}
		const writers, each = 4, 15
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					if err := s.Log(ctx, "logs", fmt.Sprintf("w%d %d", w, i)); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		lines, err := s.Logs(ctx, "logs", 0)
		if err != nil || len(lines) != 1+writers*each || lines[0].Line != "queued: " {
			t.Fatalf("%d lines (err %v), want the queued line and %d", len(lines), err, writers*each)
		}
		for i, l := range lines {
			if l.Seq != int64(i+1) {
				t.Fatalf("line %d has sequence number %d", i, l.Seq)
			}
		}
	})
}

func TestUploads(t *testing.T) {
	storetest.RunBoth(t, func(t *testing.T, loc string) {
		ctx := context.Background()
		s := storetest.Open(t, loc)
		u1, err := s.PutUpload(ctx, "mine.yaml", "model", []byte("v1"))
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		if _, err := s.PutUpload(ctx, "mine.yaml", "model", []byte("v2")); err != nil {
			t.Fatal(err)
		}
		s.PutUpload(ctx, "sc.yaml", "scenario", []byte("duration: 10\n"))
		got, err := s.GetUpload(ctx, "mine.yaml")
		if err != nil || string(got.Data) != "v2" {
			t.Fatalf("newest upload by name: %+v %v", got, err)
		}
		got, err = s.GetUpload(ctx, u1.SHA256)
		if err != nil || string(got.Data) != "v1" {
			t.Fatalf("upload by hash: %+v %v", got, err)
		}
		list, err := s.Uploads(ctx, "model")
		if err != nil || len(list) != 1 || list[0].Name != "mine.yaml" || list[0].Size != 2 {
			t.Fatalf("uploads: %+v %v", list, err)
		}
		if _, err := s.GetUpload(ctx, "absent.yaml"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("absent upload: %v", err)
		}
	})
}

func TestRecord(t *testing.T) {
	storetest.RunBoth(t, func(t *testing.T, loc string) {
		ctx := context.Background()
		s := storetest.Open(t, loc)
		r := &store.Run{ID: "cli1", Kind: "run", Status: store.Succeeded, Request: req("m"), Summary: json.RawMessage(`{"a":1}`)}
		a := store.NewArtefact("summary.json", "application/json", []byte(`{"a":1}`))
		if err := s.Record(ctx, r, []store.Artefact{a}); err != nil {
			t.Fatal(err)
		}
		if err := s.Record(ctx, r, []store.Artefact{a}); err != nil {
			t.Fatalf("recording the same run twice: %v", err)
		}
		got, err := s.Get(ctx, "cli1")
		if err != nil || got.Origin != "cli" || got.Status != store.Succeeded {
			t.Fatalf("recorded: %+v %v", got, err)
		}
		// A run that is already stored is not computed again.
		if _, created, _ := s.Submit(ctx, &store.Run{ID: "cli1", Kind: "run", Request: req("m")}); created {
			t.Fatal("submit of a recorded run queued it again")
		}
	})
}

// TestReopenKeepsSchema: opening an existing store applies nothing and keeps
// the data; a store from a newer holobiont is refused.
func TestReopenAndNewerSchema(t *testing.T) {
	storetest.RunBoth(t, func(t *testing.T, loc string) {
		ctx := context.Background()
		s, err := store.Open(ctx, loc)
		if err != nil {
			t.Fatal(err)
		}
		s.Submit(ctx, &store.Run{ID: "keep", Kind: "run", Request: req("m")})
		s.Close()
		s = storetest.Open(t, loc)
		if _, err := s.Get(ctx, "keep"); err != nil {
			t.Fatalf("after reopen: %v", err)
		}
		if err := storetest.SetSchemaVersion(loc, store.SchemaVersion+1); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Open(ctx, loc); err == nil {
			t.Fatal("opened a store with a newer schema")
		}
	})
}

// TestKillMidWrite kills a process (SIGKILL) that is finishing runs with
// several artefacts each, then checks that every run marked succeeded has
// all its files intact and that Recover requeues the interrupted ones.
func TestKillMidWrite(t *testing.T) {
	storetest.RunBoth(t, func(t *testing.T, loc string) {
		if testing.Short() {
			t.Skip("short")
		}
		ctx := context.Background()
		s := storetest.Open(t, loc) // creates the schema
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "HOLOBIONT_STORE_CRASH_CHILD="+loc)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until the child has finished a few runs, then kill it mid-write.
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			l, _ := s.List(ctx, store.Filter{Status: store.Succeeded})
			if len(l) >= 3 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		// Kill while a run is being written (claimed, its 8 MB of files in flight).
		for time.Now().Before(deadline) {
			if l, _ := s.List(ctx, store.Filter{Status: store.Running}); len(l) > 0 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		all, err := s.List(ctx, store.Filter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		succeeded := 0
		for _, r := range all {
			arts, err := s.Artefacts(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status == store.Succeeded {
				succeeded++
				if len(arts) != 4 {
					t.Errorf("run %s looks finished with %d of 4 files", r.ID, len(arts))
				}
				for _, a := range arts {
					full, err := s.Artefact(ctx, r.ID, a.Name)
					if err != nil || store.NewArtefact(a.Name, a.MediaType, full.Data).SHA256 != a.SHA256 {
						t.Errorf("run %s file %s damaged: %v", r.ID, a.Name, err)
					}
				}
			} else if len(arts) != 0 {
				t.Errorf("unfinished run %s (%s) has %d files", r.ID, r.Status, len(arts))
			}
		}
		if succeeded < 3 {
			t.Fatalf("child finished only %d runs before the kill", succeeded)
		}
		if _, err := s.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		if l, _ := s.List(ctx, store.Filter{Status: store.Running}); len(l) != 0 {
			t.Fatalf("%d runs still marked running after Recover", len(l))
		}
		t.Logf("%d runs finished before SIGKILL, %d in all", succeeded, len(all))
	})
}

func crashChild(loc string) {
	ctx := context.Background()
	s, err := store.Open(ctx, loc)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	big := make([]byte, 2<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	for i := 0; ; i++ {
		id := fmt.Sprintf("k%05d", i)
		s.Submit(ctx, &store.Run{ID: id, Kind: "run", Request: req("m")})
		if _, err := s.Claim(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		var arts []store.Artefact
		for j := range 4 {
			big[0] = byte(i + j)
			arts = append(arts, store.NewArtefact(fmt.Sprintf("f%d", j), "application/octet-stream", append([]byte(nil), big...)))
		}
		if err := s.Finish(ctx, id, json.RawMessage(`{}`), arts); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
}
