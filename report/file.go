package report

import (
	"fmt"

	"github.com/holobiont/holobiont/internal/safefile"
)

// WriteFile writes the page as HTML to path atomically: the file appears
// complete on success and not at all on error.
func (p *Page) WriteFile(path string) error {
	f, err := safefile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := p.WriteHTML(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Commit()
}

// WriteSVGFile renders fig and writes it to path atomically.
func WriteSVGFile(path string, fig Figure) error {
	b, err := fig.SVG()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return safefile.WriteFile(path, b)
}
