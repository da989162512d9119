// Package jsonnum holds the JSON encodings of float64 values that JSON
// itself cannot hold (NaN and ±Inf), so that every output of holobiont
// writes them the same way.
//
// Float writes a non-finite value as null and reads null back as NaN: the
// form of every result file (an undefined p-value, an infinite sample size,
// a failed start's objective). Ptr is the same for optional fields, where a
// nil pointer with `omitempty` leaves the key out. Exact keeps every value,
// non-finite ones as the strings "NaN", "+Inf" and "-Inf", for journals that
// must read back bit for bit what they wrote (calibration's starts.jsonl).
package jsonnum
