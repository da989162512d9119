package table

import "strings"

// Synonym maps an outdated name to the current one.
//
// A species synonym (Old and New are binomials) renames the species and
// moves it to the new genus. A genus synonym (one word each) renames the
// genus of every lineage whose species is unknown or, when Species is not
// empty, one of the listed epithets; a lineage with another known species
// keeps its genus (Propionibacterium freudenreichii stays Propionibacterium).
type Synonym struct {
	Old, New string
	Species  []string // for genus synonyms: the epithets it applies to (nil = all)
	Source   string   // the publication of the rename
}

// DefaultSynonyms returns the built-in synonym table (a fresh copy the
// caller may edit). It covers renames that matter for gut and skin data:
//
//   - Propionibacterium → Cutibacterium for the skin species acnes,
//     granulosum, avidum (and humerusii, now C. acnes) (Scholz & Kilian 2016,
//     IJSEM 66:4422). The genus rename is applied to lineages whose species is
//     unknown too, because older gut/skin taxonomies (Greengenes: GlobalPatterns,
//     moving pictures) call the skin Cutibacterium "Propionibacterium";
//     P. freudenreichii and other dairy species keep their genus.
//   - Staphylococcus sciuri group → Mammaliicoccus (Madhaiyan et al. 2020,
//     IJSEM 70:5926).
//   - the Lactobacillus split (Zheng et al. 2020, IJSEM 70:2782):
//     Lacticaseibacillus (casei, paracasei, rhamnosus, zeae),
//     Limosilactobacillus (reuteri, fermentum, mucosae, vaginalis, oris),
//     Lactiplantibacillus (plantarum, pentosus, paraplantarum),
//     Ligilactobacillus (salivarius, ruminis, animalis, agilis),
//     Levilactobacillus brevis, Latilactobacillus (sakei, curvatus),
//     Lentilactobacillus (buchneri, kefiri), Companilactobacillus, ...;
//     L. acidophilus, crispatus, gasseri, iners, jensenii, johnsonii,
//     delbrueckii, helveticus stay Lactobacillus.
//   - Clostridium difficile / Peptoclostridium difficile → Clostridioides
//     difficile (Lawson et al. 2016, Anaerobe 40:95); SILVA's genus
//     Peptoclostridium → Clostridioides.
//   - Clostridium hiranonis → Peptacetobacter hiranonis (Chen et al. 2020),
//     Clostridium ramosum / Erysipelatoclostridium ramosum → Thomasclavelia
//     ramosa (Lawson et al. 2023), Eubacterium rectale → Agathobacter rectalis
//     (Rosero et al. 2016), Bacteroides vulgatus/dorei/plebeius/coprocola/
//     massiliensis → Phocaeicola (García-López et al. 2019), Ruminococcus
//     gnavus → Mediterraneibacter gnavus (Togo et al. 2018), Enterobacter
//     aerogenes → Klebsiella aerogenes (Tindall et al. 2017).
func DefaultSynonyms() []Synonym {
	var out []Synonym
	sp := func(src, oldGenus, newGenus string, epithets ...string) {
		for _, e := range epithets {
			out = append(out, Synonym{Old: oldGenus + " " + e, New: newGenus + " " + e, Source: src})
		}
	}
	const scholz = "Scholz & Kilian 2016, Int J Syst Evol Microbiol 66:4422"
	sp(scholz, "Propionibacterium", "Cutibacterium", "acnes", "granulosum", "avidum")
	out = append(out,
		Synonym{Old: "Propionibacterium humerusii", New: "Cutibacterium acnes", Source: scholz},
		Synonym{Old: "Propionibacterium", New: "Cutibacterium", Species: []string{"acnes", "granulosum", "avidum", "humerusii"}, Source: scholz},
	)
	sp("Madhaiyan et al. 2020, Int J Syst Evol Microbiol 70:5926", "Staphylococcus", "Mammaliicoccus",
		"sciuri", "lentus", "vitulinus", "fleurettii", "stepanovicii")
	const zheng = "Zheng et al. 2020, Int J Syst Evol Microbiol 70:2782"
	sp(zheng, "Lactobacillus", "Lacticaseibacillus", "casei", "paracasei", "rhamnosus", "zeae")
	sp(zheng, "Lactobacillus", "Limosilactobacillus", "reuteri", "fermentum", "mucosae", "vaginalis", "oris", "antri", "panis", "pontis")
	sp(zheng, "Lactobacillus", "Lactiplantibacillus", "plantarum", "pentosus", "paraplantarum")
	sp(zheng, "Lactobacillus", "Ligilactobacillus", "salivarius", "ruminis", "animalis", "agilis", "murinus", "acidipiscis")
	sp(zheng, "Lactobacillus", "Levilactobacillus", "brevis")
	sp(zheng, "Lactobacillus", "Latilactobacillus", "sakei", "curvatus")
	sp(zheng, "Lactobacillus", "Lentilactobacillus", "buchneri", "kefiri", "parabuchneri")
	sp(zheng, "Lactobacillus", "Companilactobacillus", "alimentarius", "farciminis", "paralimentarius")
	sp(zheng, "Lactobacillus", "Fructilactobacillus", "sanfranciscensis", "fructivorans")
	sp(zheng, "Lactobacillus", "Loigolactobacillus", "coryniformis")
	sp(zheng, "Lactobacillus", "Lapidilactobacillus", "dextrinicus")
	const lawson = "Lawson et al. 2016, Anaerobe 40:95"
	out = append(out,
		Synonym{Old: "Clostridium difficile", New: "Clostridioides difficile", Source: lawson},
		Synonym{Old: "Peptoclostridium difficile", New: "Clostridioides difficile", Source: lawson},
		Synonym{Old: "Peptoclostridium", New: "Clostridioides", Source: lawson},
		Synonym{Old: "Clostridium hiranonis", New: "Peptacetobacter hiranonis", Source: "Chen et al. 2020, Int J Syst Evol Microbiol"},
		Synonym{Old: "Clostridium ramosum", New: "Thomasclavelia ramosa", Source: "Lawson et al. 2023, Int J Syst Evol Microbiol"},
		Synonym{Old: "Erysipelatoclostridium ramosum", New: "Thomasclavelia ramosa", Source: "Lawson et al. 2023, Int J Syst Evol Microbiol"},
		Synonym{Old: "Eubacterium rectale", New: "Agathobacter rectalis", Source: "Rosero et al. 2016, Int J Syst Evol Microbiol 66:768"},
		Synonym{Old: "Ruminococcus gnavus", New: "Mediterraneibacter gnavus", Source: "Togo et al. 2018, New Microbes New Infect"},
		Synonym{Old: "Enterobacter aerogenes", New: "Klebsiella aerogenes", Source: "Tindall et al. 2017, Int J Syst Evol Microbiol 67:502"},
	)
	sp("García-López et al. 2019, Front Microbiol 10:2083", "Bacteroides", "Phocaeicola", "vulgatus", "dorei", "plebeius", "coprocola", "massiliensis")
	return out
}

// Synonyms applies a synonym table to lineages and names.
type Synonyms struct {
	species map[string]string // normalised old binomial → new binomial
	genus   map[string]Synonym
}

// NewSynonyms indexes a synonym table (see DefaultSynonyms).
func NewSynonyms(list []Synonym) *Synonyms {
	s := &Synonyms{species: map[string]string{}, genus: map[string]Synonym{}}
	for _, x := range list {
		if strings.Contains(strings.TrimSpace(x.Old), " ") {
			s.species[normName(x.Old)] = x.New
		} else {
			s.genus[normName(x.Old)] = x
		}
	}
	return s
}

// normName lower-cases a name and turns '_', '-' and runs of spaces into
// one space, so "Clostridium-difficile", "Clostridium_difficile" and
// "clostridium difficile" match.
func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("_", " ", "-", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// Name returns the current name for a genus or binomial, or name itself.
// Separators in name are kept as written ("Clostridium-difficile" →
// "Clostridioides-difficile").
func (s *Synonyms) Name(name string) string {
	n := normName(name)
	if nw, ok := s.species[n]; ok {
		return keepSeparator(name, nw)
	}
	if syn, ok := s.genus[n]; ok {
		return syn.New
	}
	return name
}

func keepSeparator(orig, nw string) string {
	for _, sep := range []string{"-", "_"} {
		if strings.Contains(orig, sep) && !strings.Contains(orig, " ") {
			return strings.ReplaceAll(nw, " ", sep)
		}
	}
	return nw
}

// Apply returns the lineage with outdated genus and species names replaced.
func (s *Synonyms) Apply(l Lineage) Lineage {
	if l[Species] != "" {
		if nw, ok := s.species[normName(l[Species])]; ok {
			l[Species] = nw
			l[Genus] = strings.Fields(nw)[0]
			return l
		}
	}
	if l[Genus] == "" {
		return l
	}
	syn, ok := s.genus[normName(l[Genus])]
	if !ok {
		return l
	}
	epithet := ""
	if f := strings.Fields(l[Species]); len(f) >= 2 {
		epithet = strings.ToLower(f[1])
	}
	if epithet != "" && syn.Species != nil {
		found := false
		for _, e := range syn.Species {
			if e == epithet {
				found = true
			}
		}
		if !found {
			return l
		}
	}
	l[Genus] = syn.New
	if epithet != "" {
		l[Species] = syn.New + " " + strings.Fields(l[Species])[1]
	}
	return l
}
