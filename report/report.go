package report

// Series is one named data series. For a LineChart X and Y are paired and
// must have equal length; for a StackedArea only Y is used (the X values are
// shared and held by the chart).
type Series struct {
	Name string
	X, Y []float64
}

// Window is a shaded interval of the x axis, such as an intervention course,
// drawn as a labelled band behind the data.
type Window struct {
	Start, End float64
	Label      string
}

// LineChart draws one line per series. Non-finite points (and non-positive
// points when LogY is set) break the line. Long series are thinned for
// display with a per-pixel-column min/max rule that keeps the drawn shape.
type LineChart struct {
	Title, XLabel, YLabel string
	Series                []Series
	Windows               []Window
	LogY                  bool
	// Bands are shaded intervals (a forecast band) drawn behind the lines,
	// in the colour of series Band.Series.
	Bands []Band
	// Points are series drawn as markers only (observations), in the
	// colours that follow the line series'.
	Points []Series

	// Width and Height are the figure size in pixels; zero selects
	// 760 × 420.
	Width, Height float64
}

// Band is a shaded interval [Lo, Hi] over X (equal lengths); non-finite
// points break it.
type Band struct {
	Name      string
	X, Lo, Hi []float64
	Series    int // colour index: that of line series Series
}

// StackedArea stacks the series (Y only, one value per X) on top of each
// other. With Normalize set every column is divided by its total, giving
// relative abundance (a column whose total is zero is drawn empty).
// Negative and non-finite values are drawn as zero.
type StackedArea struct {
	Title, XLabel, YLabel string
	X                     []float64
	Series                []Series
	Windows               []Window
	Normalize             bool

	// Width and Height are the figure size in pixels; zero selects
	// 760 × 420.
	Width, Height float64
}

// BoxPlot draws one Tukey box per group: hinges as R's fivenum, whiskers to
// the most extreme values within 1.5 IQR of the hinges, outliers as points.
// Non-finite values are ignored.
type BoxPlot struct {
	Title, YLabel string
	Groups        []string
	Values        [][]float64

	// Palette fixes the colour of each group (see Scatter.Palette); without
	// it the k-th box gets the k-th colour.
	Palette []string

	// Width and Height are the figure size in pixels; zero selects a
	// width growing with the number of groups and a height of 420.
	Width, Height float64
}

// Scatter draws points coloured (and shaped) by group. Groups, when not nil,
// gives a group key per point; the legend lists groups in Palette order, then
// the others in order of first appearance. Labels, when not nil, gives a
// label per point, shown as a tool tip and, for at most 40 points and unless
// HoverOnly is set, as text beside the point.
type Scatter struct {
	Title, XLabel, YLabel string
	X, Y                  []float64
	Groups                []string
	Labels                []string
	HoverOnly             bool

	// Palette fixes the colour of each group: the k-th name gets the k-th
	// palette colour, so every figure of a report that shares a Palette
	// colours a group the same way.
	Palette []string

	// Equal gives both axes the same scale (data units per pixel), as
	// ordination plots need for distances to read true.
	Equal bool

	// Width and Height are the figure size in pixels; zero selects
	// 640 × 480.
	Width, Height float64
}

// Heatmap draws a matrix of cells, Values[i][j] for row i and column j.
// NaN cells are left blank. Annot, when not nil, holds a text per cell
// written in the cell. With Diverging set the colour scale is symmetric
// about zero (blue negative, white zero, red positive); otherwise it is a
// sequential scale from the minimum to the maximum.
type Heatmap struct {
	Title      string
	Rows, Cols []string
	Values     [][]float64
	Annot      [][]string
	Diverging  bool

	// ScaleMin and ScaleMax fix the colour scale (values beyond it take the
	// end colours), so several heat maps share one scale; both zero scales
	// to the data. ScaleLabel names the colour bar (what the colour means).
	ScaleMin, ScaleMax float64
	ScaleLabel         string

	// Width is the maximum figure width in pixels; zero selects 900.
	Width float64
}

// Figure is anything that renders itself as a standalone SVG document.
// Rendering is deterministic: the same figure gives the same bytes.
type Figure interface {
	SVG() ([]byte, error)
}

// Table is a simple text table. Cells that parse as numbers are right
// aligned in HTML output.
type Table struct {
	Header []string
	Rows   [][]string
}

// Section is one part of a report page. Text is plain text; blank lines
// separate paragraphs.
type Section struct {
	Heading, Text string
	Figures       []Figure
	Tables        []Table
}

// Page is a self-contained HTML report. Meta holds key/value provenance rows
// (version, input hashes, seed, solver settings, ...) shown in a table at the
// top.
type Page struct {
	Title, Subtitle string
	Meta            [][2]string
	Sections        []Section

	// Downloads adds "SVG" and "PNG" download links under every figure
	// (data: URIs inside the page, so it stays self-contained; the PNG is
	// rendered at twice the SVG size by PNG).
	Downloads bool
}

var (
	_ Figure = LineChart{}
	_ Figure = StackedArea{}
	_ Figure = BoxPlot{}
	_ Figure = Scatter{}
	_ Figure = Heatmap{}
)
