package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// css is the page style: readable on screen, compact and unbroken on paper.
const css = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1000px; padding: 24px 28px 48px; color: #1d1d1d; background: #ffffff;
  font: 15px/1.5 "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
header { border-bottom: 2px solid #0072B2; margin-bottom: 16px; }
h1 { font-size: 26px; margin: 0 0 4px; }
.subtitle { margin: 0 0 12px; color: #555555; font-size: 16px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 2px; border-bottom: 1px solid #dddddd; }
p { margin: 0 0 10px; max-width: 80ch; }
nav ol { margin: 4px 0 12px; padding-left: 22px; columns: 2; font-size: 14px; }
nav a { color: #0072B2; text-decoration: none; }
.figs { display: flex; flex-wrap: wrap; gap: 6px 24px; align-items: flex-start; }
figure { margin: 14px 0 18px; overflow-x: auto; max-width: 100%; }
figure svg { max-width: 100%; height: auto; display: block; }
table { border-collapse: collapse; margin: 10px 0 18px; font-size: 13px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e2e2e2; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #888888; background: #f5f5f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.meta th { font-weight: normal; color: #555555; background: none; border-bottom: 1px solid #e2e2e2; }
table.meta td { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px; word-break: break-all; }
.tablewrap { overflow-x: auto; }
.error { color: #B2182B; }
footer { margin-top: 36px; color: #777777; font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, table { break-inside: avoid; page-break-inside: avoid; }
  figure { overflow: visible; }
  .tablewrap { overflow: visible; }
  a { color: inherit; }
}
@page { margin: 15mm; }
`

// cssDownloads styles the figure download links (only on pages that have
// them, so other pages keep their bytes).
const cssDownloads = `figcaption.dl { font-size: 12px; color: #555555; margin-top: 2px; }
figcaption.dl a { color: #0072B2; text-decoration: none; margin-right: 8px; }
`

// WriteHTML writes the page as one self-contained HTML5 document: inline
// CSS and inline SVG figures, no scripts and no external resources (a
// Content-Security-Policy forbids any network access). A figure that fails
// to render fails the whole page with an error naming its section.
func (p *Page) WriteHTML(w io.Writer) error { return p.WriteHTMLContext(context.Background(), w) }

// WriteHTMLContext is WriteHTML that stops rendering figures, and returns
// ctx's error without writing, once ctx is done.
func (p *Page) WriteHTMLContext(ctx context.Context, w io.Writer) error {
	// render figures first (in parallel) so that nothing is written on
	// failure
	svgs, err := p.renderFigures(ctx)
	if err != nil {
		return err
	}
	var pngs [][][]byte
	if p.Downloads {
		if pngs, err = p.renderPNGs(svgs); err != nil {
			return err
		}
	}
	bw := bufio.NewWriter(w)
	var b []byte
	put := func(s string) { b = append(b, s...) }
	esc := func(s string) { b = appendEscaped(b, s) }
	flush := func() error {
		_, err := bw.Write(b)
		b = b[:0]
		return err
	}

	put("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
	put(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"/>` + "\n")
	put(`<meta name="viewport" content="width=device-width, initial-scale=1"/>` + "\n")
	put(`<meta name="generator" content="holobiont report"/>` + "\n<title>")
	title := p.Title
	if title == "" {
		title = "holobiont report"
	}
	esc(title)
	put("</title>\n<style>")
	put(css)
	if p.Downloads {
		put(cssDownloads)
	}
	put("</style>\n</head>\n<body>\n<header>\n<h1>")
	esc(title)
	put("</h1>\n")
	if p.Subtitle != "" {
		put(`<p class="subtitle">`)
		esc(p.Subtitle)
		put("</p>\n")
	}
	put("</header>\n")
	if len(p.Meta) > 0 {
		put(`<table class="meta">` + "\n<tbody>\n")
		for _, kv := range p.Meta {
			put("<tr><th scope=\"row\">")
			esc(kv[0])
			put("</th><td>")
			esc(kv[1])
			put("</td></tr>\n")
		}
		put("</tbody>\n</table>\n")
	}
	if len(p.Sections) > 1 {
		put("<nav>\n<ol>\n")
		for i, s := range p.Sections {
			put(`<li><a href="#s` + strconv.Itoa(i+1) + `">`)
			esc(heading(s, i))
			put("</a></li>\n")
		}
		put("</ol>\n</nav>\n")
	}
	if err := flush(); err != nil {
		return fmt.Errorf("report: write html: %w", err)
	}
	for i, s := range p.Sections {
		put(`<section id="s` + strconv.Itoa(i+1) + "\">\n<h2>")
		esc(heading(s, i))
		put("</h2>\n")
		for _, para := range paragraphs(s.Text) {
			put("<p>")
			esc(para)
			put("</p>\n")
		}
		if len(svgs[i]) > 0 {
			put(`<div class="figs">` + "\n")
			for j, svg := range svgs[i] {
				put("<figure>\n")
				b = append(b, stripXMLDecl(svg)...)
				if p.Downloads {
					name := fmt.Sprintf("figure-%d-%d", i+1, j+1)
					put(`<figcaption class="dl">Download <a download="` + name + `.svg" href="data:image/svg+xml;base64,`)
					b = base64.StdEncoding.AppendEncode(b, svg)
					put(`">SVG</a><a download="` + name + `.png" href="data:image/png;base64,`)
					b = base64.StdEncoding.AppendEncode(b, pngs[i][j])
					put(`">PNG</a></figcaption>` + "\n")
				}
				put("</figure>\n")
				if err := flush(); err != nil {
					return fmt.Errorf("report: write html: %w", err)
				}
			}
			put("</div>\n")
		}
		for _, t := range s.Tables {
			b = appendTable(b, t)
		}
		put("</section>\n")
		if err := flush(); err != nil {
			return fmt.Errorf("report: write html: %w", err)
		}
	}
	put("<footer>Generated by holobiont. This file is self-contained and opens offline.</footer>\n</body>\n</html>\n")
	if err := flush(); err != nil {
		return fmt.Errorf("report: write html: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write html: %w", err)
	}
	return nil
}

// renderFigures renders every figure, using up to GOMAXPROCS goroutines.
// Results are kept by position, and of several failures the first in page
// order is reported, so the outcome does not depend on scheduling.
func (p *Page) renderFigures(ctx context.Context) ([][][]byte, error) {
	type job struct{ s, f int }
	var jobs []job
	svgs := make([][][]byte, len(p.Sections))
	errs := make([][]error, len(p.Sections))
	for i, s := range p.Sections {
		svgs[i] = make([][]byte, len(s.Figures))
		errs[i] = make([]error, len(s.Figures))
		for j := range s.Figures {
			jobs = append(jobs, job{i, j})
		}
	}
	run := func(jb job) {
		f := p.Sections[jb.s].Figures[jb.f]
		if err := ctx.Err(); err != nil {
			errs[jb.s][jb.f] = err
			return
		}
		if f == nil {
			errs[jb.s][jb.f] = errors.New("figure is nil")
			return
		}
		svgs[jb.s][jb.f], errs[jb.s][jb.f] = f.SVG()
	}
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	if workers <= 1 {
		for _, jb := range jobs {
			run(jb)
		}
	} else {
		next := make(chan job)
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for jb := range next {
					run(jb)
				}
			}()
		}
		for _, jb := range jobs {
			next <- jb
		}
		close(next)
		wg.Wait()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, jb := range jobs {
		if err := errs[jb.s][jb.f]; err != nil {
			return nil, fmt.Errorf("report: section %d (%q): figure %d: %w", jb.s+1, p.Sections[jb.s].Heading, jb.f+1, err)
		}
	}
	return svgs, nil
}

// renderPNGs rasterises every rendered figure at scale 2 (in parallel);
// of several failures the first in page order is reported.
func (p *Page) renderPNGs(svgs [][][]byte) ([][][]byte, error) {
	out := make([][][]byte, len(svgs))
	errs := make([][]error, len(svgs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range svgs {
		out[i] = make([][]byte, len(svgs[i]))
		errs[i] = make([]error, len(svgs[i]))
		for j := range svgs[i] {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				out[i][j], errs[i][j] = RasterizeSVG(svgs[i][j], 2)
			}()
		}
	}
	wg.Wait()
	for i := range errs {
		for j, err := range errs[i] {
			if err != nil {
				return nil, fmt.Errorf("report: section %d figure %d: png: %w", i+1, j+1, err)
			}
		}
	}
	return out, nil
}

func heading(s Section, i int) string {
	if s.Heading != "" {
		return s.Heading
	}
	return "Section " + strconv.Itoa(i+1)
}

// paragraphs splits text at blank lines and joins the lines of each
// paragraph with spaces.
func paragraphs(text string) []string {
	var out []string
	var cur []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			if len(cur) > 0 {
				out = append(out, strings.Join(cur, " "))
				cur = cur[:0]
			}
			continue
		}
		cur = append(cur, line)
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, " "))
	}
	return out
}

func stripXMLDecl(svg []byte) []byte {
	svg = bytes.TrimSpace(svg)
	if bytes.HasPrefix(svg, []byte("<?xml")) {
		if i := bytes.Index(svg, []byte("?>")); i >= 0 {
			svg = bytes.TrimSpace(svg[i+2:])
		}
	}
	return append(svg, '\n')
}

// isNumber reports whether a table cell reads as a number (right-aligned).
func isNumber(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	s = strings.TrimSuffix(s, "%")
	s = strings.Replace(s, "−", "-", 1)
	_, err := strconv.ParseFloat(s, 64)
	return err == nil || s == "NA"
}

func appendTable(b []byte, t Table) []byte {
	b = append(b, "<div class=\"tablewrap\"><table>\n"...)
	if len(t.Header) > 0 {
		b = append(b, "<thead><tr>"...)
		for _, h := range t.Header {
			b = append(b, "<th scope=\"col\">"...)
			b = appendEscaped(b, h)
			b = append(b, "</th>"...)
		}
		b = append(b, "</tr></thead>\n"...)
	}
	b = append(b, "<tbody>\n"...)
	for _, r := range t.Rows {
		b = append(b, "<tr>"...)
		for _, c := range r {
			if isNumber(c) {
				b = append(b, `<td class="num">`...)
			} else {
				b = append(b, "<td>"...)
			}
			b = appendEscaped(b, c)
			b = append(b, "</td>"...)
		}
		b = append(b, "</tr>\n"...)
	}
	return append(b, "</tbody>\n</table></div>\n"...)
}
