// Package suggest finds the known name closest to a misspelled one, for
// "did you mean" hints in error messages.
package suggest
