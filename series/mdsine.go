package series

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/holobiont/holobiont/table"
)

// ReadMDSINE reads an MDSINE (Bucci et al. 2016) folder: counts.txt,
// metadata.txt and, when present, biomass.txt (see table.ReadMDSINE).
// Samples with isIncluded 0 are left out. perturbID k > 0 at a sample sets
// input perturbation_k to 1 from that sample until the subject's next
// sample, as the cLV study read the Bucci data. With biomass the abundances
// are absolute: relative abundance × geometric mean of the replicates.
func ReadMDSINE(dir string) (*Dataset, error) {
	m, err := table.ReadMDSINE(dir)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Name: filepath.Base(filepath.Clean(dir)), Format: "mdsine", Taxa: append([]string(nil), m.Table.FeatureIDs...)}
	var contents [][]byte
	for _, n := range []string{"counts.txt", "metadata.txt", "biomass.txt"} {
		p := filepath.Join(dir, n)
		b, err := os.ReadFile(p)
		if err != nil {
			if n == "biomass.txt" && os.IsNotExist(err) {
				continue
			}
			return nil, fmt.Errorf("read MDSINE: %w", err)
		}
		d.Files, contents = append(d.Files, p), append(contents, b)
	}
	counts := filepath.Join(dir, "counts.txt")
	dense := m.Table.Dense()
	var samples []sample
	var perturb []int
	maxP := 0
	for k, s := range m.Samples {
		if !s.Included {
			continue
		}
		samples = append(samples, sample{id: s.ID, subject: s.Subject, time: s.Time, file: filepath.Join(dir, "metadata.txt"), abund: dense[k]})
		perturb = append(perturb, s.Perturbation)
		maxP = max(maxP, s.Perturbation)
	}
	if len(samples) == 0 {
		return nil, &ParseError{File: filepath.Join(dir, "metadata.txt"), Msg: "no sample has isIncluded 1"}
	}
	if err := toRelative(samples, counts); err != nil {
		return nil, err
	}
	d.Unit = "relative"
	if m.Biomass != nil {
		k := 0
		for j, s := range m.Samples {
			if !s.Included {
				continue
			}
			g, n := 0.0, 0
			for _, v := range m.Biomass[j] {
				if !math.IsNaN(v) {
					if v <= 0 {
						return nil, &ParseError{File: filepath.Join(dir, "biomass.txt"), ID: s.ID, Msg: "biomass 0: a sample's biomass must be positive (leave the cell empty if the replicate failed)"}
					}
					g += math.Log(v)
					n++
				}
			}
			if n == 0 {
				return nil, &ParseError{File: filepath.Join(dir, "biomass.txt"), ID: s.ID, Msg: "no biomass replicate value"}
			}
			mass := math.Exp(g / float64(n))
			for i := range samples[k].abund {
				samples[k].abund[i] *= mass
			}
			k++
		}
		d.Absolute, d.Unit = true, "biomass units (relative abundance x geometric mean of the biomass.txt replicates)"
	}
	for p := 1; p <= maxP; p++ {
		d.Inputs = append(d.Inputs, "perturbation_"+strconv.Itoa(p))
	}
	byID := map[string]int{}
	for k, s := range samples {
		byID[s.id] = perturb[k]
	}
	if err := d.assemble(samples); err != nil {
		return nil, err
	}
	for si := range d.Subjects {
		s := &d.Subjects[si]
		for k, id := range s.Samples {
			p := byID[id]
			if p == 0 || k+1 == len(s.Times) {
				continue
			}
			s.Inputs[p-1] = appendPiece(s.Inputs[p-1], s.Times[k], s.Times[k+1], 1)
		}
	}
	d.SHA256 = hashFiles(d.Files, contents)
	return d, nil
}

// appendPiece appends [a, b) with value v, merging with the last piece when
// they touch and have the same value.
func appendPiece(s Signal, a, b, v float64) Signal {
	if n := len(s); n > 0 && s[n-1].End == a && s[n-1].Value == v {
		s[n-1].End = b
		return s
	}
	return append(s, Piece{Start: a, End: b, Value: v})
}
