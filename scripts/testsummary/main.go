// Command testsummary reads `go test -json` output on standard input and
// prints one line per package (as `go test` does) and a summary of every
// skipped test: how many, and how many of them for want of the shared data
// folder ../shared. It exits non-zero when a test or build failed.
//
//	go test -json ./... | go run ./scripts/testsummary
//
// scripts/test-summary.sh runs exactly that.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// event is one line of test2json output.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

const sharedSkip = "skipping: needs the shared data folder" // internal/testutil.SharedSkip

func main() {
	type pkgState struct {
		action  string
		elapsed float64
	}
	pkgs := map[string]*pkgState{}
	var order []string
	output := map[string]string{} // package/test -> its output
	pass, fail, skip := 0, 0, 0
	sharedSkips := map[string]int{} // package -> tests skipped for ../shared
	var otherSkips []string
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Println(sc.Text()) // build errors and the like come as plain text
			continue
		}
		key := e.Package + "/" + e.Test
		switch {
		case e.Action == "output":
			output[key] += e.Output
		case e.Test == "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			if _, ok := pkgs[e.Package]; !ok {
				order = append(order, e.Package)
			}
			pkgs[e.Package] = &pkgState{e.Action, e.Elapsed}
		case e.Test != "" && e.Action == "pass":
			pass++
		case e.Test != "" && e.Action == "fail":
			fail++
			fmt.Print(output[key])
		case e.Test != "" && e.Action == "skip":
			skip++
			if strings.Contains(output[key], sharedSkip) {
				sharedSkips[e.Package]++
			} else {
				otherSkips = append(otherSkips, strings.TrimPrefix(e.Package, "github.com/holobiont/holobiont/")+"."+e.Test)
			}
		}
	}
	failed := false
	for _, p := range order {
		st := pkgs[p]
		switch st.action {
		case "pass":
			fmt.Printf("ok  \t%s\t%.3fs\n", p, st.elapsed)
		case "skip":
			fmt.Printf("?   \t%s\t[no test files]\n", p)
		default:
			failed = true
			fmt.Printf("FAIL\t%s\t%.3fs\n", p, st.elapsed)
		}
	}
	nShared := 0
	var sharedPkgs []string
	for p, n := range sharedSkips {
		nShared += n
		sharedPkgs = append(sharedPkgs, fmt.Sprintf("%s %d", strings.TrimPrefix(p, "github.com/holobiont/holobiont/"), n))
	}
	sort.Strings(sharedPkgs)
	sort.Strings(otherSkips)
	fmt.Printf("tests: %d passed, %d failed, %d skipped", pass, fail, skip)
	if nShared > 0 {
		fmt.Printf(" (%d need ../shared, which is absent: %s)", nShared, strings.Join(sharedPkgs, ", "))
	}
	if len(otherSkips) > 0 {
		fmt.Printf("; other skips: %s", strings.Join(otherSkips, ", "))
	}
	fmt.Println()
	if failed || fail > 0 {
		os.Exit(1)
	}
}
