package fit

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/holobiont/holobiont/modelfile"
)

// Provenance describes the data and run a model was fitted from, for the
// model file.
type Provenance struct {
	Data       string // data set name (folder or file)
	DataFormat string
	DataSHA256 string
	DataUnit   string
	Notes      []string // reading and filtering rules applied
	Version    string   // holobiont version
	Site       string   // site id of the community ("" = gut)
	Seed       uint64
}

// names holds the identifiers of a model file: member ids per taxon,
// input ids, and parameter ids in Vector order.
type names struct {
	member []string // per taxon
	input  []string // per input
	params []string // Vector order
}

func (m *Model) ids() *names {
	n := &names{}
	taken := map[string]bool{"fit_total": true}
	for _, t := range m.Taxa {
		n.member = append(n.member, modelfile.SanitizeID(t, taken))
	}
	for _, u := range m.Inputs {
		n.input = append(n.input, modelfile.SanitizeID(u, taken))
	}
	rowID := m.rowMembers(n)
	colID := m.colIDs(n)
	for _, r := range rowID {
		n.params = append(n.params, "r."+r)
	}
	for _, r := range rowID {
		for _, c := range colID {
			n.params = append(n.params, "a."+r+"."+c)
		}
	}
	for _, r := range rowID {
		for _, u := range n.input {
			n.params = append(n.params, "e."+r+"."+u)
		}
	}
	return n
}

// rowMembers returns the member id of each modelled row.
func (m *Model) rowMembers(n *names) []string {
	var out []string
	for i := range m.Taxa {
		if i != m.tr.denom {
			out = append(out, n.member[i])
		}
	}
	return out
}

// colIDs returns the id of each interaction column.
func (m *Model) colIDs(n *names) []string {
	if m.Method == ALRLinear {
		return m.rowMembers(n)
	}
	return n.member
}

// ParamIDs returns the model file's parameter ids in Vector order.
func (m *Model) ParamIDs() []string { return m.ids().params }

// MemberIDs returns the model file's member id of each taxon.
func (m *Model) MemberIDs() []string { return m.ids().member }

// Initial returns the initial state of the model file's members for a
// first sample x (data units); see InitialState.
func (m *Model) Initial(x []float64) []float64 {
	return InitialState(m.Method, x, m.PseudoCount, m.tr.denom)
}

// InitialState returns the initial state of a fitted model file's members
// for a first sample x (data units): for gLV methods the abundances after
// the pseudo-count (data units for absolute methods, relative otherwise);
// for clv and alr-linear (denominator index denom) the denominator is 1 and
// each other member is its ratio to the denominator, so that log(x_i) is
// its log-ratio coordinate.
func InitialState(m Method, x []float64, pseudo float64, denom int) []float64 {
	tr := &transform{method: m, d: len(x), denom: -1, scale: 1, pseudo: pseudo}
	if m.ratio() {
		tr.denom = denom
	}
	rows, _ := tr.dims()
	z := make([]float64, rows)
	tr.state(x, z, make([]float64, len(x)))
	out := make([]float64, len(x))
	if m.ratio() {
		k := 0
		for i := range out {
			if i == denom {
				out[i] = 1
			} else {
				out[i] = math.Exp(z[k])
				k++
			}
		}
		return out
	}
	for i, v := range z {
		out[i] = math.Exp(v)
	}
	return out
}

// File returns the fitted model as a holobiont community model: one member
// per taxon, growth rates r.<member>, interactions a.<target>.<source>,
// input effects e.<member>.<input>, every parameter of evidence class C
// with its method, penalty, inner-CV score and bootstrap interval. x0 is
// the initial sample (data units).
func (m *Model) File(p Provenance, x0 []float64) (*modelfile.CommunityFile, error) {
	n := m.ids()
	site := p.Site
	if site == "" {
		site = "gut"
	}
	short := p.DataSHA256
	if len(short) > 16 {
		short = short[:16]
	}
	cite := fmt.Sprintf("holobiont fit of %s (sha256 %s)", p.Data, short)
	g := strconv.FormatFloat
	pen := fmt.Sprintf("growth %s, interactions %s", g(m.Penalty.Growth, 'g', 4, 64), g(m.Penalty.Interaction, 'g', 4, 64))
	if len(m.Inputs) > 0 {
		pen += ", perturbations " + g(m.Penalty.Perturbation, 'g', 4, 64)
	}
	if m.Method.ElasticNet() || m.Penalty.L1Ratio > 0 {
		pen += ", L1 ratio " + g(m.Penalty.L1Ratio, 'g', 4, 64)
	}
	cvs := "penalty given"
	if m.Selection != nil {
		cvs = fmt.Sprintf("chosen by %d-fold inner CV, rmse_rel %.4g", m.Selection.Folds, m.Selection.RMSE())
	}
	unit := "abund"
	if !m.Method.Absolute() {
		unit = "rel"
	}
	f := &modelfile.CommunityFile{
		ID:   "fit_" + modelfile.SanitizeID(strings.ToLower(p.Data), nil) + "_" + strings.ReplaceAll(string(m.Method), "-", "_"),
		Name: fmt.Sprintf("%s fitted to %s", m.Method, p.Data),
		Description: fmt.Sprintf("%s; %d subjects, %d samples, %d taxa%s; penalties (%s) %s.",
			m.equation(), m.Subjects, m.Samples, len(m.Taxa), m.denomText(), pen, cvs),
		Site: site, SiteKind: "gut", SiteName: "fitted community (" + p.Data + ")",
		Unit: unit, Citation: cite, Evidence: "C",
	}
	if site != "gut" {
		f.SiteKind = "skin"
	}
	f.Comments = []string{
		fmt.Sprintf("Generated by holobiont fit %s --method %s; do not edit by hand (refit instead).", p.Data, m.Method),
		"Parameters have evidence class C: calibrated to the data named in their citation.",
		"Initial state: the first sample of the first subject; holobiont forecast starts from the subject's own first sample.",
	}
	iv := "no interval (run holobiont fit with --bootstrap)"
	if len(m.Replicates) > 0 {
		iv = fmt.Sprintf("95%% interval from %d bootstrap replicates over subjects (penalty fixed, seed %d)", len(m.Replicates), p.Seed)
	}
	f.Metadata = [][2]string{
		{"source", "holobiont fit"}, {"holobiont_version", p.Version},
		{"fit_method", string(m.Method)}, {"fit_data", p.Data}, {"fit_data_format", p.DataFormat}, {"fit_data_sha256", p.DataSHA256},
		{"fit_data_unit", p.DataUnit},
		{"fit_penalty_growth", g(m.Penalty.Growth, 'g', -1, 64)}, {"fit_penalty_interaction", g(m.Penalty.Interaction, 'g', -1, 64)},
		{"fit_penalty_perturbation", g(m.Penalty.Perturbation, 'g', -1, 64)}, {"fit_l1_ratio", g(m.Penalty.L1Ratio, 'g', -1, 64)},
		{"fit_penalty_choice", cvs}, {"fit_pseudo_count", g(m.PseudoCount, 'g', -1, 64)},
		{"fit_dt_weight", g(m.DtWeight, 'g', -1, 64)},
		{"fit_abundance_scale", g(m.Scale, 'g', -1, 64)}, {"fit_denominator", m.Denominator},
		{"fit_uncertainty", iv}, {"fit_subjects", strconv.Itoa(m.Subjects)}, {"fit_samples", strconv.Itoa(m.Samples)},
	}
	if m.Selection != nil {
		f.Metadata = append(f.Metadata, [2]string{"fit_cv_rmse_rel", g(m.Selection.RMSE(), 'g', 6, 64)})
	}
	for j, in := range m.Inputs {
		f.Metadata = append(f.Metadata, [2]string{"fit_input." + n.input[j], in})
	}
	for i, note := range p.Notes {
		f.Metadata = append(f.Metadata, [2]string{fmt.Sprintf("fit_data_note_%d", i+1), note})
	}
	if m.Method.Absolute() {
		f.Units = [][2]string{{"abund", "dimensionless  # data unit: " + strings.ReplaceAll(p.DataUnit, "#", "")}}
	} else {
		f.Units = [][2]string{{"rel", "dimensionless  # relative abundance (clv, alr-linear: ratio to the denominator member)"}}
	}
	for j, in := range m.Inputs {
		f.Inputs = append(f.Inputs, modelfile.FileInput{ID: n.input[j], Unit: "dimensionless", Citation: cite, Evidence: "C",
			Note: fmt.Sprintf("input %q of the data (perturbation signal)", in)})
	}
	// The per-parameter provenance, short: method, penalties, inner-CV score.
	prov := fmt.Sprintf("%s, penalty g/a/e %s/%s/%s", m.Method, g(m.Penalty.Growth, 'g', 3, 64), g(m.Penalty.Interaction, 'g', 3, 64), g(m.Penalty.Perturbation, 'g', 3, 64))
	if m.Penalty.L1Ratio > 0 {
		prov += " L1 ratio " + g(m.Penalty.L1Ratio, 'g', 3, 64)
	}
	if m.Selection != nil {
		prov += fmt.Sprintf(" (inner CV rmse_rel %.3g)", m.Selection.RMSE())
	} else {
		prov += " (given)"
	}
	vec := m.Vector()
	rows := m.rowMembers(n)
	cols := m.colIDs(n)
	lay := m.pr.lay
	for k, id := range n.params {
		var unitP, what string
		switch {
		case k < lay.m:
			unitP, what = "1/day", "growth rate of "+rows[k]
		case k < lay.m+lay.m*lay.regs:
			r, c := (k-lay.m)/lay.regs, (k-lay.m)%lay.regs
			unitP = "1/day/" + unit
			if m.Method == ALRLinear {
				unitP = "1/day"
			}
			what = fmt.Sprintf("effect of %s on %s", cols[c], rows[r])
		default:
			r, j := (k-lay.m-lay.m*lay.regs)/lay.nu, (k-lay.m-lay.m*lay.regs)%lay.nu
			unitP, what = "1/day", fmt.Sprintf("effect of input %s on %s", n.input[j], rows[r])
		}
		note := what + "; " + prov
		if lo, hi := m.Interval(k); !math.IsNaN(lo) {
			note += fmt.Sprintf("; 95%% CI [%.4g, %.4g] (bootstrap over subjects, B=%d)", lo, hi, len(m.Replicates))
		}
		f.Parameters = append(f.Parameters, modelfile.FileParam{ID: id, Value: vec[k], Unit: unitP, Citation: cite, Evidence: "C",
			Note: note, Min: math.NaN(), Max: math.NaN()})
	}
	m.members(f, n, x0)
	return f, nil
}

func (m *Model) equation() string {
	switch m.Method {
	case CLV:
		return "compositional Lotka-Volterra (Joseph et al. 2020): d log(x_i/x_D)/dt = r_i + sum_j a_ij x_j/sum_k x_k + sum_u e_iu u, x_D the denominator (held constant)"
	case ALRLinear:
		return "linear model in additive log-ratios: d z_i/dt = r_i + sum_j a_ij z_j + sum_u e_iu u, z_i = log(x_i/x_D), x_D the denominator (held constant)"
	case GLVRelative:
		return "generalised Lotka-Volterra on relative abundances: dx_i/dt = x_i (r_i + sum_j a_ij x_j + sum_u e_iu u)"
	}
	return "generalised Lotka-Volterra: dx_i/dt = x_i (r_i + sum_j a_ij x_j + sum_u e_iu u)"
}

func (m *Model) denomText() string {
	if m.Denominator == "" {
		return ""
	}
	return "; denominator " + m.Denominator
}

// members fills the community members, rules and interactions.
func (m *Model) members(f *modelfile.CommunityFile, n *names, x0 []float64) {
	init := m.Initial(x0)
	site := f.Site
	rows := m.rowMembers(n)
	effects := func(r string) string {
		var terms []string
		for _, u := range n.input {
			terms = append(terms, "e."+r+"."+u+"*"+u)
		}
		return strings.Join(terms, " + ")
	}
	switch m.Method {
	case CLV:
		var tot []string
		for _, id := range n.member {
			tot = append(tot, site+"."+id)
		}
		f.Rules = append(f.Rules, modelfile.FileRule{ID: "fit_total", Math: strings.Join(tot, " + "), Unit: f.Unit, Note: "total of the members: cLV interactions act through relative abundances"})
	case ALRLinear:
		den := site + "." + n.member[m.tr.denom]
		for _, r := range rows {
			f.Rules = append(f.Rules, modelfile.FileRule{ID: "z." + r, Math: "ln(" + site + "." + r + "/" + den + ")", Unit: "dimensionless", Note: "additive log-ratio to the denominator"})
		}
	}
	for i, t := range m.Taxa {
		id := n.member[i]
		mem := modelfile.FileMember{ID: id, Taxon: t, Initial: init[i], Rate: "r." + id}
		if i == m.tr.denom {
			mem.Rate = "0"
			f.Members = append(f.Members, mem)
			continue
		}
		eff := effects(id)
		switch m.Method {
		case CLV, ALRLinear:
			var terms []string
			for _, c := range m.colIDs(n) {
				src := site + "." + c
				if m.Method == ALRLinear {
					src = "z." + c
				}
				terms = append(terms, "a."+id+"."+c+"*"+src)
			}
			sum := strings.Join(terms, " + ")
			if m.Method == CLV {
				sum = "(" + sum + ")/fit_total"
			}
			if eff != "" {
				eff += " + "
			}
			eff += sum
		default:
			for j, c := range n.member {
				if m.Interaction[i][j] != 0 {
					f.Interactions = append(f.Interactions, modelfile.FileInteraction{Target: id, Source: c, Param: "a." + id + "." + c})
				}
			}
		}
		mem.Effects = eff
		f.Members = append(f.Members, mem)
	}
}
