// Package runreport builds the self-contained HTML report of one run (what
// `holobiont run` writes as report.html, and the server shows): community
// composition per site (linear and log), Shannon diversity, the host
// panels, the endpoints with their units and the interventions.
//
// What it shows and how variables are called is data, not code: the
// model's report layout (holobiont.Layout, shipped next to the model in
// models/reports/) names the host panels and each variable's display name
// and unit; without one, the model's own names and units are used. Lines
// that are identical throughout the run (for example the four skin sites
// when the interventions treat them alike) are drawn once, labelled with
// all their names, and the section says so.
package runreport
