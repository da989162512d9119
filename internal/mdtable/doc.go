// Package mdtable writes GitHub-flavoured Markdown tables, the one writer
// behind every Markdown table holobiont prints (calibration reports and the
// benchmark scripts' summaries).
//
// A row is "| a | b |": each cell between single spaces, an empty cell as
// "| |". A '|' inside a cell is escaped as "\|" and a line break becomes a
// space, so a cell can never split or end its row.
package mdtable
