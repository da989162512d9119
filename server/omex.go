package server

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// COMBINE/OMEX archives (POST /api/runs with a zip body), as
// runBioSimulations takes them: the archive's SBML model (the master file,
// or the first SBML file of the manifest) runs over the time course of its
// first SED-ML uniformTimeCourse (initialTime, outputStartTime,
// outputEndTime, numberOfPoints); without SED-ML it runs 365 days. Other
// SED-ML (changes to the model, data generators, reports) is not read.

const (
	maxOMEXEntries = 200
	// maxOMEXRatio bounds the uncompressed size of an archive's entries
	// against the upload limit (zip bombs).
	maxOMEXRatio = 8
)

type omexManifest struct {
	Content []struct {
		Location string `xml:"location,attr"`
		Format   string `xml:"format,attr"`
		Master   string `xml:"master,attr"`
	} `xml:"content"`
}

type timeCourse struct {
	Initial, OutputStart, OutputEnd float64
	Points                          int
}

// isZip reports whether data starts like a zip archive.
func isZip(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// readOMEX reads an archive's SBML model and time course, reading at most
// maxBytes of uncompressed data.
func readOMEX(data []byte, maxBytes int64) (name string, sbmlData []byte, tc *timeCourse, err error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", nil, nil, fmt.Errorf("COMBINE/OMEX archive: %v", err)
	}
	if len(zr.File) > maxOMEXEntries {
		return "", nil, nil, fmt.Errorf("COMBINE/OMEX archive: %d entries (at most %d)", len(zr.File), maxOMEXEntries)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(path.Clean(f.Name), "./")] = f
	}
	var budget = maxBytes
	read := func(loc string) ([]byte, error) {
		f := files[strings.TrimPrefix(path.Clean(loc), "./")]
		if f == nil {
			return nil, fmt.Errorf("the archive has no file %s", loc)
		}
		b, err := readZipEntry(f, budget)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", loc, err)
		}
		if budget -= int64(len(b)); budget < 0 {
			return nil, fmt.Errorf("COMBINE/OMEX archive: more than %d bytes uncompressed", maxBytes)
		}
		return b, nil
	}
	mb, err := read("manifest.xml")
	if err != nil {
		return "", nil, nil, fmt.Errorf("COMBINE/OMEX archive: %v (a COMBINE archive lists its files in manifest.xml)", err)
	}
	if err := checkDepth(mb); err != nil {
		return "", nil, nil, fmt.Errorf("manifest.xml: %v", err)
	}
	var man omexManifest
	if err := xml.Unmarshal(mb, &man); err != nil {
		return "", nil, nil, fmt.Errorf("manifest.xml: %v", err)
	}
	var sbmlLoc, sedLoc string
	for _, c := range man.Content {
		f := strings.ToLower(c.Format)
		switch {
		case strings.Contains(f, "sbml") && (sbmlLoc == "" || c.Master == "true"):
			sbmlLoc = c.Location
		case (strings.Contains(f, "sed-ml") || strings.Contains(f, "sedml")) && sedLoc == "":
			sedLoc = c.Location
		}
	}
	if sbmlLoc == "" {
		return "", nil, nil, errors.New("COMBINE/OMEX archive: manifest.xml lists no SBML model (format .../sbml)")
	}
	if sbmlData, err = read(sbmlLoc); err != nil {
		return "", nil, nil, err
	}
	if sedLoc != "" {
		sed, err := read(sedLoc)
		if err != nil {
			return "", nil, nil, err
		}
		if tc, err = sedTimeCourse(sed); err != nil {
			return "", nil, nil, fmt.Errorf("%s: %v", sedLoc, err)
		}
	}
	return path.Base(sbmlLoc), sbmlData, tc, nil
}

// sedTimeCourse reads the first uniformTimeCourse of a SED-ML document.
func sedTimeCourse(data []byte) (*timeCourse, error) {
	if err := checkDepth(data); err != nil {
		return nil, err
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "uniformTimeCourse" {
			continue
		}
		tc := &timeCourse{}
		for _, a := range se.Attr {
			var err error
			switch a.Name.Local {
			case "initialTime":
				tc.Initial, err = strconv.ParseFloat(a.Value, 64)
			case "outputStartTime":
				tc.OutputStart, err = strconv.ParseFloat(a.Value, 64)
			case "outputEndTime":
				tc.OutputEnd, err = strconv.ParseFloat(a.Value, 64)
			case "numberOfPoints", "numberOfSteps":
				tc.Points, err = strconv.Atoi(a.Value)
			}
			if err != nil {
				return nil, fmt.Errorf("uniformTimeCourse %s=%q: not a number", a.Name.Local, a.Value)
			}
		}
		if !(tc.OutputEnd > tc.OutputStart) || tc.OutputStart < tc.Initial || tc.Points < 1 || tc.Points > 1e6 {
			return nil, fmt.Errorf("uniformTimeCourse: want initialTime <= outputStartTime < outputEndTime and 1..1e6 points (got %g, %g, %g, %d)",
				tc.Initial, tc.OutputStart, tc.OutputEnd, tc.Points)
		}
		return tc, nil
	}
}

// scenario returns the time course as a scenario object (the scenario
// file's fields): the run starts at initialTime, ends at outputEndTime and
// reports numberOfPoints+1 evenly spaced times from outputStartTime.
func (tc *timeCourse) scenario(name string) json.RawMessage {
	times := make([]float64, tc.Points+1)
	for k := range times {
		times[k] = tc.OutputStart + float64(k)*(tc.OutputEnd-tc.OutputStart)/float64(tc.Points)
	}
	times[tc.Points] = tc.OutputEnd
	b, _ := json.Marshal(map[string]any{"name": name + " (SED-ML time course)", "start": tc.Initial,
		"duration": tc.OutputEnd - tc.Initial, "output": map[string]any{"times": times}})
	return b
}
