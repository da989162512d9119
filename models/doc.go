// Package models holds holobiont's shipped models, their scenarios and their
// report layouts (reports/: what a run report shows, with display names and
// units), embedded so that `holobiont run` works from any directory. It is
// data only: not the IR (package model) nor the YAML parser (package
// modelfile).
package models
