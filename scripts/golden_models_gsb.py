#!/usr/bin/env python3
"""Generate models/gut-skin-brain.yaml, holobiont's default model.

The four skin sites share one structure, so the file is generated; every parameter carries its citation and
evidence class (Q: magnitude from the source; S: sign only, magnitude a conservative choice). Sources are the
ones summarised in ../shared/reference/host-models.md (section numbers in the notes).

Usage: python3 scripts/golden_models_gsb.py > models/gut-skin-brain.yaml
The initial state is the model's own healthy steady state, read from golden_models_gsb_initial.json; after
changing a parameter, regenerate it with
  HOLOBIONT_WRITE_STEADY=1 go test -run TestDefaultSteadyState ./modelfile
and rerun this script (twice: the steady state depends on the initial-value-free parts only).
"""
import json
import sys

KARIN = "Karin 2020 Mol Syst Biol 16:e9510"
LEE = "Lee 2024 JID Innov 4:100269"
MIYANO = "Miyano 2021/2022 AD QSP (Tanaka lab)"
ISLAM = "Islam & Ford Versypt, butyrateGutBoneAxis"
VAN = "Vanuytsel 2014 Gut 63:1293"
ROBLES = "Robles 2007 Psychosom Med 69:807; Denda 2000 AJP 278:R367"
PAL = "Palleja 2018 Nat Microbiol 3:1255; Dethlefsen 2011 PNAS 108:4554"
GRICE = "Grice 2009 Science 324:1190; Byrd 2018 Nat Rev Microbiol 16:143"
FINDLEY = "Findley 2013 Nature 498:367"
REICH = "Reichenberg 2001 Arch Gen Psychiatry 58:445"
GALLEY = "Galley 2014 BMC Microbiol 14:189; Knowles 2008 Biol Psychol 77:132"
TYSON = "Tyson-Carr 2025 Br J Dermatol 193(S2):ii6"
FOLLICLE = "Grice & Segre 2011 Nat Rev Microbiol 9:244; Byrd 2018 Nat Rev Microbiol 16:143; Oh 2014 Nature 514:59; Grice 2009 Science 324:1190"
SWEAT = "Sato 1989 J Am Acad Dermatol 20:537; Wilke 2007 Int J Cosmet Sci 29:169; Harker 2013 Skin Pharmacol Physiol 26:92; Allen 1973 J Physiol 235:749"
ZOUBOULIS = "Zouboulis 2002 PNAS 99:7148; Slominski 2013 Adv Anat Embryol Cell Biol 212"
APOCRINE = "Harker 2013 Skin Pharmacol Physiol 26:92; Wilke 2007 Int J Cosmet Sci 29:169; Natsch 2005 Int J Cosmet Sci 27:115; Natsch 2003 J Biol Chem 278:5718; Bawdon 2015 FEMS Microbiol Ecol 91:fiv039; James 2013 Int J Cosmet Sci 35:169; Callewaert 2013 PLoS ONE 8:e70538; Troccaz 2015 Microbiome 3:3"
SMITH = "Smith 2011 J Am Coll Nutr 30:259 (L. reuteri DSM17938: faecal 1e5 CFU/g on D5-7 of 1e9 CFU/day; detectable in 4/9 and 2/9 at 1 and 2 wk after stopping)"
PROB = "Smith 2011 (L. reuteri DSM17938 persistence); Maldonado-Gomez 2016 Cell Host Microbe 20:515"
HUANG = "Huang 2017 Front Cell Infect Microbiol 7:392; Abdi 2024 BBRC 702"
WIND = "Windoloski 2022 arXiv 2210.05712; Foteinou 2009 PLoS ONE 4:e4706"
SCFA = "Cummings 1986; Islam & Ford Versypt (mu_B = 166.3 /day)"

SITES = {
    # site: (name, class, env, visibility weight for wellbeing)
    "face": ("face (glabella/forehead)", "sebaceous", {"sebum": 0.9, "moisture": 0.4, "temperature": 34.0, "pH": 5.0}, 1.0),
    "scalp": ("scalp", "sebaceous", {"sebum": 0.8, "moisture": 0.45, "temperature": 34.5, "pH": 5.2}, 0.5),
    "axilla": ("axilla", "moist", {"sebum": 0.3, "moisture": 0.9, "temperature": 36.0, "pH": 6.0}, 0.3),
    "forearm": ("volar forearm", "dry", {"sebum": 0.1, "moisture": 0.2, "temperature": 32.0, "pH": 5.3}, 0.7),
}

params = []  # (id, value, unit, citation, evidence, note, min, max)


def P(id, value, unit, cite, ev, note, lo=0.0, hi=None):
    params.append((id, value, unit, cite, ev, note, lo, hi))


# ---- HPA (Karin core; CRH and ACTH at quasi-steady state, cortisol from the QSS, glands dynamic) ----
P("K_GR", 4, "dimensionless", KARIN, "Q", "GR half-occupancy cortisol level")
P("n_GR", 3, "dimensionless", KARIN, "Q", "GR Hill exponent")
P("t_half_P", 7, "day", KARIN, "Q", "corticotroph turnover (Karin 2020; Milo 2025 use 20 d)")
P("t_half_A", 14, "day", KARIN, "Q", "adrenal turnover (Karin 2020; Milo 2025 use 30 d)")
P("cortisol0", 0.98528, "dimensionless", KARIN, "Q", "baseline cortisol: x(1+(x/4)^3) = 1")
P("sigma_S", 1.0, "dimensionless", "Gu 2022 Compr Psychoneuroendocrinol 10:100125 (TSST d = 0.93)", "S",
  "stress -> hypothalamic drive; 0 makes a cortisol non-responder (Vanuytsel 2014)")
P("stress_chronic", 0.0, "dimensionless", "Cohen 1983 J Health Soc Behav 24:385 (PSS: ongoing appraised stress); " + GALLEY, "S",
  "a person's ongoing (chronic) perceived stress on the stress-input scale (1 = exam-like episode); adds to the stress input; varies between people in cohort specs")
P("sigma_I", 0.3, "dimensionless", WIND, "S", "inflammation (IL-6) activates the HPA axis; conservative gain")
# ---- immune ----
P("d_I", 1.0, "1/day", WIND, "S", "relaxation of systemic inflammatory tone (LPS effects clear within ~1-2 d)")
P("alpha_Pi", 0.5, "dimensionless", "Vanuytsel 2014; Bailey 2011 Brain Behav Immun 25:397", "S", "permeability (endotoxin) -> inflammation")
P("alpha_Sk", 0.2, "dimensionless", MIYANO, "S", "skin inflammation -> systemic inflammation")
P("K_GC", 2.0, "dimensionless", WIND, "S", "cortisol suppresses cytokines: half-effect cortisol")
P("h_GC", 2.0, "dimensionless", WIND, "S", "Hill exponent of glucocorticoid suppression")
P("theta_T", 0.5, "dimensionless", ISLAM, "S", "Treg suppression of inflammation")
P("Treg0", 0.13, "dimensionless", ISLAM, "Q", "blood Treg fraction at baseline")
P("k_ST", 0.16666666666666666, "1/uM", ISLAM, "Q", "butyrate -> Treg: +0.03 Treg fraction for +0.18 butyrate")
P("mu_T", 0.064, "1/day", ISLAM, "Q", "Treg turnover")
P("k_proT", 0.06, "dimensionless", HUANG + "; " + ISLAM, "S",
  "probiotic strain -> Treg induction: at the typical dosing level (strain = P_T50) Treg rises by 0.03, the size of the Q-anchored butyrate effect (Islam & Ford Versypt). "
  "Checked against Huang 2017 (pooled SCORAD -3.07, 95% CI -6.12 to -0.03): gives -0.6 SCORAD in subjects with stable eczema (-1.2 with disease still progressing), inside the CI; the point estimate is out of reach of this path (ceiling ~-2.9 at Treg +75%); see benchmarks/cohort.md")
# ---- gut ----
P("butyrate0", 0.18, "uM", ISLAM, "Q", "baseline luminal butyrate in model units (Islam & Ford Versypt input scale)")
P("phi_fibre", 1.0, "dimensionless", "Cummings 1986; Makki 2018 Cell Host Microbe 23:705", "S", "fibre -> growth of butyrate producers and Bifidobacterium")
P("gut_shed", 1.0, "1/day", "colonic transit ~1 day", "S", "per-capita washout by transit")
P("r_but", 1.8, "1/day", PAL, "S", "butyrate-producer growth")
P("r_bac", 1.9, "1/day", PAL, "S", "Bacteroides growth")
P("r_bif", 1.6, "1/day", PAL, "S", "Bifidobacterium growth")
P("r_lac", 1.5, "1/day", GALLEY, "S", "Lactobacillus growth")
P("r_ent", 1.3, "1/day", PAL, "S", "Enterobacteriaceae (pathobiont) growth")
P("k_pro", 1.0, "1/day", SMITH, "Q",
  "net wash-out rate of the strain where its niche is occupied (transit minus residual growth, competition and loss of viability folded in); "
  "calibrated with the cohort spread (lognormal sdlog 0.95, examples/cohort-probiotic-reuteri.yaml) to 4/9 and 2/9 detectable 1 and 2 wk after 7 d of dosing (Smith 2011)")
P("r_pro_niche", 2.0, "1/day", PROB, "S", "net growth of the strain at low density when its niche is vacant (engrafts and persists); with the matrix self-limitation 100/day/rel its engrafted level is 0.02 (~7% of the gut community, a B. longum-sized niche)")
P("P_T50", 3.0e-7, "rel", SMITH + "; " + HUANG, "S", "strain level giving half the Treg effect: the level reached during daily 1e9 CFU dosing (faecal 1e5 CFU/g of 1e11 bacteria/g, relative 1e-6)")
P("niche_open", 0.0, "dimensionless", PROB, "Q", "1 = vacant niche, the strain engrafts (~30% of people for B. longum AH1206)", 0, 1)
P("eps_but", 1.5, "1/day", PAL, "S", "antibiotic kill of butyrate producers (depleted, Palleja)")
P("eps_bac", 0.8, "1/day", PAL, "S", "antibiotic kill of Bacteroides")
P("eps_bif", 1.5, "1/day", PAL, "S", "antibiotic kill of Bifidobacterium (depleted, Palleja)")
P("eps_lac", 1.0, "1/day", PAL, "S", "antibiotic kill of Lactobacillus")
P("eps_ent", -0.3, "1/day", PAL, "S", "Enterobacteriaceae bloom under antibiotics (Palleja)", None, None)
P("eps_pro", 1.0, "1/day", PAL, "S", "antibiotic kill of the probiotic strain")
P("delta_stress_lac", 0.5, "1/day", GALLEY, "S", "stress (cortisol rise) lowers Lactobacillus")
P("Pi0", 0.030, "dimensionless", VAN, "Q", "baseline lactulose/mannitol ratio")
P("beta_K", 1.15, "dimensionless", VAN, "Q", "cortisol rise -> permeability; calibrated so that an acute cortisol response (K/K0 ~ 1.85) doubles L/M (0.030 -> 0.059)")
P("beta_I", 0.3, "dimensionless", "Bailey 2011; Neumann 2018 BMC Syst Biol", "S", "inflammation -> permeability")
P("beta_S", 1.0, "dimensionless", "Neumann 2018 BMC Syst Biol (butyrate tightens the barrier)", "S", "loss of butyrate raises permeability up to (1+beta_S)x")
# ---- skin ----
P("skin_shed", 0.0711, "1/day", "Ovaere 2009 (stratum corneum transit ~14 d); " + LEE + " (delta_B range 0.0029-0.29)", "Q", "desquamation loss of skin microbes, ~1/14 per day")
P("c_skin", 0.5, "dimensionless", GRICE, "S", "relative strength of competition for space between skin taxa")
P("c_fol", 0.25, "dimensionless", FOLLICLE, "S",
  "competition between follicle-dwelling Cutibacterium and the surface taxa (S. epidermidis, S. aureus, Corynebacterium, dry-site mix): "
  "C. acnes lives mainly in the anaerobic, lipid-rich pilosebaceous follicle, the staphylococci on the aerobic surface, so the two share "
  "less space than two surface taxa (half of c_skin; Malassezia, found in both, keeps c_skin). Gives healthy face skin S. epidermidis at "
  "~8% and Corynebacterium ~11% of the community beside ~73% Cutibacterium (Grice 2009, Oh 2014: Staphylococcus several to ~20% at sebaceous sites)")
P("r_Cu", 1.2, "1/day", "McGinley 1978 AEM 35:62; " + GRICE, "S", "Cutibacterium growth (lipophilic)")
P("r_Se", 1.0, "1/day", GRICE, "S", "S. epidermidis growth")
P("r_Sa", 15.588457268119896, "1/day", LEE, "Q", "S. aureus growth kappa_A (log-midpoint 9-27)")
P("r_Co", 1.0, "1/day", GRICE, "S", "Corynebacterium growth (moist sites)")
P("r_Ma", 0.6, "1/day", FINDLEY, "S", "Malassezia growth (lipid-dependent)")
P("r_Dm", 0.8, "1/day", GRICE, "S", "dry-site mix (beta-Proteobacteria, Flavobacteriales) growth")
P("gamma_AB", 587.0, "dimensionless", LEE, "Q", "intact barrier inhibits S. aureus growth")
P("delta_AE", 0.478, "1/day", LEE, "Q", "S. epidermidis kills S. aureus (low end 4.78/day scaled by 0.1 for commensal densities)")
P("E_pth", 0.1, "dimensionless", LEE, "Q", "S. epidermidis presence half-saturation (A_th/A_max ~ 0.1)")
P("A_th", 0.1, "dimensionless", LEE, "Q", "S. aureus agr threshold relative to carrying capacity (1.1e8/1.1e9)")
P("kappa_B", 0.0711, "1/day", LEE, "Q", "barrier recovery rate (log-midpoint)")
P("delta_BA", 1.0, "1/day", LEE, "Q", "barrier damage by agr-active S. aureus at carrying capacity (1e-9 per cell x 1.1e9)")
P("gamma_K", 0.13, "dimensionless", ROBLES, "Q", "cortisol rise slows barrier recovery: ~10% slower at a TSST-like response (K/K0 ~ 1.85)")
P("gamma_Sk", 0.3, "dimensionless", MIYANO, "S", "local inflammation slows barrier recovery")
P("delta_BSk", 0.02, "1/day", MIYANO + " (IL-31/IL-4 barrier loss term)", "S", "local inflammation damages the barrier (conservative)")
P("d_AMP", 0.5, "1/day", "Aberg 2007 J Clin Invest 117:3339; Ong 2002 N Engl J Med 347:1151; " + MIYANO + " (SA killing d4/(1+b4 IL-4))", "S",
  "S. aureus killing by epidermal antimicrobial peptides (LL-37, beta-defensins) that stress or Th2 inflammation can lift; of the order of the S. epidermidis kill delta_AE; folded into the net baseline rates (zero effect at baseline). "
  "The relief d_AMP*(1 - AMP) is multiplied by S. aureus' free space (face.Sa_space etc.), like its growth, so it cannot push S. aureus past the site capacity (the damaged state sits at ~0.7 of capacity, not 1.2)")
P("b_AMP_K", 1.0, "dimensionless", "Aberg 2007 J Clin Invest 117:3339 (psychological stress lowers epidermal CAMP and mBD3 via glucocorticoids)", "S",
  "cortisol rise suppresses AMP expression: AMP = 1/(1 + b_AMP_K*cortisol_rise) (half at a doubling of cortisol)")
P("b_AMP_Sk", 1.0, "dimensionless", "Ong 2002 N Engl J Med 347:1151; Howell 2006 Immunity 24:341; " + MIYANO, "S",
  "IL-4/IL-13 suppress AMP induction: AMP = 1/(1 + b_AMP_Sk*(Sk - 1)) (Miyano 2022 S. aureus QSP form d4/(1 + b4 IL-4))")
P("e_emol", 1.0, "dimensionless", "Tanaka 2018 J Theor Biol (emollient as barrier effect)", "S", "emollient speeds barrier recovery")
P("delta_topical_Sa", 3.0, "1/day", LEE, "Q", "topical antibiotic kill of S. aureus (0-5/day)")
P("delta_topical_comm", 1.0, "1/day", LEE, "S", "topical antibiotic kill of commensals")
P("k_agr", 2.0, "dimensionless", MIYANO, "S", "agr-active S. aureus -> IL-4/13-like local inflammation")
P("k1_agr", 10.0, "dimensionless", MIYANO, "S", "a_agr = tanh(k1 SA/(1+b1 SE))")
P("b1_agr", 10.0, "dimensionless", MIYANO, "S", "S. epidermidis dampens S. aureus agr")
P("alpha_I_skin", 0.5, "dimensionless", "Abdi 2024 BBRC 702; " + HUANG, "S", "systemic inflammation -> skin inflammation")
P("a_Cu_stress", 0.0, "1/day", TYSON, "S", "cortisol/sebum -> Cutibacterium: direction unresolved, default 0", None, None)
P("g_sweat", 0.1, "dimensionless", SWEAT, "S",
  "emotional (sympathetic, cholinergic) eccrine sweating at face and axilla, independent of cortisol: per unit perceived stress "
  "(1 = exam-like) the time-averaged surface moisture of these sites moves 10% of the way to saturation, moisture + g_sweat*stress*(1 - moisture). "
  "Set from physiology before any cohort outcome was seen: psychological sweating is episodic (bursts over minutes during arousal, Allen 1973, "
  "Machado-Moreira 2012, Harker 2013); assumed that at exam-like stress ~10% of the day is spent sweating, with the site wet (moisture ~1) "
  "meanwhile. Face at stress 1: 0.40 -> 0.46; axilla 0.90 -> 0.91. 0 switches it off")
P("g_sebum", 0.0, "dimensionless", ZOUBOULIS, "S",
  "stress -> cutaneous CRH -> sebocyte lipogenesis: sebum x (1 + g_sebum*perceived stress) at every site. Driven by perceived stress through "
  "the skin's own CRH system (Slominski 2013), not hypothalamic CRH, which adapts fully within weeks (Karin 2020). In vitro only, no in-vivo "
  "magnitude: default 0; hypothesis-table reference gain 0.25 (+25% sebum at exam-like stress)")
P("g_apocrine", 0.0, "1/day", APOCRINE, "S",
  "emotional stress -> adrenergic apocrine secretion in the axilla -> nutrients for axillary Corynebacterium and staphylococci: extra per-capita growth "
  "g_apocrine*perceived stress of axillary Corynebacterium and S. epidermidis (standing in for the axillary staphylococci, S. hominis included); "
  "Cutibacterium gets none. Apocrine sweating is strongly regulated by psychological stimuli via adrenergic pathways and confined to sites with apocrine "
  "glands (Harker 2013; Wilke 2007: axillary apocrine, eccrine and apoeccrine glands; none at face, scalp or forearm in this model); its odourless "
  "precursors are cleaved by axillary Corynebacterium (N-acyl-glutamine aminoacylase AgaA, Natsch 2003/2005; staphylococci do not release those acids) "
  "and by S. hominis and other staphylococci (thioalcohol precursors, Bawdon 2015); axillary communities are Staphylococcus- or Corynebacterium-dominated "
  "(Callewaert 2013), and Propionibacterium is anti-correlated with axillary odour (Troccaz 2015). No use of apocrine precursors by Cutibacterium is "
  "reported, but none is ruled out (Propionibacterium ferments glycerol and lactate, James 2004 Int J Cosmet Sci 26:149). No in-vivo magnitude of "
  "the growth effect: default 0 (switched off). Hypothesis table (benchmarks/cohort.md): 80% of 53-person studies see the Tyson-Carr axilla sign "
  "at g_apocrine ~1.1 (relative abundance) to ~1.3 (CLR), i.e. axillary Corynebacterium/S. epidermidis growth +29-37% at the mean chronic stress 0.25. Natsch 2003, Bawdon 2015 and James 2013 were not "
  "retrieved when this was written (cited from the literature)")
# ---- wellbeing ----
P("W0", 0.75, "dimensionless", TYSON, "S", "baseline wellbeing (0-1)")
P("tau_W", 3.0, "day", REICH, "S", "wellbeing relaxation time")
P("a_K", 0.03, "1/day", "Gu 2022; Ortlek 2025 arXiv 2509.07911", "S", "cortisol rise -> lower wellbeing")
P("a_I", 0.05, "1/day", REICH, "Q", "inflammation -> lower mood (LPS: depressed mood ES 0.66)")
P("a_skin", 0.03, "1/day", TYSON + "; Garg 2001 Arch Dermatol 137:53", "S", "visible skin damage -> lower wellbeing")
P("a_Cu", 0.0, "1/day", TYSON, "S", "Cutibacterium -> wellbeing: associational only, default 0", None, None)

# skin taxa: id -> (taxon, rate param, niche dict, topical kill param)
TAXA = [
    # Cutibacterium's sebum half-point 0.25 sits below the axilla's sebum (0.3): the moist axilla keeps
    # Cutibacterium as a regular member (Grice 2009, Byrd 2018; P. avidum in moist sites, McGinley 1978), while face
    # and scalp stay Cutibacterium-dominant and least diverse (host-models.md section 4). With half 0.5 the axilla
    # held ~5e-6 Cutibacterium, unlike real axillae. With the follicle/surface competition c_fol = 0.25 the
    # baseline axilla is Cutibacterium 35% / S. epidermidis 35% / Corynebacterium 31% (Tyson-Carr cohort of 1,000:
    # Cutibacterium median 34%, 5-95% 17-53%), and the face Cutibacterium 73% / Corynebacterium 11% /
    # Malassezia 9% / S. epidermidis 8%.
    ("Cutibacterium", "Cutibacterium acnes", "r_Cu", {"sebum": {"half": 0.25, "hill": 4, "floor": 0.4}}, "delta_topical_comm"),
    ("S_epidermidis", "Staphylococcus epidermidis", "r_Se", {"moisture": {"optimum": 0.8, "width": 0.2, "floor": 0.4}}, "delta_topical_comm"),
    ("S_aureus", "Staphylococcus aureus", None, {}, "delta_topical_Sa"),
    ("Corynebacterium", "Corynebacterium", "r_Co", {"moisture": {"half": 0.6, "hill": 4, "floor": 0.4}}, "delta_topical_comm"),
    ("Malassezia", "Malassezia", "r_Ma", {"sebum": {"half": 0.3, "hill": 2, "floor": 0.4}}, None),
    ("dry_mix", "dry-site mix (beta-Proteobacteria, Flavobacteriales)", "r_Dm", {"sebum": {"half": 0.05, "hill": -2, "floor": 0.4}}, "delta_topical_comm"),
]
NICHE_CITE = {"Cutibacterium": GRICE + "; McGinley 1978 AEM 35:62 (P. acnes on sebum-rich, P. avidum on moist sites)", "S_epidermidis": GRICE, "Corynebacterium": GRICE,
              "Malassezia": FINDLEY + "; Jo 2016 JID", "dry_mix": GRICE}
# Niche factors are written into each taxon's growth rate (floor + (1 - floor)*shape of the site's *effective*
# sebum or moisture), so that emotional sweating (g_sweat) and stress-driven sebum (g_sebum) can move them.
# Their shape parameters are shared by all sites: <taxon>_<env>_<field>.
for _id, _tax, _rate, _niche, _kill in TAXA:
    for _env, _v in _niche.items():
        for _f, _x in _v.items():
            P("%s_%s_%s" % (_id, _env, _f), abs(_x) if _f == "hill" else _x, "dimensionless", NICHE_CITE[_id], "S",
              "%s niche on %s: %s%s" % (_tax, _env, _f, " (decreasing Hill: 1 - hill)" if _f == "hill" and _x < 0 else ""))
# Sites with emotional (sympathetic) sweating: face and axilla (Sato 1989; Harker 2013: most evident on palms,
# soles, face and axilla; the forearm's general body surface responds to heat, little to emotion).
SWEAT_SITES = ("face", "axilla")
# Sites with apocrine glands, where emotional stress adds the apocrine-nutrient growth bonus g_apocrine to the
# taxa that metabolise apocrine secretions (Harker 2013; Natsch 2003/2005; Bawdon 2015). Face, scalp and forearm
# have none in this model.
APOCRINE_SITES = ("axilla",)
APOCRINE_TAXA = ("S_epidermidis", "Corynebacterium")
# Follicle-dwelling taxa: competition with surface taxa c_fol instead of c_skin (Malassezia lives in both).
C_FOL = 0.25
FOLLICULAR = {"Cutibacterium"}
BOTH = {"Malassezia"}


def comp(i, j):
    if i == j or i in BOTH or j in BOTH:
        return 0.5
    return C_FOL if (i in FOLLICULAR) != (j in FOLLICULAR) else 0.5


def niche_expr(id, s, niche):
    terms = []
    for env, v in niche.items():
        pp = lambda f: "%s_%s_%s" % (id, env, f)
        e = "%s.%s_eff" % (s, env)
        if "optimum" in v:
            shape = "exp(-0.5*((%s - %s)/%s)^2)" % (e, pp("optimum"), pp("width"))
        elif v["hill"] > 0:
            shape = "hill(%s, %s, %s)" % (e, pp("half"), pp("hill"))
        else:
            shape = "(1 - hill(%s, %s, %s))" % (e, pp("half"), pp("hill"))
        terms.append("(%s + (1 - %s)*%s)" % (pp("floor"), pp("floor"), shape))
    return "*".join(terms)

INITIAL = {}
try:
    INITIAL = json.load(open(__file__.replace("golden_models_gsb.py", "golden_models_gsb_initial.json")))
except OSError:
    pass


def init(id, default):
    return INITIAL.get(id, default)


out = []
w = out.append
w("# GENERATED by scripts/golden_models_gsb.py; edit the script, not this file.\n")
w("# holobiont's default gut-skin-brain model. Evidence: Q = magnitude from the cited source; S = sign only,\n")
w("# magnitude a conservative modelling choice (see `holobiont model describe`).\n")
w("id: gut_skin_brain\nname: Gut-skin-brain axis of a healthy adult\n")
w("description: >\n"
  "  Gut guilds (gLV) with butyrate, Treg and permeability; four skin sites (face and scalp sebaceous, axilla moist,\n"
  "  forearm dry) with niche-modulated communities, S. aureus-S. epidermidis-barrier core (Lee 2024) and local\n"
  "  inflammation; HPA axis (Karin 2020 core with CRH/ACTH/cortisol at quasi-steady state and dynamic gland\n"
  "  masses); systemic inflammation and wellbeing. Time in days; populations relative to site capacity.\n")
w("time_unit: day\nmetadata:\n  reference: \"../shared/reference/host-models.md section 7 (proposed model)\"\n")
w("units:\n  rel: dimensionless\n")
w("sites:\n  gut: {kind: gut, name: colon, env: {pH: 6.5, moisture: 1.0, temperature: 37.0}, citation: \"Cummings 1986\", evidence: Q}\n")
for s, (name, cls, env, vis) in SITES.items():
    envs = ", ".join("%s: %s" % (k, v) for k, v in env.items())
    w("  %s: {kind: skin, name: \"%s (%s)\", env: {%s}, citation: \"%s\", evidence: S, note: \"%s site; env relative 0-1 except temperature (degC) and pH\"}\n"
      % (s, name, cls, envs, GRICE, cls))
w("inputs:\n")
w("  stress: {default: 0, unit: dimensionless, citation: \"%s\", evidence: S, note: \"perceived stress, 1 = exam-like episode\"}\n" % GALLEY)
w("  abx_oral: {default: 0, unit: dimensionless, citation: \"%s\", evidence: S, note: \"oral antibiotic exposure, 1 while dosed\"}\n" % PAL)
w("  probiotic: {default: 0, unit: rel/day, citation: \"%s\", evidence: Q, note: \"probiotic strain dose rate\"}\n" % PROB)
w("  fibre: {default: 1, unit: dimensionless, citation: \"Makki 2018 Cell Host Microbe 23:705\", evidence: S, note: \"dietary fibre relative to usual intake\"}\n")
for g in ("butyrate_producers", "Bacteroides", "Bifidobacterium", "Lactobacillus", "Enterobacteriaceae", "probiotic"):
    w("  gut.%s.abx: {default: 0, unit: 1/day, citation: \"Stein 2013 PLoS Comput Biol 9:e1003388; Regoes 2004 AAC 48:3670\", evidence: Q, note: \"extra per-capita growth change set by a scenario's antibiotic susceptibility table\"}\n" % g)
for s in SITES:
    w("  emollient.%s: {default: 0, unit: dimensionless, citation: \"Tanaka 2018 J Theor Biol\", evidence: S}\n" % s)
    w("  abx_topical.%s: {default: 0, unit: dimensionless, citation: \"%s\", evidence: Q}\n" % (s, LEE))
    w("  irritant.%s: {default: 0, unit: 1/day, citation: \"host-models.md 7.2 (cleanser/pH damage as additive barrier loss); Tanaka 2018 J Theor Biol; Dominguez-Huttinger 2017 JACI\", evidence: S, note: \"barrier insult (detergent, tape stripping, scratching) as an extra per-day loss of barrier integrity\"}\n" % s)

w("parameters:\n")
for (id, v, u, c, ev, note, lo, hi) in params:
    extra = ""
    if lo is not None:
        extra += ", min: %s" % lo
    if hi is not None:
        extra += ", max: %s" % hi
    w("  %s: {value: %r, unit: %s, citation: \"%s\", evidence: %s, note: \"%s\"%s}\n" % (id, v, u, c, ev, note, extra))

w("rules:\n")
w("  gamma_P: {math: \"ln(2)/t_half_P\", unit: 1/day}\n  gamma_A: {math: \"ln(2)/t_half_A\", unit: 1/day}\n")
w("  host.perceived_stress: {math: \"stress + stress_chronic\", unit: dimensionless, citation: \"%s\", evidence: S, note: \"perceived stress: episodes (input) plus the person's chronic level; what a Perceived Stress Scale measures\"}\n" % GALLEY)
w("  drive: {math: \"1 + sigma_S*host.perceived_stress + sigma_I*pos(host.inflammation - 1)\", unit: dimensionless, citation: \"%s\", evidence: S, note: \"hypothalamic drive u(t)\"}\n" % KARIN)
# QSS cortisol: x (1 + (x/K)^n) = sqrt(u P A), solved by Newton from an upper bound (monotone convergence).
w("  cortisol_target: {math: \"sqrt(drive*host.P*host.A)\", unit: dimensionless, note: \"QSS of CRH and ACTH: x(1+(x/K_GR)^n_GR) = sqrt(u P A)\"}\n")
w("  cortisol_n0: {math: \"min(cortisol_target, (cortisol_target*K_GR^n_GR)^(1/(n_GR + 1)))\", unit: dimensionless, note: \"upper bound of the root\"}\n")
for k in range(1, 6):
    x = "cortisol_n%d" % (k - 1)
    w("  cortisol_g%d: {math: \"(%s/K_GR)^n_GR\", unit: dimensionless}\n" % (k - 1, x))
    w("  cortisol_n%d: {math: \"%s - (%s*(1 + cortisol_g%d) - cortisol_target)/(1 + (n_GR + 1)*cortisol_g%d)\", unit: dimensionless, note: \"Newton step (monotone from above)\"}\n" % (k, x, x, k - 1, k - 1))
w("  host.cortisol: {math: \"cortisol_n5\", unit: dimensionless, citation: \"%s\", evidence: Q, note: \"cortisol at quasi-steady state (t1/2 80 min << days)\"}\n" % KARIN)
w("  GR: {math: \"1/((host.cortisol/K_GR)^n_GR + 1)\", unit: dimensionless}\n")
w("  host.CRH: {math: \"drive*GR/host.cortisol\", unit: dimensionless, citation: \"%s\", evidence: Q}\n" % KARIN)
w("  host.ACTH: {math: \"host.CRH*host.P*GR\", unit: dimensionless, citation: \"%s\", evidence: Q}\n" % KARIN)
w("  cortisol_rise: {math: \"pos(host.cortisol/cortisol0 - 1)\", unit: dimensionless}\n")
w("  gc_inhibition: {math: \"(1 + (cortisol0/K_GC)^h_GC)/(1 + (host.cortisol/K_GC)^h_GC)\", unit: dimensionless}\n")
w("  gut.butyrate: {math: \"butyrate0*fibre*gut.butyrate_producers/%r\", unit: uM, citation: \"%s\", evidence: Q, note: \"butyrate at QSS (mu_B = 166.3/day) proportional to producers and fibre\"}\n" % (init("gut.butyrate_producers", 0.3), SCFA))
w("  gut.permeability: {math: \"Pi0*(1 + beta_K*cortisol_rise + beta_I*pos(host.inflammation - 1))*(1 + beta_S)/(1 + beta_S*gut.butyrate/butyrate0)\", unit: dimensionless, citation: \"%s\", evidence: Q, note: \"lactulose/mannitol-like ratio at quasi-steady state (tight junctions respond within hours, Vanuytsel 2014 2-h test)\"}\n" % VAN)
for s in ("face", "axilla"):
    w("  %s.Cu_share: {math: \"%s.Cutibacterium/max(%s, 1.0e-300)\", unit: dimensionless, note: \"relative abundance of Cutibacterium (Tyson-Carr measure)\"}\n"
      % (s, s, " + ".join("%s.%s" % (s, t[0]) for t in TAXA)))
w("  skin_inflammation: {math: \"(%s)/4\", unit: dimensionless}\n" % " + ".join("pos(%s.inflammation - 1)" % s for s in SITES))
for s in SITES:
    w("  %s.sebum_eff: {math: \"%s.sebum*(1 + g_sebum*host.perceived_stress)\", unit: dimensionless, citation: \"%s\", evidence: S, note: \"sebum output with stress-driven cutaneous CRH lipogenesis (g_sebum, default 0)\"}\n" % (s, s, ZOUBOULIS))
    if s in SWEAT_SITES:
        w("  %s.moisture_eff: {math: \"min(1, %s.moisture + g_sweat*host.perceived_stress*(1 - %s.moisture))\", unit: dimensionless, citation: \"%s\", evidence: S, note: \"surface moisture with emotional sweating (acts in cortisol non-responders too)\"}\n" % (s, s, s, SWEAT))
    else:
        w("  %s.moisture_eff: {math: \"%s.moisture\", unit: dimensionless, note: \"no emotional sweating at this site\"}\n" % (s, s))
    sp = " + ".join("%s*%s.%s" % ("c_fol" if comp("S_aureus", t[0]) == C_FOL else "c_skin", s, t[0]) for t in TAXA if t[0] != "S_aureus")
    w("  %s.Sa_space: {math: \"1 - %s.S_aureus - (%s)\", unit: dimensionless, citation: \"%s\", evidence: S, note: \"free space for S. aureus (logistic factor of its growth; bounds the AMP relief so S. aureus stays <= capacity)\"}\n" % (s, s, sp, LEE + "; " + FOLLICLE))
    w("  %s.sw_A: {math: \"hill(%s.S_aureus, A_th, 4)\", unit: dimensionless, citation: \"%s\", evidence: Q, note: \"smooth agr switch\"}\n" % (s, s, LEE))
    w("  %s.sw_E: {math: \"hill(%s.S_epidermidis, A_th, 4)\", unit: dimensionless, citation: \"%s\", evidence: Q}\n" % (s, s, LEE))
    w("  %s.AMP: {math: \"1/((1 + b_AMP_K*cortisol_rise)*(1 + b_AMP_Sk*pos(%s.inflammation - 1)))\", unit: dimensionless, citation: \"Aberg 2007 J Clin Invest 117:3339; Ong 2002 N Engl J Med 347:1151\", evidence: S, note: \"epidermal antimicrobial peptide activity relative to baseline\"}\n" % (s, s))
    w("  %s.a_agr: {math: \"tanh(k1_agr*%s.S_aureus*%s.sw_A/(1 + b1_agr*%s.S_epidermidis))\", unit: dimensionless, citation: \"%s\", evidence: S}\n" % (s, s, s, s, MIYANO))
    w("  %s.inflammation: {math: \"1 + k_agr*%s.a_agr + alpha_I_skin*pos(host.inflammation - 1)\", unit: dimensionless, citation: \"%s\", evidence: S, note: \"local IL-4/13-like inflammation at quasi-steady state (Miyano: dIL4/dt = k6 a_agr + k7 - d9 IL4; cytokine turnover of hours << days), 1 at baseline\"}\n"
      % (s, s, MIYANO))

w("states:\n")
w("  host.P: {initial: %r, unit: dimensionless, rate: \"gamma_P*host.P*(host.CRH - 1)\", citation: \"%s\", evidence: Q, note: \"corticotroph mass (no carrying capacity)\"}\n" % (init("host.P", 1.0149448), KARIN))
w("  host.A: {initial: %r, unit: dimensionless, rate: \"gamma_A*host.A*(host.ACTH - 1)\", citation: \"%s\", evidence: Q, note: \"adrenal cortex mass\"}\n" % (init("host.A", 0.98527517), KARIN))
w("  host.inflammation: {initial: %r, unit: dimensionless, rate: \"d_I*((1 + alpha_Pi*pos(gut.permeability/Pi0 - 1) + alpha_Sk*skin_inflammation)*gc_inhibition*pos(1 - theta_T*(host.Treg/Treg0 - 1)) - host.inflammation)\", citation: \"%s\", evidence: S, note: \"systemic pro-inflammatory tone, 1 at baseline\"}\n" % (init("host.inflammation", 1.0), WIND))
w("  host.Treg: {initial: %r, unit: dimensionless, rate: \"mu_T*(Treg0 + k_ST*(gut.butyrate - butyrate0) + k_proT*gut.probiotic/(gut.probiotic + P_T50) - host.Treg)\", citation: \"%s\", evidence: Q, note: \"blood Treg fraction\"}\n" % (init("host.Treg", 0.13), ISLAM))
w("  host.wellbeing: {initial: %r, unit: dimensionless, rate: \"(W0 - host.wellbeing)/tau_W - a_K*cortisol_rise - a_I*pos(host.inflammation - 1) - a_skin*(%s)/2.5 + a_Cu*(face.Cu_share + axilla.Cu_share)\", citation: \"%s\", evidence: S, note: \"wellbeing 0-1 (hypothesis layer)\"}\n"
  % (init("host.wellbeing", 0.75), " + ".join("%r*(1 - %s.barrier)" % (SITES[s][3], s) for s in SITES), REICH))
for s in SITES:
    w("  %s.barrier: {site: %s, initial: %r, unit: dimensionless, non_negative: true, rate: \"kappa_B*(1 + e_emol*emollient.%s)/(1 + gamma_K*cortisol_rise + gamma_Sk*pos(%s.inflammation - 1))*(1 - %s.barrier) - (delta_BA*%s.sw_A*%s.S_aureus + delta_BSk*pos(%s.inflammation - 1) + irritant.%s)*%s.barrier\", citation: \"%s\", evidence: Q, note: \"barrier integrity 0-1\"}\n"
      % (s, s, init(s + ".barrier", 1.0), s, s, s, s, s, s, s, s, LEE + "; " + ROBLES))

w("communities:\n")
GUT = [
    ("butyrate_producers", "Faecalibacterium/Roseburia (butyrate producers)", "r_but*fibre^phi_fibre", "-eps_but*abx_oral", 0.3),
    ("Bacteroides", "Bacteroides", "r_bac", "-eps_bac*abx_oral", 0.3),
    ("Bifidobacterium", "Bifidobacterium", "r_bif*fibre^phi_fibre", "-eps_bif*abx_oral", 0.1),
    ("Lactobacillus", "Lactobacillus", "r_lac", "-eps_lac*abx_oral - delta_stress_lac*cortisol_rise", 0.03),
    ("Enterobacteriaceae", "Enterobacteriaceae", "r_ent", "-eps_ent*abx_oral", 0.01),
    ("probiotic", "probiotic strain (Lactobacillus/Bifidobacterium)", "gut_shed - (1 - niche_open)*k_pro + niche_open*r_pro_niche", "-eps_pro*abx_oral", 0.0),
]
w("  gut:\n    unit: rel\n    shedding: gut_shed\n    extinction_threshold: 0\n    citation: \"%s\"\n    evidence: S\n    members:\n" % PAL)
for id, tax, rate, eff, x0 in GUT:
    extra = ""
    if id == "probiotic":
        extra = ", inflow: probiotic"
    w("      %s: {taxon: \"%s\", initial: %r, rate: \"%s\", effects: \"%s + gut.%s.abx\"%s}\n" % (id, tax, init("gut." + id, x0), rate, eff, id, extra))
# gut interaction matrix: self-limitation (capacity) and weak competition. The probiotic strain washes out at
# k_pro where its niche is occupied and engrafts (to r_pro_niche/100) only when niche_open = 1 (host-models.md 3.5).
gids = [g[0] for g in GUT]
cap = {"butyrate_producers": 0.35, "Bacteroides": 0.35, "Bifidobacterium": 0.12, "Lactobacillus": 0.04, "Enterobacteriaceae": 0.02}
w("    matrix:\n      unit: 1/day/rel\n      citation: \"%s\"\n      evidence: S\n      note: \"self-limitation r_i/K_i and 20%% cross-competition; capacities set the healthy composition\"\n      rows:\n" % PAL)
rates = {"butyrate_producers": 1.8, "Bacteroides": 1.9, "Bifidobacterium": 1.6, "Lactobacillus": 1.5, "Enterobacteriaceae": 1.3, "probiotic": 0.5}
for i in gids:
    row = []
    for j in gids:
        if i == "probiotic" or j == "probiotic":
            # the strain's competition with resident lactic-acid bacteria is folded into k_pro (occupied niche);
            # an engrafted strain (vacant niche) is limited by its own capacity r_pro_niche/100 = 0.02.
            row.append(-100.0 if i == j else 0.0)
            continue
        if i == j:
            row.append(-round(rates[i] / cap[i], 6))
        else:
            row.append(-round(0.2 * rates[i] / 0.35, 6) if j in ("butyrate_producers", "Bacteroides") else -round(0.2 * rates[i], 6))
    w("        %s: [%s]\n" % (i, ", ".join(repr(x) for x in row)))

for s in SITES:
    w("  %s:\n    unit: rel\n    shedding: skin_shed\n    extinction_threshold: 0\n    citation: \"%s\"\n    evidence: S\n    members:\n" % (s, GRICE + "; " + LEE))
    for id, tax, rate, niche, kill in TAXA:
        full = "%s.%s" % (s, id)
        topical = " - %s*abx_topical.%s" % (kill, s) if kill else ""
        if id == "S_aureus":
            w("      S_aureus: {taxon: \"%s\", initial: %r, rate: \"r_Sa/(1 + gamma_AB*%s.barrier)*%s.Sa_space\", effects: \"-delta_AE*%s.sw_E*%s.S_epidermidis/(%s.sw_E*%s.S_epidermidis + E_pth) + d_AMP*(1 - %s.AMP)*pos(%s.Sa_space)%s\", inflow: \"1.0e-6\", citation: \"%s\", evidence: Q, note: \"Lee 2024 core: logistic growth inhibited by the barrier, competing for space; less AMP killing when cortisol or local inflammation is high, a relief that needs free space like growth (so S. aureus stays within capacity); small inflow from the environment\"}\n"
              % (tax, init(full, 0.001), s, s, s, s, s, s, s, s, topical, LEE))
            continue
        rate = "%s*%s" % (rate, niche_expr(id, s, niche))
        eff = ""
        if id == "Cutibacterium":
            eff = "a_Cu_stress*cortisol_rise"
        if topical:
            eff = (eff + topical) if eff else topical.replace(" - ", "-", 1)
        if s in APOCRINE_SITES and id in APOCRINE_TAXA:
            # additive, so that g_apocrine = 0 leaves the per-capita rate bit-identical
            eff = (eff + " + " if eff else "") + "g_apocrine*host.perceived_stress"
        effs = ", effects: \"%s\"" % eff if eff else ""
        w("      %s: {taxon: \"%s\", initial: %r, rate: \"%s\"%s, inflow: \"1.0e-6\", citation: \"%s\", evidence: S}\n" % (id, tax, init(full, 0.1), rate, effs, NICHE_CITE[id]))
    # competition for space: a_ii = -r_i, a_ij = -c_skin r_i (written as parameters via the matrix)
    w("    matrix:\n      unit: 1/day/rel\n      citation: \"%s\"\n      evidence: S\n      note: \"logistic self-limitation (capacity 1 at the niche optimum) and shared-space competition c_skin = 0.5, c_fol = %r between follicular Cutibacterium and surface taxa\"\n      rows:\n" % (GRICE + "; " + FOLLICLE, C_FOL))
    rv = {"Cutibacterium": 1.2, "S_epidermidis": 1.0, "S_aureus": 15.588457268119896, "Corynebacterium": 1.0, "Malassezia": 0.6, "dry_mix": 0.8}
    selfc = {"Malassezia": 3.0}  # fungal biomass capacity ~1/3 of bacterial (Findley 2013: fungi a minority)
    for i, *_ in TAXA:
        row = [(-rv[i] * selfc.get(i, 1.0) if i == j else -comp(i, j) * rv[i]) for j, *_ in TAXA]
        if i == "S_aureus":
            row = [0.0] * len(TAXA)  # barrier-scaled logistic written in its rate (Lee 2024)
        w("        %s: [%s]\n" % (i, ", ".join(repr(round(x, 9)) for x in row)))

w("observables:\n")
w("  gut.dysbiosis: {kind: dysbiosis, members: [gut.*], note: \"Bray-Curtis distance from the subject's own baseline composition\"}\n")
for s in SITES:
    w("  %s.dysbiosis: {kind: dysbiosis, members: [%s.*]}\n" % (s, s))
w("  host.eczema_severity: {math: \"72*(2*(%s)/4 + 2*(1 - (%s)/4))/4\", unit: dimensionless, citation: \"Miyano 2021 Allergy (EASI = 72(2p + 2(1-s))/4)\", evidence: S, note: \"EASI-like: p = mean S. aureus load, s = mean barrier over the four sites\"}\n"
  % (" + ".join("min(%s.S_aureus, 1)" % s for s in SITES), " + ".join("%s.barrier" % s for s in SITES)))

C = []


def cpl(fr, to, sign, param, mech, cite, ev):
    C.append((fr, to, sign, param, mech, cite, ev))


cpl("brain.stress", "host.cortisol", 1, "sigma_S", "stress raises hypothalamic drive (CRH)", "Gu 2022; " + KARIN, "S")
cpl("host.cortisol", "host.CRH", -1, "K_GR", "MR/GR negative feedback", KARIN, "Q")
cpl("host.cortisol", "gut.permeability", 1, "beta_K", "CRH/cortisol-gated mast-cell opening of tight junctions (~2x in responders)", VAN, "Q")
cpl("host.cortisol", "gut.Lactobacillus", -1, "delta_stress_lac", "stress lowers Lactobacillus", GALLEY, "S")
cpl("gut.butyrate", "host.Treg", 1, "k_ST", "butyrate induces regulatory T cells", ISLAM, "Q")
cpl("host.Treg", "host.inflammation", -1, "theta_T", "Tregs suppress inflammatory tone", ISLAM, "S")
cpl("gut.butyrate", "gut.permeability", -1, "beta_S", "butyrate tightens the epithelial barrier", "Neumann 2018 BMC Syst Biol", "S")
cpl("gut.permeability", "host.inflammation", 1, "alpha_Pi", "endotoxin translocation raises cytokines", "Bailey 2011; " + WIND, "S")
cpl("host.inflammation", "gut.permeability", 1, "beta_I", "cytokines loosen tight junctions", "Neumann 2018", "S")
cpl("host.inflammation", "host.cortisol", 1, "sigma_I", "IL-6 activates the HPA axis", WIND, "S")
cpl("host.cortisol", "host.inflammation", -1, "K_GC", "glucocorticoids suppress cytokines", WIND, "S")
cpl("host.inflammation", "skin.inflammation", 1, "alpha_I_skin", "systemic inflammation reaches the skin", "Abdi 2024", "S")
cpl("skin.inflammation", "host.inflammation", 1, "alpha_Sk", "skin cytokines enter the circulation", MIYANO, "S")
cpl("host.cortisol", "skin.barrier", -1, "gamma_K", "glucocorticoids slow barrier recovery (10% at 2 h after TSST)", ROBLES, "Q")
cpl("skin.inflammation", "skin.barrier", -1, "gamma_Sk", "IL-4/13 slow barrier recovery", MIYANO, "S")
cpl("skin.inflammation", "skin.barrier", -1, "delta_BSk", "inflammation (IL-31, scratching) damages the barrier", MIYANO, "S")
cpl("skin.barrier", "skin.S_aureus", -1, "gamma_AB", "an intact barrier inhibits S. aureus", LEE, "Q")
cpl("skin.S_aureus", "skin.barrier", -1, "delta_BA", "agr-active S. aureus damages the barrier", LEE, "Q")
cpl("skin.S_epidermidis", "skin.S_aureus", -1, "delta_AE", "S. epidermidis antimicrobials kill S. aureus", LEE, "Q")
cpl("host.cortisol", "skin.S_aureus", 1, "b_AMP_K", "glucocorticoids lower epidermal antimicrobial peptides, less S. aureus killing", "Aberg 2007 J Clin Invest 117:3339", "S")
cpl("skin.inflammation", "skin.S_aureus", 1, "b_AMP_Sk", "IL-4/IL-13 suppress antimicrobial peptides, less S. aureus killing", "Ong 2002 N Engl J Med 347:1151; " + MIYANO, "S")
cpl("skincare.emollient", "skin.barrier", 1, "e_emol", "emollient speeds barrier recovery", "Tanaka 2018 J Theor Biol", "S")
cpl("drug.topical_antibiotic", "skin.S_aureus", -1, "delta_topical_Sa", "topical antibiotic kills S. aureus at the treated site", LEE, "Q")
cpl("skin.S_aureus", "skin.inflammation", 1, "k_agr", "agr toxins drive IL-4/13-like inflammation", MIYANO, "S")
cpl("host.inflammation", "brain.wellbeing", -1, "a_I", "inflammation lowers mood", REICH, "Q")
cpl("host.cortisol", "brain.wellbeing", -1, "a_K", "sustained cortisol lowers wellbeing", "Ortlek 2025", "S")
cpl("skin.barrier", "brain.wellbeing", 1, "a_skin", "visible skin damage lowers wellbeing", TYSON + "; Garg 2001", "S")
cpl("skin.Cutibacterium", "brain.wellbeing", 1, "a_Cu", "association only (Tyson-Carr); default gain 0", TYSON, "S")
cpl("host.cortisol", "skin.Cutibacterium", 1, "a_Cu_stress", "CRH raises sebum (Zouboulis 2002) vs Tyson-Carr; direction unresolved, gain 0", TYSON, "S")
cpl("brain.stress", "skin.moisture", 1, "g_sweat", "emotional (sympathetic) sweating wets face and axilla; acts without a cortisol response", SWEAT, "S")
cpl("brain.stress", "skin.sebum", 1, "g_sebum", "stress-driven cutaneous CRH raises sebocyte lipogenesis (in vitro); default gain 0", ZOUBOULIS, "S")
cpl("brain.stress", "axilla.Corynebacterium", 1, "g_apocrine", "emotional stress -> adrenergic apocrine secretion -> nutrients (odour precursors) for axillary Corynebacterium; default gain 0", APOCRINE, "S")
cpl("brain.stress", "axilla.S_epidermidis", 1, "g_apocrine", "emotional stress -> adrenergic apocrine secretion -> nutrients (odour precursors) for axillary staphylococci; default gain 0", APOCRINE, "S")
cpl("diet.fibre", "gut.butyrate_producers", 1, "phi_fibre", "fibre feeds butyrate producers", "Makki 2018", "S")
cpl("gut.probiotic", "host.Treg", 1, "k_proT", "probiotic immunomodulation (SCORAD -3.07 pooled)", HUANG, "S")
cpl("drug.antibiotic", "gut.butyrate_producers", -1, "eps_but", "antibiotics deplete butyrate producers", PAL, "S")
cpl("drug.antibiotic", "gut.Enterobacteriaceae", 1, "eps_ent", "Enterobacteriaceae bloom after antibiotics", PAL, "S")
w("couplings:\n")
for fr, to, sg, p, mech, cite, ev in C:
    w("  - {from: %s, to: %s, sign: %d, parameter: %s, mechanism: \"%s\", citation: \"%s\", evidence: %s}\n" % (fr, to, sg, p, mech, cite, ev))
sys.stdout.write("".join(out))
