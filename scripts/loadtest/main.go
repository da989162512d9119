// Command loadtest is a bounded load test of `holobiont serve` on this
// machine: -clients concurrent clients each submit single runs (POST
// /api/runs with one of -variants parameter sets, so the first submission of
// a set computes and later ones are answered from the store), poll the run
// until it has finished and read its summary, for -duration. It then prints
// throughput, latency percentiles per request kind and the error count.
//
// It only talks to a loopback address and stops by itself. Usually run
// through scripts/loadtest.sh, which starts and stops the server:
//
//	sh scripts/loadtest.sh                        # 50 clients, 60 s
//	go run ./scripts/loadtest -url http://127.0.0.1:8080 -clients 50 -duration 60s
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/holobiont/holobiont/internal/mdtable"
)

type sample struct {
	kind string
	d    time.Duration
	ok   bool
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server URL (loopback only)")
	clients := flag.Int("clients", 50, "concurrent clients")
	duration := flag.Duration("duration", 60*time.Second, "how long to run")
	variants := flag.Int("variants", 20, "distinct parameter sets submitted (sigma_S = 0, 0.05, ...)")
	token := flag.String("token", "", "access token, if the server needs one")
	flag.Parse()
	u, err := url.Parse(*base)
	if err != nil {
		fail(err)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fail(fmt.Errorf("-url %s: the load test only targets this machine (127.0.0.1, localhost, [::1])", *base))
	}
	if *clients < 1 || *clients > 500 || *duration <= 0 || *duration > 10*time.Minute {
		fail(fmt.Errorf("-clients must be 1..500 and -duration at most 10m"))
	}
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *clients, MaxConnsPerHost: *clients}}
	call := func(method, path string, body []byte) (int, []byte, time.Duration, error) {
		req, _ := http.NewRequest(method, *base+path, bytes.NewReader(body))
		if *token != "" {
			req.Header.Set("Authorization", "Bearer "+*token)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		t0 := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			return 0, nil, time.Since(t0), err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, b, time.Since(t0), err
	}
	deadline := time.Now().Add(*duration)
	var mu sync.Mutex
	var samples []sample
	var errs []string
	record := func(kind string, d time.Duration, ok bool, msg string) {
		mu.Lock()
		samples = append(samples, sample{kind, d, ok})
		if !ok && len(errs) < 10 {
			errs = append(errs, kind+": "+msg)
		}
		mu.Unlock()
	}
	runs := 0
	var wg sync.WaitGroup
	t0 := time.Now()
	for c := range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				v := float64((c*7+i)%*variants) * 0.05
				body, _ := json.Marshal(map[string]any{"set": map[string]float64{"sigma_S": v}})
				code, b, d, err := call("POST", "/api/runs", body)
				var r struct{ ID, Status string }
				json.Unmarshal(b, &r)
				kind := "submit (run queued or running)"
				if code == 200 && r.Status == "succeeded" {
					kind = "submit (stored run: cached)"
				}
				if err != nil || (code != 200 && code != 201) {
					record(kind, d, false, fmt.Sprint(code, err, string(b)))
					continue
				}
				record(kind, d, true, "")
				for r.Status != "succeeded" && time.Now().Before(deadline.Add(30*time.Second)) {
					time.Sleep(100 * time.Millisecond)
					code, b, d, err = call("GET", "/api/runs/"+r.ID, nil)
					ok := err == nil && code == 200
					record("run status", d, ok, fmt.Sprint(code, err))
					json.Unmarshal(b, &r)
					if r.Status == "failed" || r.Status == "cancelled" {
						record("run status", 0, false, "run "+r.ID+" "+r.Status)
						break
					}
				}
				code, b, d, err = call("GET", "/api/runs/"+r.ID+"/results/summary.json", nil)
				ok := err == nil && code == 200 && bytes.Contains(b, []byte(`"run_id"`))
				record("results/summary.json", d, ok, fmt.Sprint(code, err))
				mu.Lock()
				runs++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	byKind := map[string][]time.Duration{}
	nerr := 0
	for _, s := range samples {
		if !s.ok {
			nerr++
			continue
		}
		byKind[s.kind] = append(byKind[s.kind], s.d)
		byKind["all requests"] = append(byKind["all requests"], s.d)
	}
	fmt.Printf("%d clients for %.0f s against %s: %d requests (%.0f/s), %d runs submitted and read (%.1f/s), %d errors\n",
		*clients, el.Seconds(), *base, len(samples), float64(len(samples))/el.Seconds(), runs, float64(runs)/el.Seconds(), nerr)
	r := mdtable.Right
	tb := mdtable.New(os.Stdout, []mdtable.Align{mdtable.Default, r, r, r, r}, "request", "n", "p50 ms", "p99 ms", "max ms")
	var kinds []string
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		d := byKind[k]
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		q := func(p float64) float64 {
			return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
		}
		tb.Row(k, fmt.Sprint(len(d)), fmt.Sprintf("%.1f", q(0.5)), fmt.Sprintf("%.1f", q(0.99)), fmt.Sprintf("%.1f", q(1)))
	}
	for _, e := range errs {
		fmt.Println("error:", e)
	}
	if nerr > 0 {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadtest:", err)
	os.Exit(2)
}
