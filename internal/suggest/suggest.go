package suggest

import "strings"

// Closest returns the candidate closest to name by edit distance (ignoring
// case), or "" when none is close: within a third of name's length, and at
// most 3 edits. Ties go to the first candidate.
func Closest(name string, candidates []string) string {
	lname := strings.ToLower(name)
	limit := min(3, max(1, len(name)/3))
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := distance(lname, strings.ToLower(c), bestD); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// DidYouMean returns " (did you mean X?)" for the closest candidate, or "".
func DidYouMean(name string, candidates []string) string {
	if c := Closest(name, candidates); c != "" && c != name {
		return " (did you mean " + c + "?)"
	}
	return ""
}

// distance is the Levenshtein distance of a and b, or a value >= bound as
// soon as it is known to be at least bound.
func distance(a, b string, bound int) int {
	if d := len(a) - len(b); d >= bound || -d >= bound {
		return bound
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= bound {
			return bound
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
