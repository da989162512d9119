package distmat

// Matrix is a symmetric distance (dissimilarity) matrix with a zero
// diagonal, labelled by ids. Data is row-major n×n.
type Matrix struct {
	IDs  []string
	Data []float64
}

// New returns a zero n×n matrix with the given ids.
func New(ids []string) *Matrix {
	return &Matrix{IDs: ids, Data: make([]float64, len(ids)*len(ids))}
}

// N returns the number of objects.
func (m *Matrix) N() int { return len(m.IDs) }

// At returns the distance between objects i and j.
func (m *Matrix) At(i, j int) float64 { return m.Data[i*len(m.IDs)+j] }

// Set sets the distance between i and j (and j and i).
func (m *Matrix) Set(i, j int, v float64) {
	n := len(m.IDs)
	m.Data[i*n+j] = v
	m.Data[j*n+i] = v
}
