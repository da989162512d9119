package main

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	cdpinput "github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/holobiont/holobiont/server"
)

// browserPath finds Chromium, or skips the test with a message.
func browserPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("HOLOBIONT_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	t.Skip("skipping the browser tests: no Chromium (apt-get install chromium, or set HOLOBIONT_CHROMIUM)")
	return ""
}

// artefactDir is where the browser tests keep their screenshots:
// $HOLOBIONT_TEST_ARTEFACTS when set (CI keeps it), else a temporary directory.
func artefactDir(t *testing.T) string {
	if d := os.Getenv("HOLOBIONT_TEST_ARTEFACTS"); d != "" {
		os.MkdirAll(d, 0o755)
		return d
	}
	return t.TempDir()
}

// newBrowser starts headless Chromium with a fresh profile; downloads go to
// the directory downloads.
func newBrowser(t *testing.T, downloads string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browserPath(t)),
		chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// do runs browser steps or fails the test.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func shot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", p)
}

// docShot, when HOLOBIONT_UPDATE_DOCS is set, writes a screenshot of the
// element sel to docs/NAME for the README.
func docShot(t *testing.T, ctx context.Context, sel, name string) {
	t.Helper()
	if os.Getenv("HOLOBIONT_UPDATE_DOCS") == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.Screenshot(css(sel)))
	if err != nil {
		t.Fatalf("screenshot %s: %v", sel, err)
	}
	p := filepath.Join("..", "..", "docs", name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("README screenshot %s", p)
}

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// drag presses the mouse at the centre of sel and releases it dx pixels to the right.
func drag(sel string, dx float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		box, err := chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`, sel))(ctx, t)
		if err != nil {
			return err
		}
		x, y := box[0], box[1]
		steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(cdpinput.DispatchMouseEventTypeMousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1))}
		for i := 1; i <= 10; i++ {
			steps = append(steps, chromedp.MouseEvent(cdpinput.DispatchMouseEventTypeMouseMoved, x+dx*float64(i)/10, y, chromedp.ButtonLeft))
		}
		steps = append(steps, chromedp.MouseEvent(cdpinput.DispatchMouseEventTypeMouseReleased, x+dx, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
		_, err = chromedp.Steps(steps...)(ctx, t)
		return err
	})
}

// hover moves the mouse to a fraction (fx, fy) of sel's box.
func hover(sel string, fx, fy float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		box, err := chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return [r.x + r.width * %g, r.y + r.height * %g]; })()`, sel, fx, fy))(ctx, t)
		if err != nil {
			return err
		}
		_, err = chromedp.MouseEvent(cdpinput.DispatchMouseEventTypeMouseMoved, box[0], box[1])(ctx, t)
		return err
	})
}

// setInput sets an input's value as typing would (input and change events).
func setInput(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, sel, value))(ctx, t)
		return err
	})
}

// waitJS waits (up to two minutes) until a JavaScript condition holds.
func waitJS(cond string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(2*time.Minute), chromedp.WithPollingInterval(50*time.Millisecond))(ctx, t)
		return err
	})
}

// TestBrowserNewcomer drives the real page as a newcomer would: open it,
// run the default model, edit a parameter, add a probiotic course and drag
// the antibiotic window, run again, explore a figure (hover, toggle, log,
// zoom), download the zip through the page and check its contents, compare
// the two runs, and open the permanent link afresh. Screenshots are kept.
func TestBrowserNewcomer(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	arts := artefactDir(t)
	downloads := t.TempDir()
	ctx := newBrowser(t, downloads)
	hs, _ := startServe(t, t.TempDir(), server.Config{})
	base := hs.URL
	const runDone = `location.pathname.startsWith("/runs/") && !!document.querySelector("#run-status") && document.querySelector("#run-status").textContent === "succeeded" && document.querySelectorAll(".chart-svg path.series").length > 5`

	// 1. Open the page and run the default as it is.
	do(t, ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(css("#params tbody tr")))
	if n := eval[int](t, ctx, `document.querySelectorAll("#timeline .tl-bar").length`); n != 3 {
		t.Fatalf("default scenario shows %d interventions, want 3", n)
	}
	shot(t, ctx, arts, "01-editor.png")
	do(t, ctx, chromedp.Click(css("#run")), waitJS(runDone))
	id1 := eval[string](t, ctx, `location.pathname.slice(6)`)
	shot(t, ctx, arts, "02-default-run.png")
	cli, err := runMain(context.Background(), "", runOptions{out: t.TempDir(), format: "csv", rtol: 1e-6, atol: 1e-9, solver: "auto", seed: 1, progress: "never"}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if id1 != cli.Summary.RunID {
		t.Fatalf("the page's default run is %s, holobiont run's is %s", id1, cli.Summary.RunID)
	}

	// 2. Run again with changes: sigma_S = 0, the antibiotic window dragged later, a probiotic course added.
	do(t, ctx, chromedp.Click(css("#again")), chromedp.WaitVisible(css("#params tbody tr")),
		chromedp.SendKeys(css("#param-filter"), "sigma_S"),
		waitJS(`!!document.querySelector('input[data-param="sigma_S"]')`),
		setInput(`input[data-param="sigma_S"]`, "0"))
	if !eval[bool](t, ctx, `document.querySelector('input[data-param="sigma_S"]').classList.contains("edited") && S.set.sigma_S === 0`) {
		t.Fatal("the edited parameter is not marked or not recorded")
	}
	start0 := eval[float64](t, ctx, `S.scenario.interventions[1].start`)
	do(t, ctx, drag(`#timeline .tl-bar[data-index="1"] rect.bar`, 120))
	start1 := eval[float64](t, ctx, `S.scenario.interventions[1].start`)
	do(t, ctx, chromedp.Click(css(`button.add-iv[data-type="probiotic"]`)), chromedp.WaitVisible(css("#iv-edit")))
	if n := eval[int](t, ctx, `document.querySelectorAll("#timeline .tl-bar").length`); start1 <= start0 || n != 4 {
		t.Fatalf("drag moved the antibiotic from day %v to day %v; %d interventions after adding a probiotic course", start0, start1, n)
	}
	// An out-of-range value is refused on the page, as by the CLI.
	do(t, ctx, setInput("#param-filter", "niche_open"),
		waitJS(`!!document.querySelector('input[data-param="niche_open"]')`),
		setInput(`input[data-param="niche_open"]`, "3"))
	if !eval[bool](t, ctx, `document.querySelector('input[data-param="niche_open"]').classList.contains("bad")`) {
		t.Fatal("niche_open = 3 (range [0, 1]) is not marked out of range")
	}
	do(t, ctx, chromedp.Click(css("#run")), waitJS(`!document.querySelector("#run-error").hidden`))
	if msg := eval[string](t, ctx, `document.querySelector("#run-error").textContent`); !strings.Contains(msg, "niche_open") {
		t.Fatalf("out-of-range run not refused: %q", msg)
	}
	shot(t, ctx, arts, "03-edited.png")
	do(t, ctx, setInput(`input[data-param="niche_open"]`, "0"), setInput("#param-filter", ""))
	docShot(t, ctx, ".editor", "serve-editor.png")
	do(t, ctx, setInput(`input[data-param="niche_open"]`, "0"))
	do(t, ctx, chromedp.SendKeys(css("#run-title"), "no cortisol response + probiotic"), chromedp.Click(css("#run")),
		waitJS(runDone+` && location.pathname.slice(6) !== `+fmt.Sprintf("%q", id1)))
	id2 := eval[string](t, ctx, `location.pathname.slice(6)`)
	var rv struct {
		Request struct {
			Set          map[string]float64 `json:"set"`
			ScenarioName string             `json:"scenario_name"`
		} `json:"request"`
		Summary struct {
			Interventions []struct {
				Type  string
				Start float64
			}
		} `json:"summary"`
	}
	json.Unmarshal(getBytes(t, base+"/api/runs/"+id2), &rv)
	if v, ok := rv.Request.Set["sigma_S"]; !ok || v != 0 || !strings.HasPrefix(rv.Request.ScenarioName, "edited-") {
		t.Fatalf("stored request %+v", rv.Request)
	}
	probiotics := 0
	for _, iv := range rv.Summary.Interventions {
		if iv.Type == "probiotic" {
			probiotics++
		}
		if iv.Type == "antibiotic" && iv.Start <= 35 {
			t.Errorf("the dragged antibiotic window starts on day %v (was 35)", iv.Start)
		}
	}
	if probiotics != 2 {
		t.Errorf("%d probiotic courses in the run, want 2", probiotics)
	}

	// 3. Explore a figure: hover values, toggle a series, log axis, zoom.
	do(t, ctx, chromedp.ScrollIntoView(css(".chart-box .chart-svg")), hover(".chart-box .chart-svg", 0.5, 0.4),
		waitJS(`!document.querySelector(".chart-box .chart-tip").hidden`))
	tip := eval[string](t, ctx, `document.querySelector(".chart-box .chart-tip").textContent`)
	do(t, ctx, chromedp.Click(css(".chart-box .legend-item")), chromedp.Click(css(".chart-box .chart-log input")),
		drag(".chart-box .chart-svg .hit", 150))
	off := eval[bool](t, ctx, `document.querySelector(".chart-box .legend-item").classList.contains("off")`)
	logOn := eval[bool](t, ctx, `document.querySelector(".chart-box .chart-log input").checked`)
	zoomed := eval[bool](t, ctx, `!document.querySelector(".chart-box .chart-reset").hidden`)
	if !strings.Contains(tip, "day") || !strings.Contains(tip, "host.cortisol") || !off || !logOn || !zoomed {
		t.Fatalf("figure interaction: tip %q, toggled %v, log %v, zoomed %v", tip, off, logOn, zoomed)
	}
	shot(t, ctx, arts, "04-changed-run.png")
	do(t, ctx, chromedp.Click(css(".chart-box .chart-reset")), chromedp.Click(css(".chart-box .chart-log input")), chromedp.Click(css(".chart-box .legend-item")))
	docShot(t, ctx, ".figures", "serve-run.png")

	// 4. Download the zip through the page and check its contents.
	do(t, ctx, chromedp.Click(css("#download-zip")))
	zipPath := filepath.Join(downloads, "holobiont-"+id2+".zip")
	var names []string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		zr, err := zip.OpenReader(zipPath)
		if err != nil {
			continue
		}
		names = nil
		for _, f := range zr.File {
			names = append(names, strings.TrimPrefix(f.Name, id2+"/"))
		}
		zr.Close()
		break
	}
	if strings.Join(names, ",") != "report.html,summary.json,trajectory.csv,trajectory.parquet" {
		t.Fatalf("downloaded zip %s holds %v", zipPath, names)
	}

	// 5. Compare the two runs.
	do(t, ctx, chromedp.Click(css("#add-compare")), chromedp.Navigate(base+"/runs/"+id1),
		waitJS(`!!document.querySelector("#add-compare")`), chromedp.Click(css("#add-compare")),
		chromedp.Click(css("#open-compare")),
		waitJS(`location.pathname === "/compare" && document.querySelectorAll("#diff-table tbody tr").length > 0 && document.querySelectorAll(".chart-svg path.series").length > 10`))
	rows := eval[int](t, ctx, `document.querySelectorAll("#diff-table tbody tr").length`)
	changed := eval[int](t, ctx, `document.querySelectorAll("#diff-table tbody tr.changed").length`)
	if rows < 10 || changed < 3 {
		t.Fatalf("difference table: %d rows, %d changed", rows, changed)
	}
	shot(t, ctx, arts, "05-compare.png")
	docShot(t, ctx, ".figures", "serve-compare.png")

	// 6. The permanent link, opened afresh, shows the run.
	do(t, ctx, chromedp.Navigate(base+"/runs/"+id2), waitJS(`document.querySelectorAll(".chart-svg path.series").length > 5`))
	if title := eval[string](t, ctx, `document.querySelector(".run-head h2").textContent`); !strings.Contains(title, "no cortisol response + probiotic") {
		t.Fatalf("permanent link shows %q", title)
	}
}

// TestBrowserCohortProgress: a cohort submitted from the page shows its
// progress (Server-Sent Events), finishes, and lists its files.
func TestBrowserCohortProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	arts := artefactDir(t)
	ctx := newBrowser(t, t.TempDir())
	hs, _ := startServe(t, t.TempDir(), server.Config{})
	spec := strings.Replace(strings.Replace(cliSpec, "n: 6", "n: 60", 1), "duration: 10", "duration: 100", 1)
	if code, err := postRaw(hs.URL+"/api/uploads?name=small-cohort.yaml&kind=cohort", spec); err != nil || code != 201 {
		t.Fatalf("upload: %v %v", err, code)
	}
	do(t, ctx, chromedp.Navigate(hs.URL+"/"), chromedp.WaitVisible(css("#spec")),
		setInput("#spec", "small-cohort.yaml"), chromedp.Click(css("#run-cohort")),
		waitJS(`location.pathname.startsWith("/runs/") && !!document.querySelector("#run-status")`))
	sawProgress := eval[bool](t, ctx, `!!document.querySelector(".progress") || document.querySelector("#run-status").textContent === "succeeded"`)
	do(t, ctx, waitJS(`document.querySelector("#run-status").textContent === "succeeded" && !!document.querySelector("#download-zip")`))
	files := eval[int](t, ctx, `document.querySelectorAll(".downloads a.button").length`)
	if !sawProgress || files < 8 {
		t.Fatalf("cohort page: progress %v, %d download links", sawProgress, files)
	}
	shot(t, ctx, arts, "06-cohort.png")
}
