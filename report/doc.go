// Package report draws scientific figures as hand-written SVG and assembles
// them into self-contained HTML reports.
//
// Six chart types implement [Figure]: [LineChart] (time courses, optional
// log y axis, shaded and labelled intervention [Window]s), [StackedArea]
// (community composition, optionally normalised to relative abundance),
// [BoxPlot] (Tukey boxes with the hinges of R's fivenum, whiskers at 1.5
// IQR, outliers as points), [Scatter] (points coloured and shaped by group,
// for ordinations) and [Heatmap] (sequential or diverging colour scale
// centred on zero, optional cell annotations, NaN cells blank). [Panels]
// stacks line charts on one shared time axis and set of windows, one panel
// per host variable with its own unit. [Box] and [FiveNum] give the box-plot
// statistics themselves.
//
// Axis ticks follow R's pretty() ([PrettyTicks]); [HeckbertTicks] gives
// Heckbert's classic loose labels and [LogTicks] the ticks of log axes.
// Colours are the colour-blind-safe Okabe–Ito palette followed by Paul Tol's
// muted scheme; beyond those, lines also differ by dash pattern and points
// by marker shape. Heat maps use Tol's BuRd (diverging) and YlOrBr
// (sequential) schemes.
//
// A Figure renders through a value or a pointer alike, so
// report.LineChart{...} and &report.LineChart{...} are both Figures. Page
// figures render in parallel on up to GOMAXPROCS goroutines.
//
// Long series are thinned before drawing with the M4 rule (first, last,
// minimum and maximum per pixel column, Jugel et al. 2014), which keeps the
// drawn shape. All text is XML-escaped (characters XML forbids are dropped),
// so any input yields well-formed SVG, and the output bytes depend only on
// the input: no map iteration order, no time stamps, no random ids.
//
// [Page.WriteHTML] writes one HTML file with inline CSS and inline SVG, a
// provenance table (Page.Meta), a table of contents and one part per
// [Section]; it uses no scripts, fonts or network resources and prints
// cleanly. [Page.WriteFile] and [WriteSVGFile] write atomically (through
// internal/safefile): a failed report leaves no file behind.
package report
