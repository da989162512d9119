#!/usr/bin/env python3
"""Generate models/gut-skin-brain.yaml, holobiont's default model.

The four skin sites share one structure, so the file is generated; every parameter carries its citation and
evidence class (Q: magnitude from the source; S: sign only, magnitude a conservative choice; C: calibrated to
the named targets of models/gut-skin-brain.targets.yaml). Sources are the ones summarised in
../shared/reference/host-models.md (section numbers in the notes) and the papers cited per parameter.

Usage:
  python3 scripts/golden_models_gsb.py > models/gut-skin-brain.yaml
  python3 scripts/golden_models_gsb.py --patch-test DIR   # the eczema patch-population fixture (explicit and
                                                          # reduced) used by modelfile/patches_test.go
The initial state is the model's own healthy steady state, read from golden_models_gsb_initial.json; after
changing a parameter, regenerate the model, its steady state and the Go kernels with
  sh scripts/regen_default_model.sh
Calibrated values (evidence C) are read from golden_models_gsb_calibrated.json, written by
scripts/calibrate_default.sh (holobiont calibrate on models/gut-skin-brain.targets.yaml: each fitted parameter
names the fit targets that inform it; a parameter the targets leave at its prior is not marked C).

Structure (what each block is, in one line each; details in the parameter notes):
  HPA       Karin 2020 core (CRH/ACTH/cortisol at quasi-steady state, gland masses) + the Gupta 2007 pituitary
            glucocorticoid-receptor switch (GR state; Gupta's hormones at quasi-steady state).
  immune    systemic inflammatory tone I (IL-6-like, 1 at baseline), Treg, Th17 tone; endotoxin input.
  gut       gLV guilds incl. antibiotic-sensitive specialists that can be lost for good (Palleja 2018), cross-
            feeding of butyrate producers by Bifidobacterium, probiotic strain; butyrate relative to baseline.
  skin      per site (face, scalp, axilla, forearm): community, non-lesional barrier, and eczema as a population
            of patches with log-logistic barrier-inhibition thresholds (Lee 2024 core per patch) reduced to one
            state, the lesional front; lesions read at their quasi-steady state (Miyano EASI mapping).
  psoriasis Shmarov 2022 patch switch (healthy state lost at +27 DC/mm^2/day extra stimulus) driven by Th17
            tone and stress; one systemic memory state; regional extent for PASI.
  acne      inflamed-follicle fraction driven by sebum x follicular Cutibacterium x inflammation (no public
            mechanistic acne model: every gain is S and documented).
  rosacea   sign-level: Demodex density on sebum, triggers, stress, inflammation (all S).
  mood      depression (PHQ-9-like) and anxiety (GAD-7-like) symptom loads fed by inflammation (Reichenberg 2001),
            the GR switch, skin disease, stress and gut butyrate; they feed back on perceived stress and diet.
"""
import json
import sys

import popspec

KARIN = "Karin 2020 Mol Syst Biol 16:e9510"
GUPTA = "Gupta 2007 Theor Biol Med Model 4:8"
SHIPMAN = "Shipman 1983 Blood 61:1086 (human lymphocyte GR numbers return to baseline 3-17 days after dexamethasone)"
LEE = "Lee 2024 JID Innov 4:100269"
MIYANO = "Miyano 2021/2022 AD QSP (Tanaka lab)"
ISLAM = "Islam & Ford Versypt 2021 Ind Eng Chem Res 60:17814 (butyrateGutBoneAxis)"
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
ABDI = "Abdi 2024 BBRC 702"
WIND = "Windoloski 2022 arXiv 2210.05712; Foteinou 2009 PLoS ONE 4:e4706"
SCFA = "Cummings 1986 Gut 28:1221; Islam & Ford Versypt 2021 (mu_B = 166.3 /day: butyrate at quasi-steady state)"
SHMAROV = "Shmarov 2022 PLoS Comput Biol 18:e1010267"
BELENGUER = "Belenguer 2006 Appl Environ Microbiol 72:3593; Riviere 2016 Front Microbiol 7:979 (Bifidobacterium acetate/lactate cross-feeds butyrate producers)"
TROMPETTE = "Trompette 2022 Mucosal Immunol 15:908 (gut-derived short-chain fatty acids improve skin barrier integrity)"
VALLES = "Valles-Colomer 2019 Nat Microbiol 4:623 (butyrate-producing Faecalibacterium and Coprococcus with higher quality of life, depleted in depression)"
CHIESA = "Chiesa Fuxench 2019 J Invest Dermatol 139:583 (AD in America: HADS depression 5.83 vs 3.62, anxiety 7.03 vs 4.73 in AD vs controls)"
ORANJE = ("Oranje 2007 Br J Dermatol 157:645 (SCORAD intensity B: six items 0-3, erythema, oedema/papulation, oozing/crusts, excoriation, lichenification, "
          "dryness); dryness scored on uninvolved skin (European Task Force on Atopic Dermatitis 1993, as the Fondation pour la Dermatite Atopique's SCORAD "
          "pages list it apart from the five lesion signs; the 1993 full text not read here)")
HON2008 = "Hon 2008 Am J Clin Dermatol 9:45"
KUNZ = "Kunz 1997 Dermatology 195:10 (SCORAD < 25 mild, 25-50 moderate, > 50 severe); European Task Force on Atopic Dermatitis 1993 Dermatology 186:23 (SCORAD = A/5 + 7B/2 + C)"
EASI_REF = "Hanifin 2001 Exp Dermatol 10:11 (EASI); Leshem 2015 Br J Dermatol 172:1353 (bands)"
PASI_REF = "Fredriksson & Pettersson 1978 Dermatologica 157:238 (PASI); Menter 2008 J Am Acad Dermatol 58:826 (BSA < 3% mild, 3-10% moderate, > 10% severe)"
LEHMANN = "Lehmann 2002 J Am Acad Dermatol 47:231 (acne severity by inflammatory lesion counts: < 15 mild, 15-50 moderate, > 50 severe)"
ISOTRET = "Goldstein 1982 Arch Dermatol 118:555 (sebum -88% on isotretinoin 1 mg/kg/day); Cunliffe 1994 Arch Dermatol 130:315 (-83%)"
RYAN = "Ryan-Kewley 2017 Front Microbiol 8:1381 (isotretinoin: cheek C. acnes 1-2 orders of magnitude lower, 56 patients)"
ROSACEA = "Gallo 2018 J Am Acad Dermatol 78:148 (NRS classification); Yamasaki 2007 Nat Med 13:975 (cathelicidin); Forton 2012 J Eur Acad Dermatol Venereol 26:19 (Demodex density); Gether 2018 Br J Dermatol 179:282 (prevalence 5.46%)"
PHQ9 = "Kroenke 2001 J Gen Intern Med 16:606 (PHQ-9: 5/10/15/20 mild/moderate/moderately severe/severe; >= 10 major depression)"
GAD7 = "Spitzer 2006 Arch Intern Med 166:1092 (GAD-7: 5/10/15 mild/moderate/severe; >= 10 generalised anxiety disorder); Lowe 2008 Med Care 46:266"
PSS_MOOD = "Cohen 1983 J Health Soc Behav 24:385 (perceived stress correlates with depressive and anxious symptoms); Hammen 2005 Annu Rev Clin Psychol 1:293"
DIET_MOOD = "Jacka 2010 Am J Psychiatry 167:305 (diet quality and depression/anxiety); Marx 2017 Nutrients 9:E1179"
MILLER = "Miller 2007 Psychol Bull 133:25 (chronic stress: cortisol falls below normal as time since onset passes)"

# Initial state and calibrated values (see the docstring).
INITIAL = {}
CALIB = {}
try:
    INITIAL = json.load(open(__file__.replace("golden_models_gsb.py", "golden_models_gsb_initial.json")))
except OSError:
    pass
try:
    CALIB = json.load(open(__file__.replace("golden_models_gsb.py", "golden_models_gsb_calibrated.json")))
except OSError:
    pass


def init(id, default):
    return INITIAL.get(id, default)


def pop_fit(id, default, prone, cond, targets):
    """Note text: the general-adult population's distribution of id as popspec.SPEC holds it (log-normal or
    gamma, fitted by scripts/fit_skin_severity.py to targets), and where the default person (the model's value)
    sits in it. prone is "low" when a lower value means more of cond, "high" otherwise."""
    family, a, b = popspec.population(id)
    below = popspec.share_below(default, family, a, b)
    less = 1 - below if prone == "low" else below
    return ("; varies between people: in the general-adult population (%s) %s, fitted by scripts/fit_skin_severity.py to %s "
            "(targets of role cohort-fit); this default person is more %s-prone than %.0f%% of that population"
            % (popspec.SPEC_NAME, popspec.describe(family, a, b), targets, cond, 100 * less))


params = []  # (id, value, unit, citation, evidence, note, min, max)


def P(id, value, unit, cite, ev, note, lo=0.0, hi=None):
    params.append((id, value, unit, cite, ev, note, lo, hi))


def PC(id, value, unit, cite, note, targets, lo=0.0, hi=None, fallback_ev="S"):
    """A parameter the calibration fits: evidence C with its method and targets when golden_models_gsb_calibrated.json
    holds a value for it, otherwise the prior value with fallback_ev (the calibration's starting point)."""
    if id in CALIB:
        v = CALIB[id]["value"]
        cite = "%s; calibrated (%s) to %s" % (cite, CALIB[id]["method"], ", ".join(CALIB[id]["targets"]))
        params.append((id, v, unit, cite, "C", "%s [prior %r]" % (note, value), lo, hi))
    else:
        params.append((id, value, unit, cite, fallback_ev, note + " (the calibration target for this parameter, not yet fitted: " + targets + ")", lo, hi))

# ---- HPA (Karin core; CRH and ACTH at quasi-steady state, cortisol from the QSS, glands dynamic) ----
P("K_GR", 4, "dimensionless", KARIN, "Q", "GR half-occupancy cortisol level")
P("n_GR", 3, "dimensionless", KARIN, "Q", "GR Hill exponent")
P("t_half_P", 7, "day", KARIN, "Q", "corticotroph turnover (Karin 2020; Milo 2025 use 20 d)")
P("t_half_A", 14, "day", KARIN, "Q", "adrenal turnover (Karin 2020; Milo 2025 use 30 d)")
P("cortisol0", 0.98528, "dimensionless", KARIN, "Q", "baseline cortisol: x(1+(x/4)^3) = 1")
PC("sigma_S", 1.0, "dimensionless", "Gu 2022 Compr Psychoneuroendocrinol 10:100125 (TSST d = 0.93)",
   "stress -> hypothalamic drive; 0 makes a cortisol non-responder (Vanuytsel 2014)", "the TSST cortisol effect size")
P("stress_chronic", 0.0, "dimensionless", "Cohen 1983 J Health Soc Behav 24:385 (PSS: ongoing appraised stress); " + GALLEY, "S",
  "a person's ongoing (chronic) perceived stress on the stress-input scale (1 = exam-like episode); adds to the stress input; varies between people in cohort specs")
P("sigma_I", 0.3, "dimensionless", WIND, "S", "inflammation (IL-6) activates the HPA axis; conservative gain")
# ---- GR switch (Gupta 2007) embedded: Gupta's scaled hormones at quasi-steady state given GR and stress ----
for id, v, note in [("gr_kcd", 1.0, "CRH degradation"), ("gr_ki1", 0.1, "cortisol inhibition of CRH release"), ("gr_kad", 10.0, "ACTH degradation"),
                    ("gr_ki2", 0.1, "inhibition of ACTH release by the cortisol-GR complex"), ("gr_kcr", 0.05, "basal GR synthesis"),
                    ("gr_krd", 0.9, "GR degradation"), ("gr_k", 0.001, "half-saturation of GR self-induction by the homodimer (o r)^2")]:
    P(id, v, "dimensionless", GUPTA + " (CellML parameter set; models/gupta2007.yaml)", "Q", note + " (Gupta's scaled units)")
P("gr_o0", 0.0597227709, "dimensionless", GUPTA, "Q", "Gupta's cortisol at the low-GR steady state (models/gupta2007.yaml)")
P("gr_r0", 0.0809045117, "dimensionless", GUPTA, "Q", "GR at the low-GR (normal) steady state")
P("gr_rhigh", 0.548184983, "dimensionless", GUPTA, "Q", "GR at the high-GR (dysregulated, hypocortisolism) steady state")
P("t_GR", 1.0, "day", SHIPMAN + "; " + MILLER, "S",
  "real time of one of Gupta's scaled time units for the GR equation. Gupta scale time by cortisol clearance (80 min), which would flip the axis "
  "within hours of any stress; here the GR state runs on the time scale of receptor re-synthesis: its slowest relaxation at the normal state "
  "(0.369/unit) then takes ~3/0.369 = 8 days to return, inside the 3-17 days human lymphocyte GR numbers took after dexamethasone (Shipman 1983)")
P("k_GRf", 0.15, "dimensionless", GUPTA + "; " + MILLER, "S",
  "Gupta's stress input f = k_GRf*(drive - 1), the hypothalamic drive above baseline (perceived stress and inflammation). Chosen so that "
  "everyday chronic stress (stress_chronic 0.25, f = 0.06) and a two-week exam (f = 0.25 for 14 units) leave the axis in the normal state "
  "while months of severe stress flip it (constant f above ~0.2 has no normal state: Gupta's bistable range)")
# ---- immune ----
P("d_I", 1.0, "1/day", WIND, "S", "relaxation of systemic inflammatory tone (LPS effects clear within ~1-2 d)")
PC("alpha_Pi", 0.5, "dimensionless", "Vanuytsel 2014; Bailey 2011 Brain Behav Immun 25:397",
   "permeability (endotoxin) -> inflammation; signed: a tighter gut than baseline lowers inflammatory tone (acts in health)",
   "the stress-permeability, barrier-recovery and probiotic-SCORAD targets")
P("alpha_Sk", 0.2, "dimensionless", MIYANO, "S", "skin inflammation (area-weighted over lesional and non-lesional skin) -> systemic inflammation")
PC("K_GC", 2.0, "dimensionless", WIND, "cortisol suppresses cytokines: half-effect cortisol", "the stress and endotoxin-mood targets")
P("h_GC", 2.0, "dimensionless", WIND, "S", "Hill exponent of glucocorticoid suppression")
P("theta_T", 0.5, "dimensionless", ISLAM, "S", "Treg suppression of inflammation")
P("Treg0", 0.13, "dimensionless", ISLAM, "Q", "blood Treg fraction at baseline")
P("k_ST", 0.16666666666666666, "1/uM", ISLAM, "Q", "butyrate -> Treg: +0.03 Treg fraction for +0.18 uM intestinal butyrate (Islam & Ford Versypt's input scale)")
P("mu_T", 0.064, "1/day", ISLAM, "Q", "Treg turnover")
PC("k_proT", 0.06, "dimensionless", HUANG + "; " + ISLAM,
   "probiotic strain -> Treg induction, at the typical dosing level (strain = P_T50) half of k_proT", "the Huang 2017 pooled SCORAD difference")
P("k_LPS", 20.0, "dimensionless", WIND + "; " + REICH, "S",
  "endotoxin input (1 during a 0.8-2 ng/kg LPS challenge window) multiplies inflammatory production by 1 + k_LPS: a 3-hour window lifts the "
  "IL-6-like tone ~2.5-fold above baseline at its peak, with cortisol up ~20% (Reichenberg 2001: cortisol rises after 0.8 ng/kg)")
P("a_I17", 1.0, "dimensionless", ABDI + "; Harrington 2005 Nat Immunol 6:1123", "S", "systemic inflammation -> Th17 tone (IL-6 drives Th17 differentiation)")
P("theta_T17", 1.0, "dimensionless", ABDI + "; Littman & Rudensky 2010 Cell 140:845 (Th17/Treg balance)", "S",
  "Tregs restrain Th17 tone: the probiotic route of Abdi 2024 (gut species -> Treg -> less IL-17)")
# ---- gut ----
P("butyrate_scale", 0.122, "uM", ISLAM, "S",
  "intestinal butyrate change in Islam & Ford Versypt's input units per unit relative change of the model's butyrate. Their antibiotic case "
  "is an input of -0.11 uM; it is mapped to the model's antibiotic nadir (butyrate at ~10% of baseline): 0.11/0.9 = 0.122. (The old "
  "butyrate0 = 0.18 was their supplementation increase, not a baseline)")
P("phi_fibre", 1.0, "dimensionless", "Cummings 1986; Makki 2018 Cell Host Microbe 23:705", "S", "fibre -> growth of butyrate producers and Bifidobacterium")
P("gut_shed", 1.0, "1/day", "colonic transit ~1 day (Cummings 1986)", "S", "per-capita washout by transit")
P("r_but", 1.8, "1/day", PAL, "S", "butyrate-producer growth")
P("r_bac", 1.9, "1/day", PAL, "S", "Bacteroides growth")
P("r_bif", 1.6, "1/day", PAL, "S", "Bifidobacterium growth")
P("r_lac", 1.5, "1/day", GALLEY, "S", "Lactobacillus growth")
P("r_ent", 1.3, "1/day", PAL, "S", "Enterobacteriaceae (pathobiont) growth")
P("r_spec", 1.7, "1/day", PAL, "S", "growth of the antibiotic-sensitive specialists (slow-growing anaerobes)")
P("gut_inflow", 1.0e-6, "rel/day", "Palleja 2018 Nat Microbiol 3:1255 (most species recover within 1.5 months); Lozupone 2012 Nature 489:220", "S",
  "re-acquisition of the common guilds from diet and contacts (the specialists get none, so once below the extinction threshold they stay lost)")
P("spec_allee", 1.0e-4, "rel", PAL + "; Gonze 2018 ISME J 12:2019 (cooperation and alternative stable states in gut communities)", "S",
  "Allee density of the specialists: their growth is r_spec*x/(x + spec_allee), so at densities below ~1e-4 of the community (where cross-feeding "
  "partners and niche construction fail) they cannot regrow and are lost; a course that leaves more than that lets them recover")
P("y_spec", 1.0, "dimensionless", PAL + " (Coprococcus, Eubacterium among the species lost at 180 d)", "S", "butyrate yield of the specialists relative to the butyrate producers")
P("c_xfeed", 0.9, "1/day/rel", BELENGUER, "S",
  "cross-feeding: Bifidobacterium acetate and lactate raise butyrate-producer growth (positive interaction a_but,bif)")
P("g_pro_res", 0.05, "1/day", BELENGUER + "; Kristensen 2016 Genome Med 8:52 (probiotics leave faecal composition of healthy adults largely unchanged)", "S",
  "probiotic strain -> growth of resident Bifidobacterium and butyrate producers (lactate/acetate and niche effects), saturating at the dosing level "
  "P_T50; kept small because probiotic RCTs rarely move resident composition")
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
PC("eps_spec", 3.0, "1/day", PAL,
   "antibiotic kill of the specialists (Palleja: 9 common species still undetectable in most subjects 180 d after a 4-day course)",
   "Palleja 2018 persistent loss")
P("delta_stress_lac", 0.5, "1/day", GALLEY, "S", "stress (cortisol rise) lowers Lactobacillus")
P("Pi0", 0.030, "dimensionless", VAN, "Q", "baseline lactulose/mannitol ratio")
PC("beta_K", 1.15, "dimensionless", VAN,
   "cortisol rise -> permeability: an acute cortisol response (K/K0 ~ 1.85) doubles L/M (0.030 -> 0.059)", "Vanuytsel 2014 (L/M ratio 2.0 in cortisol responders)", fallback_ev="Q")
PC("beta_I", 0.3, "dimensionless", "Bailey 2011; Neumann 2018 BMC Syst Biol 12:144", "inflammation -> permeability", "the stress-permeability target")
P("beta_S", 1.0, "dimensionless", "Neumann 2018 BMC Syst Biol 12:144 (butyrate tightens the barrier)", "S", "loss of butyrate raises permeability up to (1+beta_S)x; more butyrate tightens it (acts in health)")
P("b_DF", 0.3, "dimensionless", DIET_MOOD, "S",
  "depressive symptoms lower dietary fibre intake: effective fibre x (1 - b_DF*(depression load above the person's baseline)/27); a brain -> gut route through behaviour")

# ---- skin ----
P("skin_shed", 0.0711, "1/day", "Ovaere 2009 (stratum corneum transit ~14 d); " + LEE + " (delta_B range 0.0029-0.29)", "Q", "desquamation loss of skin microbes, ~1/14 per day")
P("c_skin", 0.5, "dimensionless", GRICE, "S", "relative strength of competition for space between skin taxa")
P("c_fol", 0.25, "dimensionless", FOLLICLE, "S",
  "competition between follicle-dwelling Cutibacterium and the surface taxa (S. epidermidis, S. aureus, Corynebacterium, dry-site mix): "
  "C. acnes lives mainly in the anaerobic, lipid-rich pilosebaceous follicle, the staphylococci on the aerobic surface, so the two share "
  "less space than two surface taxa (half of c_skin; Malassezia, found in both, keeps c_skin)")
P("r_Cu", 1.2, "1/day", "McGinley 1978 AEM 35:62; " + GRICE, "S", "Cutibacterium growth (lipophilic)")
P("r_Se", 1.0, "1/day", GRICE, "S", "S. epidermidis growth")
P("r_Sa", 15.588457268119896, "1/day", LEE, "Q", "S. aureus growth kappa_A (log-midpoint 9-27)")
P("r_Co", 1.0, "1/day", GRICE, "S", "Corynebacterium growth (moist sites)")
P("r_Ma", 0.6, "1/day", FINDLEY, "S", "Malassezia growth (lipid-dependent)")
P("r_Dm", 0.8, "1/day", GRICE, "S", "dry-site mix (beta-Proteobacteria, Flavobacteriales) growth")
P("gamma_AB", 587.0, "dimensionless", LEE, "Q",
  "barrier inhibition of S. aureus growth at the person's median skin patch (log-midpoint of 58.7-5870); patches spread around it log-logistically (n_patch)"
  + pop_fit("gamma_AB", 587.0, "low", "eczema", "eczema prevalence 7.3% and moderate and severe shares 28.9% and 11.0% of cases (Chiesa Fuxench 2019; the moderate share is missed)"))
P("delta_AE", 4.78, "1/day", LEE, "Q",
  "S. epidermidis kills S. aureus: the low end of Lee 2024's range (4.78-478/day) (was 0.478, 10x below the range)")
P("E_pth", 0.1, "dimensionless", LEE, "Q", "S. epidermidis presence half-saturation (A_th/A_max ~ 0.1)")
P("A_th", 0.1, "dimensionless", LEE, "Q", "S. aureus agr threshold relative to carrying capacity (1.1e8/1.1e9)")
P("kappa_B", 0.0711, "1/day", LEE, "Q", "barrier recovery rate (log-midpoint)")
P("delta_BA", 1.0, "1/day", LEE, "Q", "barrier damage by agr-active S. aureus at carrying capacity (1e-9 per cell x 1.1e9): acts in lesions")
PC("gamma_K", 0.13, "dimensionless", ROBLES,
   "cortisol rise slows barrier recovery: ~10% slower 2 h after a TSST-like response (K/K0 ~ 1.85)", "Robles 2007 (-10% barrier recovery)", fallback_ev="Q")
P("gamma_Sk", 0.3, "dimensionless", MIYANO, "S", "local inflammation slows barrier recovery")
P("delta_BSk", 0.02, "1/day", MIYANO + " (IL-31/IL-4 barrier loss term)", "S", "local inflammation damages the barrier (conservative)")
P("d_AMP", 0.5, "1/day", "Aberg 2007 J Clin Invest 117:3339; Ong 2002 N Engl J Med 347:1151; " + MIYANO + " (SA killing d4/(1+b4 IL-4))", "S",
  "S. aureus killing by epidermal antimicrobial peptides (LL-37, beta-defensins) at baseline AMP activity; stress and Th2 inflammation lower AMP "
  "(d_AMP*AMP), so S. aureus' loss never falls below shedding plus S. epidermidis killing (the earlier form, a relief d_AMP*(1 - AMP) subtracted "
  "from a shedding of 0.07/day, could make the loss negative and let S. aureus grow on intact skin in any stressed person)")
P("b_AMP_K", 1.0, "dimensionless", "Aberg 2007 J Clin Invest 117:3339 (psychological stress lowers epidermal CAMP and mBD3 via glucocorticoids)", "S",
  "cortisol rise suppresses AMP expression: AMP = 1/(1 + b_AMP_K*cortisol_rise)")
P("b_AMP_Sk", 1.0, "dimensionless", "Ong 2002 N Engl J Med 347:1151; Howell 2006 Immunity 24:341; " + MIYANO, "S",
  "IL-4/IL-13 suppress AMP induction: AMP = 1/(1 + b_AMP_Sk*(Sk - 1)) (Miyano 2022 S. aureus QSP form d4/(1 + b4 IL-4)); below-baseline inflammation lifts AMP (floor -0.5)")
P("e_emol", 1.0, "dimensionless", "Tanaka 2018 J Theor Biol 448:66 (emollient as barrier effect)", "S", "emollient speeds barrier recovery")
P("delta_topical_Sa", 3.0, "1/day", LEE, "Q", "topical antibiotic kill of S. aureus (0-5/day)")
P("delta_topical_comm", 1.0, "1/day", LEE, "S", "topical antibiotic kill of commensals")
P("k_agr", 2.0, "dimensionless", MIYANO, "S", "agr-active S. aureus -> IL-4/13-like local inflammation")
P("k1_agr", 10.0, "dimensionless", MIYANO, "S", "a_agr = tanh(k1 SA/(1+b1 SE))")
P("b1_agr", 10.0, "dimensionless", MIYANO, "S", "S. epidermidis dampens S. aureus agr")
P("alpha_I_skin", 0.5, "dimensionless", ABDI + "; " + HUANG, "S",
  "systemic inflammation -> skin inflammation; signed (below-baseline systemic tone calms the skin: a gut -> skin route that acts in health)")
P("g_butB", 0.1, "dimensionless", TROMPETTE, "S",
  "gut butyrate (relative to baseline) -> skin barrier recovery: kappa x (1 + g_butB*(butyrate - 1)); signed, so more fibre or butyrate producers help in health")
P("a_Cu_stress", 0.0, "1/day", TYSON, "S", "cortisol/sebum -> Cutibacterium: direction unresolved, default 0", None, None)
P("g_sweat", 0.1, "dimensionless", SWEAT, "S",
  "emotional (sympathetic, cholinergic) eccrine sweating at face and axilla, independent of cortisol: per unit perceived stress "
  "(1 = exam-like) the time-averaged surface moisture of these sites moves 10% of the way to saturation, moisture + g_sweat*stress*(1 - moisture); "
  "set from physiology before any cohort outcome was seen (psychological sweating is episodic; ~10% of the day wet at exam-like stress)")
P("g_sebum", 0.0, "dimensionless", ZOUBOULIS, "S",
  "stress -> cutaneous CRH -> sebocyte lipogenesis: sebum x (1 + g_sebum*perceived stress) at every site. In vitro only, no in-vivo "
  "magnitude: default 0; hypothesis-table reference gain 0.25 (+25% sebum at exam-like stress)")
P("g_apocrine", 0.0, "1/day", APOCRINE, "S",
  "emotional stress -> adrenergic apocrine secretion in the axilla -> nutrients for axillary Corynebacterium and staphylococci: extra per-capita growth "
  "g_apocrine*perceived stress of axillary Corynebacterium and S. epidermidis; no in-vivo magnitude: default 0 (benchmarks/cohort.md hypothesis table)")
# ---- eczema as a population of patches (Lee 2024 virtual sites; Miyano 2021 EASI mapping) ----
P("n_patch", 2.5, "dimensionless", LEE + " (virtual sites: gamma_AB spans 58.7-5870 across sites)", "S",
  "shape of the log-logistic spread of barrier inhibition gamma_AB across the patches of one person's skin site: the 5-95% range of patches spans "
  "19^(2/2.5) = 10.6-fold (one of the two decades Lee 2024 sample across virtual sites); lower n gives more graded disease")
P("K_A", 11.5, "dimensionless", LEE, "S",
  "log growth S. aureus needs to reach its agr threshold from the healthy-skin level (ln(A_th/1e-6) = 11.5): a patch whose healthy state has just "
  "lost stability at margin d (in ln gamma) turns lesional after K_A/(loss*d) days, so the lesional front advances at (loss/K_A)*d^2 per day")
PC("c_on", 1.0, "dimensionless", LEE + "; explicit patch model (modelfile/patches_test.go)",
   "multiplier of the front's onset speed (loss/K_A)*d^2", "the explicit 200-patch model (patch test)")
PC("c_off", 1.0, "dimensionless", LEE + "; explicit patch model (modelfile/patches_test.go)",
   "remission speed of the lesional front: c_off*loss_L per unit log-distance above the persistence threshold (lesional S. aureus dies back at its loss rate once its lesional state is gone)",
   "the explicit 200-patch model (patch test)")
P("f_vis", 0.01, "dimensionless", EASI_REF + "; EASI area score 1 = 1-9% of a region (Hanifin 2001; HOME EASI guidance); PASI likewise (Fredriksson & Pettersson 1978)", "S",
  "smallest lesional fraction of a body region that an examiner scores: 1%, the lower edge of area score 1 (1-9%) of the EASI and PASI area scales "
  "(below it the scale's own bands give no score; 1% of the head and neck is ~18 cm^2); below it the region scores 0. Was 0.5% (a hand choice) until "
  "session 8: with 0.5% the eczema cases split 69/19/12% mild/moderate/severe at the best log-normal (Chiesa Fuxench 2019: 60/29/11%), with 1% 63/26/12% "
  "(benchmarks/prevalence.md, profile over f_vis); the value is the scale's edge, not the profile's optimum (1.4%)")
P("B_xer", 0.065, "dimensionless", LEE + " (damaged-state barrier at the log-midpoint: modelfile/lee_test.go); " + ORANJE + "; " + HON2008, "S",
  "barrier of uninvolved skin at which SCORAD's dryness item scores 3 (severe): the barrier of Lee 2024's fully damaged state, so dryness runs from 0 "
  "at an intact barrier to 3 at a lesion's barrier, linear in the barrier deficit. The anchor and the linearity are assumptions (S); the sign is "
  "Hon 2008's (skin hydration r = -0.55 and TEWL r = 0.60 with SCORAD, forearm, 44 children)")
P("sig_scorad", 2.0, "dimensionless", KUNZ, "S",
  "SCORAD subjective symptoms (itch + sleep loss, 0-20) = 20 x lesion intensity x A/(A + sig_scorad), A the extent in % of the body: symptoms "
  "saturate above a few percent of the body")
# ---- psoriasis (Shmarov 2022 patch switch) ----
P("ps_theta", 27.0, "dimensionless", SHMAROV + " (saddle-node of the healthy state at dc_act 1907.0 vs 1880: models/shmarov2022.yaml)", "Q",
  "extra dendritic-cell influx at which a patch's healthy state vanishes; the psoriatic state persists down to dc_act 1036.9, i.e. for any extra "
  "influx >= 0, so a plaque stays until treated (no remission without therapy in Shmarov's model)")
P("ps_D0", 0.3, "dimensionless", SHMAROV + "; " + ABDI, "S",
  "a person's pro-psoriatic drive at baseline Th17 tone (extra dendritic-cell influx at the median patch); genetics and environment"
  + pop_fit("ps_D0", 0.3, "high", "psoriasis", "psoriasis prevalence 3.0% (Armstrong 2021) and ~17% of cases moderate to severe (Kurd 2009)"))
P("n_ps", 2.0, "dimensionless", SHMAROV + " (per-patient parameters differ)", "S", "shape of the log-logistic spread of patch sensitivity to the drive")
P("g_S_ps", 0.3, "dimensionless", "Snast 2018 Dermatology 234:160 (stress precedes psoriasis flares); Rousset 2020 Eur J Dermatol 30:47", "S", "perceived stress raises the pro-psoriatic drive (neurogenic inflammation)")
P("k_on_ps", 0.05, "1/day", SHMAROV + " (a plaque develops over weeks: models/scenarios/shmarov2022.yaml)", "S",
  "speed at which the psoriatic front follows a rising drive (1/20 days, the time the standalone model takes to build a plaque after the stimulus)")
P("q_plaque", 0.5, "dimensionless", PASI_REF, "S",
  "PASI intensity of a plaque at Shmarov's psoriatic reference state: erythema, induration and desquamation each 2 of 4 (a moderate chronic plaque)")
P("alpha_ps", 0.5, "dimensionless", SHMAROV + "; Dowlati-like systemic IL-17/TNF spill-over (S)", "S",
  "psoriatic plaques (fraction of body surface) -> systemic inflammatory tone")
for r, w, bsa, c in [("head", 0.1, 0.09, 1.5), ("upper", 0.2, 0.18, 1.2), ("trunk", 0.3, 0.36, 1.0), ("lower", 0.4, 0.36, 1.2)]:
    P("ps_c_" + r, c, "dimensionless", "Augustin 2010 Acta Derm Venereol 90:147 (scalp and extensor limbs most often involved)", "S",
      "relative psoriasis susceptibility of the %s region (scalp and extensor surfaces most affected)" % r)
# ---- acne ----
P("acne_s0", 0.07, "dimensionless", LEHMANN + "; " + ISOTRET, "S",
  "a person's follicular susceptibility (hyperkeratinisation, androgens) at the median follicle"
  + pop_fit("acne_s0", 0.07, "high", "acne", "clinical facial acne in adults over 25, 7.5% (Goulden 1999: the mean of 3% of men and 12% of women; median only, sdlog set by hand)"))
P("n_acne", 2.0, "dimensionless", LEHMANN, "S", "shape of the log-logistic spread of follicle susceptibility")
P("g_I_acne", 0.5, "dimensionless", "Kistowska 2014 J Invest Dermatol 134:2015 (C. acnes activates the inflammasome)", "S", "systemic inflammation -> acne drive (signed)")
P("tau_acne", 10.0, "day", "Do 2008 J Am Acad Dermatol 58:603 (inflammatory lesions last ~1-2 weeks)", "S", "lifetime of an inflamed follicle")
P("N_fol", 400.0, "dimensionless", LEHMANN, "S", "acne-prone facial follicles: inflammatory lesion count = N_fol x inflamed fraction")
# ---- rosacea (sign-level, every gain S) ----
P("r_dem", 0.05, "1/day", ROSACEA + " (Demodex life cycle ~14 days)", "S", "Demodex population growth on sebum")
P("demodex_load", 1.0, "dimensionless", ROSACEA, "S", "a person's Demodex carrying capacity relative to the population median (higher with age); varies between people")
P("rosacea_s0", 0.2, "dimensionless", ROSACEA, "S", "a person's neurovascular/innate susceptibility (TLR2, cathelicidin)"
  + pop_fit("rosacea_s0", 0.2, "high", "rosacea", "rosacea prevalence 5.46% (Gether 2018; median only, sdlog set by hand)"))
P("n_ros", 3.0, "dimensionless", ROSACEA, "S", "shape of the spread of facial-unit susceptibility")
P("g_I_ros", 0.5, "dimensionless", ROSACEA, "S", "systemic inflammation -> rosacea drive (signed)")
P("g_S_ros", 0.5, "dimensionless", ROSACEA + "; Gallo 2018 (stress is a flushing trigger)", "S", "perceived stress -> rosacea drive")
P("g_trig", 1.0, "dimensionless", ROSACEA, "S", "rosacea triggers (heat, alcohol, spicy food, UV; input rosacea_trigger, 1 = a typical trigger day) -> rosacea drive")
P("tau_ros", 14.0, "day", ROSACEA, "S", "relaxation of rosacea activity (flares over days to weeks)")
# ---- mood: depression and anxiety ----
P("D0", 2.0, "score", PHQ9 + "; Brody 2018 NCHS Data Brief 303 and MMWR 2018 67:287 (NHANES 2013-2016: 76.3% of US adults score 0-4, 8.1% >= 10); Tomitaka 2018 BMC Psychiatry doi 10.1186/s12888-018-1696-9 (PHQ-9 totals fall off exponentially)", "S",
  "a person's baseline depressive symptom load on the PHQ-9 scale"
  + pop_fit("D0", 2.0, "high", "depression", "PHQ-9 >= 10 in 8.1% and 0-4 in 76.3% of US adults (Brody 2018 and MMWR 2018, NHANES; shape and scale; gamma after Tomitaka 2018, chosen once the log-normal's >= 15 share had missed, so that share is compared, not held out)"))
P("A0", 2.0, "score", GAD7 + " (general population mean ~3, 5% >= 10); Tomitaka & Furukawa 2021 BMC Psychol doi 10.1186/s40359-021-00657-9 (GAD-7 items follow the PHQ-8's exponential pattern)", "S", "a person's baseline anxiety symptom load on the GAD-7 scale"
  + pop_fit("A0", 2.0, "high", "anxiety", "GAD-7 >= 10 in ~5% of adults and their mean GAD-7 2.95 (Loewe 2008; shape and scale; gamma after Tomitaka & Furukawa 2021, chosen once the log-normal's >= 15 share had missed, so that share is compared, not held out)"))
P("tau_D", 14.0, "day", PHQ9 + " (a two-week symptom window); Kendler 2010 (episodes build over weeks)", "S", "relaxation time of the depressive symptom load")
P("tau_A", 7.0, "day", GAD7 + " (a two-week window)", "S", "relaxation time of the anxiety symptom load")
PC("a_ID", 0.5, "score", REICH, "depressive symptoms (PHQ-9 points) per unit of inflammatory tone above baseline, acute (sickness behaviour); signed",
   "Reichenberg 2001 depressed mood ES 0.66")
PC("a_IA", 0.5, "score", REICH, "anxiety symptoms (GAD-7 points) per unit of inflammatory tone above baseline, acute; signed", "Reichenberg 2001 anxiety ES 0.55")
P("a_GRD", 3.0, "score", GUPTA + "; " + MILLER + "; Heim 2000 Psychoneuroendocrinology 25:1 (hypocortisolism in stress-related disorders)", "S",
  "PHQ-9 points when the GR switch sits in its dysregulated state")
P("a_GRA", 2.0, "score", GUPTA + "; Heim 2000", "S", "GAD-7 points when the GR switch sits in its dysregulated state")
COHEN2016 = "Cohen 2016 JAMA Dermatol 152:73 (NHANES 2009-2012: mean PHQ-9 4.54 (SD 5.7) in 351 adults with psoriasis vs 3.22 (4.3) without)"
PC("a_skinD", 20.0, "score", COHEN2016 + "; " + CHIESA + " (held out)",
   "PHQ-9 points per unit of visible skin-disease burden (lesional fraction of visible skin, psoriasis area, acne and rosacea activity); "
   "Chiesa Fuxench's AD-vs-control HADS differences are held out (benchmarks/prevalence.md, session 12)",
   "the psoriasis-vs-rest PHQ-9 difference of Cohen 2016")
PC("a_skinA", 20.0, "score", COHEN2016 + "; " + CHIESA + " (held out)",
   "GAD-7 points per unit of visible skin-disease burden: a_skinD x 3.41/3.52 (the same standardised effect; NHANES has no GAD-7)",
   "Cohen 2016 through a_skinD")
P("a_butD", 2.0, "score", VALLES, "S", "PHQ-9 points per unit fall of gut butyrate below baseline (signed: more butyrate, fewer symptoms; acts in health)")
P("a_butA", 1.0, "score", VALLES, "S", "GAD-7 points per unit fall of gut butyrate below baseline (signed)")
P("a_SA", 3.0, "score", "Kirschbaum 1993 Neuropsychobiology 28:76 (TSST raises state anxiety)", "S", "GAD-7 points per unit of acute stress (the stress input: episodes)")
P("a_SD", 1.0, "score", "Hammen 2005 Annu Rev Clin Psychol 1:293 (stressful events precede depression)", "S", "PHQ-9 points per unit of acute stress")
P("b_DS", 0.03, "1/score", PSS_MOOD, "S", "depressive symptoms above the person's baseline raise perceived stress (per PHQ-9 point; 1 = exam-like stress)")
P("b_AS", 0.05, "1/score", PSS_MOOD, "S", "anxiety symptoms above the person's baseline raise perceived stress (per GAD-7 point)")
P("W0", 0.8, "dimensionless", "Russell 1989 J Pers Soc Psychol 57:493 (Affect Grid)", "S",
  "wellbeing without symptoms on a 0-1 scale (Affect Grid pleasantness 1 + 8W): the affect summary read by the pss10 and affect_pleasantness "
  "instruments is W0 - 0.5*PHQ9/27 - 0.3*GAD7/21 (no study supplies this scale's mean; chosen so pleasantness averages ~6.8 of 9)")
P("a_Cu", 0.0, "dimensionless", TYSON, "S", "Cutibacterium -> wellbeing: associational only, default 0 (kept for hypothesis runs)", None, None)

SITES = {
    # site: (name, class, env, visibility weight for skin burden)
    "face": ("face (glabella/forehead)", "sebaceous", {"sebum": 0.9, "moisture": 0.4, "temperature": 34.0, "pH": 5.0}, 1.0),
    "scalp": ("scalp", "sebaceous", {"sebum": 0.8, "moisture": 0.45, "temperature": 34.5, "pH": 5.2}, 0.5),
    "axilla": ("axilla", "moist", {"sebum": 0.3, "moisture": 0.9, "temperature": 36.0, "pH": 6.0}, 0.3),
    "forearm": ("volar forearm", "dry", {"sebum": 0.1, "moisture": 0.2, "temperature": 32.0, "pH": 5.3}, 0.7),
}
# EASI/PASI body regions read from the sites (host-models.md has no whole-body map; a documented assumption, S):
# head/neck = mean of face and scalp; upper limbs = forearm (dry limb skin); trunk = axilla (moist, flexural);
# lower limbs = mean of axilla (popliteal flexure) and forearm (dry shins). Weights: EASI/PASI adult region weights
# (head 0.1, upper limbs 0.2, trunk 0.3, lower limbs 0.4); rule of nines for body surface (9, 18, 36, 36%).
REGIONS = [("head", 0.1, 9.0, {"face": 0.5, "scalp": 0.5}), ("upper", 0.2, 18.0, {"forearm": 1.0}),
           ("trunk", 0.3, 36.0, {"axilla": 1.0}), ("lower", 0.4, 36.0, {"axilla": 0.5, "forearm": 0.5})]

# skin taxa: id -> (taxon, rate param, niche dict, topical kill param)
TAXA = [
    ("Cutibacterium", "Cutibacterium acnes", "r_Cu", {"sebum": {"half": 0.25, "hill": 4, "floor": 0.4}}, "delta_topical_comm"),
    ("S_epidermidis", "Staphylococcus epidermidis", "r_Se", {"moisture": {"optimum": 0.8, "width": 0.2, "floor": 0.4}}, "delta_topical_comm"),
    ("S_aureus", "Staphylococcus aureus", None, {}, "delta_topical_Sa"),
    ("Corynebacterium", "Corynebacterium", "r_Co", {"moisture": {"half": 0.6, "hill": 4, "floor": 0.4}}, "delta_topical_comm"),
    ("Malassezia", "Malassezia", "r_Ma", {"sebum": {"half": 0.3, "hill": 2, "floor": 0.4}}, None),
    ("dry_mix", "dry-site mix (beta-Proteobacteria, Flavobacteriales)", "r_Dm", {"sebum": {"half": 0.05, "hill": -2, "floor": 0.4}}, "delta_topical_comm"),
]
NICHE_CITE = {"Cutibacterium": GRICE + "; McGinley 1978 AEM 35:62 (P. acnes on sebum-rich, P. avidum on moist sites); " + RYAN, "S_epidermidis": GRICE, "Corynebacterium": GRICE,
              "Malassezia": FINDLEY + "; Jo 2016 JID", "dry_mix": GRICE}
# The Cutibacterium sebum niche is what isotretinoin acts through (sebum -85%): its floor is fitted to the
# 10-100-fold fall of cheek C. acnes (Ryan-Kewley 2017).
CALIBRATED_NICHE = {"Cutibacterium_sebum_floor": "isotretinoin cheek C. acnes 10-100x lower (Ryan-Kewley 2017)"}
for _id, _tax, _rate, _niche, _kill in TAXA:
    for _env, _v in _niche.items():
        for _f, _x in _v.items():
            pid = "%s_%s_%s" % (_id, _env, _f)
            note = "%s niche on %s: %s%s" % (_tax, _env, _f, " (decreasing Hill: 1 - hill)" if _f == "hill" and _x < 0 else "")
            if pid in CALIBRATED_NICHE:
                PC(pid, abs(_x) if _f == "hill" else _x, "dimensionless", NICHE_CITE[_id], note, CALIBRATED_NICHE[pid], 0.0, 1.0)
            else:
                P(pid, abs(_x) if _f == "hill" else _x, "dimensionless", NICHE_CITE[_id], "S", note)
SWEAT_SITES = ("face", "axilla")
APOCRINE_SITES = ("axilla",)
APOCRINE_TAXA = ("S_epidermidis", "Corynebacterium")
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


def q(s):
    """A YAML double-quoted string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def area_score(f):
    """EASI/PASI area score (0-6) of a lesional fraction f of a region, with the visibility floor f_vis."""
    return "piecewise(0, %s < f_vis, 1, %s < 0.1, 2, %s < 0.3, 3, %s < 0.5, 4, %s < 0.7, 5, %s < 0.9, 6)" % ((f,) * 6)


def grade(x, cuts):
    """0 below cuts[0], 1 below cuts[1], 2 below cuts[2], else 3."""
    return "piecewise(0, %s < %r, 1, %s < %r, 2, %s < %r, 3)" % (x, cuts[0], x, cuts[1], x, cuts[2])


rules = []  # (id, math, unit, citation, evidence, note)


def R(id, math, unit="dimensionless", cite="", ev="", note=""):
    rules.append((id, math, unit, cite, ev, note))


states = []  # (id, site, initial, unit, rate, citation, evidence, note, nonneg)


def ST(id, initial, rate, unit="dimensionless", cite="", ev="", note="", site=None, nonneg=False):
    states.append((id, site, initial, unit, rate, cite, ev, note, nonneg))


observables = []


def OB(id, math, unit="dimensionless", cite="", ev="", note=""):
    observables.append((id, math, unit, cite, ev, note))


# ---- HPA ----
R("gamma_P", "ln(2)/t_half_P", "1/day")
R("gamma_A", "ln(2)/t_half_A", "1/day")
R("host.perceived_stress", "stress + stress_chronic + b_DS*pos(host.depression_load - D0) + b_AS*pos(host.anxiety_load - A0)", "dimensionless", GALLEY + "; " + PSS_MOOD, "S",
  "perceived stress: episodes (input) plus the person's chronic level plus symptoms above the person's baseline (depressed and anxious people appraise more stress); what a Perceived Stress Scale measures")
R("drive", "1 + sigma_S*host.perceived_stress + sigma_I*pos(host.inflammation - 1)", "dimensionless", KARIN, "S", "hypothalamic drive u(t)")
# Gupta's hormones at quasi-steady state given the GR state r and stress f: o (1 + o/ki1)(1 + o r/ki2) = (1 + f)/(kcd kad),
# solved by Newton from the upper bound min(c, sqrt(c ki1)) (monotone: the left side is convex and increasing; 5 steps: < 1e-12).
R("gr_f", "k_GRf*(drive - 1)", "dimensionless", GUPTA, "S", "Gupta's stress input f from the hypothalamic drive above baseline")
R("gr_c", "(1 + gr_f)/(gr_kcd*gr_kad)")
R("gr_o0n", "min(gr_c, sqrt(gr_c*gr_ki1))")
for k in range(1, 6):
    o = "gr_o%dn" % (k - 1)
    R("gr_o%dn" % k, "%s - (%s*(1 + %s/gr_ki1)*(1 + %s*host.GR/gr_ki2) - gr_c)/((1 + %s/gr_ki1)*(1 + %s*host.GR/gr_ki2) + %s/gr_ki1*(1 + %s*host.GR/gr_ki2) + %s*(1 + %s/gr_ki1)*host.GR/gr_ki2)"
      % (o, o, o, o, o, o, o, o, o, o), note="Newton step (monotone from above)")
R("host.gr_cortisol", "gr_o5n", "dimensionless", GUPTA, "Q", "Gupta's free cortisol o at quasi-steady state (scaled units)")
R("gr_phi", "(1 + gr_o0*gr_r0/gr_ki2)/(1 + host.gr_cortisol*host.GR/gr_ki2)", "dimensionless", GUPTA + " (eq. 10)", "S",
  "GR-mediated inhibition of ACTH release relative to the normal state, applied to the Karin pituitary output (Karin's gland masses compensate over weeks)")
R("cortisol_target", "sqrt(drive*host.P*host.A*gr_phi)", note="QSS of CRH and ACTH: x(1+(x/K_GR)^n_GR) = sqrt(u P A phi)")
R("cortisol_n0", "min(cortisol_target, (cortisol_target*K_GR^n_GR)^(1/(n_GR + 1)))", note="upper bound of the root")
for k in range(1, 6):
    x = "cortisol_n%d" % (k - 1)
    R("cortisol_g%d" % (k - 1), "(%s/K_GR)^n_GR" % x)
    R("cortisol_n%d" % k, "%s - (%s*(1 + cortisol_g%d) - cortisol_target)/(1 + (n_GR + 1)*cortisol_g%d)" % (x, x, k - 1, k - 1), note="Newton step (monotone from above)")
R("host.cortisol", "cortisol_n5", "dimensionless", KARIN, "Q", "cortisol at quasi-steady state (t1/2 80 min << days)")
R("GR", "1/((host.cortisol/K_GR)^n_GR + 1)")
R("host.CRH", "drive*GR/host.cortisol", "dimensionless", KARIN, "Q")
R("host.ACTH", "host.CRH*host.P*GR*gr_phi", "dimensionless", KARIN, "Q")
R("cortisol_rise", "pos(host.cortisol/cortisol0 - 1)")
R("gc_inhibition", "(1 + (cortisol0/K_GC)^h_GC)/(1 + (host.cortisol/K_GC)^h_GC)")
R("host.hpa_dysregulation", "min(1, pos((host.GR - gr_r0)/(gr_rhigh - gr_r0)))", "dimensionless", GUPTA, "Q", "0 at the normal GR state, 1 at the dysregulated one")
# ---- immune ----
R("host.Th17", "pos(1 + a_I17*(host.inflammation - 1) - theta_T17*(host.Treg/Treg0 - 1))", "dimensionless", ABDI, "S", "Th17/IL-17 tone relative to baseline")
# ---- gut ----
B0 = init("gut.butyrate_producers", 0.125) + init("gut.specialists", 0.02)
R("fibre_eff", "fibre*pos(1 - b_DF*pos(host.depression_load - D0)/27)", "dimensionless", DIET_MOOD, "S", "fibre intake with the depression effect on diet")
R("gut.butyrate", "fibre_eff*(gut.butyrate_producers + y_spec*gut.specialists)/%r" % B0, "dimensionless", SCFA, "Q",
  "luminal butyrate relative to baseline, at quasi-steady state (mu_B = 166.3/day) proportional to producers and fibre")
R("gut.permeability", "Pi0*(1 + beta_K*cortisol_rise + beta_I*pos(host.inflammation - 1))*(1 + beta_S)/(1 + beta_S*gut.butyrate)", "dimensionless", VAN, "Q",
  "lactulose/mannitol-like ratio at quasi-steady state (tight junctions respond within hours, Vanuytsel 2014 2-h test)")
R("pro_sat", "gut.probiotic/(gut.probiotic + P_T50)", "dimensionless", HUANG, "S", "probiotic effect saturation (half at the dosing level)")

# ---- skin sites ----
for s in ("face", "axilla"):
    R("%s.Cu_share" % s, "%s.Cutibacterium/max(%s, 1.0e-300)" % (s, " + ".join("%s.%s" % (s, t[0]) for t in TAXA)), note="relative abundance of Cutibacterium (Tyson-Carr measure)")
BUT = "pos(1 + g_butB*(gut.butyrate - 1))"


def eczema_site_rules(s, R, inputs):
    """Rules of one site's skin: environment, S. aureus drivers, non-lesional and lesional states, the patch
    thresholds gamma_on/gamma_off and the lesional fraction. inputs maps the driver names (cortisol_rise,
    inflammation, butyrate, emollient, irritant, topical) to expressions, so the patch-test fixtures can drive the
    same equations from inputs."""
    I = inputs
    sp0 = " + ".join("%s*%s.%s" % ("c_fol" if comp("S_aureus", t[0]) == C_FOL else "c_skin", s, t[0]) for t in TAXA if t[0] != "S_aureus")
    R("%s.space0" % s, "1 - (%s)" % sp0, "dimensionless", LEE + "; " + FOLLICLE, "S", "free space for S. aureus left by the commensals (logistic capacity of S. aureus)")
    R("%s.Sa_space" % s, "%s.space0 - %s.S_aureus" % (s, s), note="free space for colonising S. aureus")
    R("%s.sw_A" % s, "hill(%s.S_aureus, A_th, 4)" % s, "dimensionless", LEE, "Q", "smooth agr switch")
    R("%s.sw_E" % s, "hill(%s.S_epidermidis, A_th, 4)" % s, "dimensionless", LEE, "Q")
    R("%s.kill_SE" % s, "delta_AE*%s.sw_E*%s.S_epidermidis/(%s.sw_E*%s.S_epidermidis + E_pth)" % (s, s, s, s), "1/day", LEE, "Q", "S. aureus killing by agr-active S. epidermidis")
    R("%s.a_agr" % s, "tanh(k1_agr*%s.S_aureus*%s.sw_A/(1 + b1_agr*%s.S_epidermidis))" % (s, s, s), "dimensionless", MIYANO, "S")
    R("%s.inflammation" % s, "1 + k_agr*%s.a_agr + alpha_I_skin*(%s - 1)" % (s, I["inflammation"]), "dimensionless", MIYANO, "S",
      "local IL-4/13-like inflammation of non-lesional skin at quasi-steady state (cytokine turnover of hours), 1 at baseline; signed systemic part")
    R("%s.AMP" % s, "1/((1 + b_AMP_K*%s)*(1 + b_AMP_Sk*max(%s.inflammation - 1, -0.5)))" % (I["cortisol_rise"], s), "dimensionless",
      "Aberg 2007 J Clin Invest 117:3339; Ong 2002 N Engl J Med 347:1151", "S", "epidermal antimicrobial peptide activity relative to baseline")
    R("%s.kappa" % s, "kappa_B*(1 + e_emol*%s)*%s/(1 + gamma_K*%s + gamma_Sk*pos(%s.inflammation - 1))" % (I["emollient"], I["butyrate"], I["cortisol_rise"], s),
      "1/day", LEE + "; " + ROBLES + "; " + TROMPETTE, "Q", "barrier recovery rate of non-lesional skin")
    R("%s.loss_h" % s, "skin_shed + %s.kill_SE + d_AMP*%s.AMP + delta_topical_Sa*%s" % (s, s, I["topical"]), "1/day", LEE, "Q",
      "per-capita loss of S. aureus on healthy skin at low density")
    R("%s.gamma_on" % s, "(r_Sa*%s.space0/max(%s.loss_h, 0.001) - 1)/max(%s.barrier, 0.001)" % (s, s, s), "dimensionless", LEE, "Q",
      "barrier inhibition below which a patch's healthy state is unstable: S. aureus grows at low density when r_Sa*space/(1 + gamma*B) > loss")
    R("%s.inflammation_L" % s, "1 + k_agr*tanh(k1_agr*%s.space0/(1 + b1_agr*%s.S_epidermidis)) + alpha_I_skin*(%s - 1)" % (s, s, I["inflammation"]),
      "dimensionless", MIYANO, "S", "local inflammation in a lesion (agr-active S. aureus filling its space)")
    R("%s.AMP_L" % s, "1/((1 + b_AMP_K*%s)*(1 + b_AMP_Sk*pos(%s.inflammation_L - 1)))" % (I["cortisol_rise"], s), "dimensionless", "Ong 2002 N Engl J Med 347:1151", "S")
    R("%s.kappa_L" % s, "kappa_B*(1 + e_emol*%s)*%s/(1 + gamma_K*%s + gamma_Sk*pos(%s.inflammation_L - 1))" % (I["emollient"], I["butyrate"], I["cortisol_rise"], s),
      "1/day", LEE + "; " + ROBLES, "Q", "barrier recovery rate in a lesion")
    R("%s.dmg_L" % s, "delta_BSk*pos(%s.inflammation_L - 1) + %s" % (s, I["irritant"]), "1/day", MIYANO, "S", "barrier damage in a lesion besides S. aureus (IL-31/scratching, irritants)")
    R("%s.loss_L" % s, "skin_shed + %s.kill_SE + d_AMP*%s.AMP_L + delta_topical_Sa*%s" % (s, s, I["topical"]), "1/day", LEE, "Q")
    R("%s.u_L" % s, "%s.space0 - %s.loss_L/r_Sa" % (s, s), "dimensionless", LEE, "Q", "S. aureus a lesion could hold with no barrier at all")
    R("%s.gamma_off" % s, "if(%s.u_L <= 0, 1.0e-6, if(delta_BA*%s.u_L > %s.kappa_L + %s.dmg_L, (%s.kappa_L + %s.dmg_L + delta_BA*%s.u_L)^2/(4*delta_BA*%s.kappa_L*%s.loss_L/r_Sa), %s.u_L*(%s.kappa_L + %s.dmg_L)/(%s.kappa_L*%s.loss_L/r_Sa)))"
      % ((s,) * 14), "dimensionless", LEE, "Q",
      "barrier inhibition below which a lesion persists: the lesional equilibrium A = u - (loss/r)(1 + gamma B), B = kappa/(kappa + dmg + delta_BA A) "
      "exists (saddle-node of the Lee 2024 core at (kappa + dmg + delta_BA u)^2 = 4 delta_BA kappa gamma loss/r)")
    R("%s.eczema_area" % s, "1/(1 + exp(n_patch*(ln(gamma_AB) - %s.eczema_front)))" % s, "dimensionless", LEE + " (virtual sites)", "S",
      "fraction of the site's skin that is lesional: the patches with gamma below the front (log-logistic spread n_patch around gamma_AB)")
    eczema_front_rules(s, R)
    R("%s.gamma_nl" % s, "gamma_AB*exp(ln((1 + %s.eczema_area)/(1 - %s.eczema_area + 1.0e-12))/n_patch)" % (s, s), "dimensionless", LEE, "S",
      "barrier inhibition of the median non-lesional patch (the colonising S. aureus of the community grows on non-lesional skin)")


def eczema_front_rate(s):
    return "c_on*%s.front_g^2/(K_A*(max(%s.loss_h, 0.01) + %s.front_g)) - c_off*max(%s.loss_L, 0.01)*pos(%s.eczema_front - ln(max(%s.gamma_off, 1.0e-6)))" % (s, s, s, s, s, s)


def eczema_front_rules(s, R):
    """Onset speed of the lesional front. A patch at log-distance d below the instability threshold (gamma =
    gamma_on e^-d) grows S. aureus at g(d) = loss (e^d - 1) (for gamma*B >> 1; capped at the free-space growth
    r_Sa*space0) and turns lesional after K_A/g days, so the front (the patches flipped by time t) advances at
    g^2/(K_A (loss + g)): ~ (loss/K_A) d^2 near the threshold, ~ g/K_A far from it."""
    R("%s.front_gap" % s, "pos(ln(max(%s.gamma_on, 1.0e-6)) - %s.eczema_front)" % (s, s), "dimensionless", LEE, "S", "log-distance of the instability threshold above the lesional front")
    R("%s.front_g" % s, "min(max(%s.loss_h, 0.01)*(exp(min(%s.front_gap, 20)) - 1), r_Sa*%s.space0)" % (s, s, s), "1/day", LEE, "S",
      "S. aureus growth rate of the patches at the front (the first to flip)")


def eczema_lesion_observables(s, OB):
    """Quasi-steady S. aureus and barrier of the median lesion, its intensity (Miyano EASI form), used by the scores."""
    OB("%s.gamma_rep" % s, "gamma_AB*exp((ln(max(%s.eczema_area, 1.0e-12)) - ln(2 - %s.eczema_area))/n_patch)" % (s, s), "dimensionless", LEE, "S",
       "barrier inhibition of the median lesional patch")
    k1 = "(%s.kappa_L + %s.dmg_L)" % (s, s)
    OB("%s.S_aureus_L" % s, "pos((delta_BA*%s.u_L - %s + sqrt(pos((%s - delta_BA*%s.u_L)^2 - 4*delta_BA*(%s.loss_L/r_Sa*%s.gamma_rep*%s.kappa_L - %s.u_L*%s))))/(2*delta_BA))"
       % (s, k1, k1, s, s, s, s, s, k1), "dimensionless", LEE, "Q",
       "S. aureus in the median lesion: the upper (stable) root of the lesional equilibrium")
    OB("%s.barrier_L" % s, "%s.kappa_L/(%s + delta_BA*%s.S_aureus_L)" % (s, k1, s), "dimensionless", LEE, "Q", "barrier of the median lesion")
    OB("%s.lesion_intensity" % s, "(2*%s.S_aureus_L + 2*(1 - %s.barrier_L))/4" % (s, s), "dimensionless", MIYANO + " (EASI = 72(2p + 2(1 - s))/4)", "Q",
       "severity of a lesion, 0-1: the Miyano 2021 mapping per unit area (EASI = 72 x this at full extent)")


ECZ_HOST = {"cortisol_rise": "cortisol_rise", "inflammation": "host.inflammation", "butyrate": BUT, "emollient": None, "irritant": None, "topical": None}
for s in SITES:
    R("%s.sebum_eff" % s, "%s.sebum*(1 + g_sebum*host.perceived_stress)*(1 - sebum_suppression)" % s, "dimensionless", ZOUBOULIS + "; " + ISOTRET, "S",
      "sebum output: stress-driven cutaneous CRH lipogenesis (g_sebum, default 0) and isotretinoin-like suppression (input sebum_suppression)")
    if s in SWEAT_SITES:
        R("%s.moisture_eff" % s, "min(1, %s.moisture + g_sweat*host.perceived_stress*(1 - %s.moisture))" % (s, s), "dimensionless", SWEAT, "S",
          "surface moisture with emotional sweating (acts in cortisol non-responders too)")
    else:
        R("%s.moisture_eff" % s, "%s.moisture" % s, note="no emotional sweating at this site")
    d = dict(ECZ_HOST, emollient="emollient.%s" % s, irritant="irritant.%s" % s, topical="abx_topical.%s" % s)
    eczema_site_rules(s, R, d)
R("skin_inflammation", "(%s)/4" % " + ".join("(1 - %s.eczema_area)*pos(%s.inflammation - 1) + %s.eczema_area*pos(%s.inflammation_L - 1)" % (s, s, s, s) for s in SITES),
  "dimensionless", MIYANO, "S", "local skin inflammation above baseline, area-weighted over non-lesional and lesional skin, mean of the four sites")
VIS = sum(SITES[s][3] for s in SITES)
R("host.eczema_burden", "(%s)/%r" % (" + ".join("%r*%s.eczema_area" % (SITES[s][3], s) for s in SITES), VIS), "dimensionless", CHIESA, "S",
  "lesional fraction of visible skin (sites weighted by visibility: face 1, forearm 0.7, scalp 0.5, axilla 0.3)")
# ---- psoriasis ----
R("host.psoriasis_drive", "ps_D0*host.Th17*(1 + g_S_ps*host.perceived_stress)", "dimensionless", SHMAROV + "; " + ABDI, "S",
  "extra dendritic-cell influx at the median patch: the person's drive scaled by Th17 tone and stress")
for r, w, bsa, mix in REGIONS:
    R("host.psoriasis_area_%s" % r, "1/(1 + exp(n_ps*(ln(ps_theta) - ln(ps_c_%s) - host.psoriasis_front)))" % r, "dimensionless", SHMAROV, "S",
      "fraction of the %s region in the psoriatic state: patches whose sensitivity times the largest drive so far exceeded ps_theta" % r)
R("host.psoriasis_bsa", "(%s)" % " + ".join("%r*host.psoriasis_area_%s" % (bsa, r) for r, w, bsa, mix in REGIONS), "dimensionless", PASI_REF, "S",
  "psoriatic body surface area, % (rule of nines)")
# ---- acne ----
R("host.acne_drive", "acne_s0*(face.sebum_eff/face.sebum)*(face.Cutibacterium/%r)*pos(1 + g_I_acne*(host.inflammation - 1))" % init("face.Cutibacterium", 0.8),
  "dimensionless", LEHMANN + "; " + ISOTRET, "S", "sebum x follicular Cutibacterium (relative to baseline) x inflammation, times the person's follicle susceptibility")
# ---- rosacea ----
R("host.rosacea_drive", "rosacea_s0*host.demodex*pos(1 + g_I_ros*(host.inflammation - 1))*(1 + g_trig*rosacea_trigger + g_S_ros*host.perceived_stress)",
  "dimensionless", ROSACEA, "S", "Demodex x innate inflammation x triggers and stress (sign-level)")
R("host.skin_burden", "host.eczema_burden + host.psoriasis_bsa/100 + 0.3*host.acne_activity + 0.3*host.rosacea_activity", "dimensionless", CHIESA, "S",
  "visible skin-disease burden that feeds mood: lesional visible skin, psoriatic body fraction, and acne and rosacea activity (weight 0.3, facial)")

# ---- states ----
ST("host.P", init("host.P", 1.0149448), "gamma_P*host.P*(host.CRH - 1)", cite=KARIN, ev="Q", note="corticotroph mass (no carrying capacity)")
ST("host.A", init("host.A", 0.98527517), "gamma_A*host.A*(host.ACTH - 1)", cite=KARIN, ev="Q", note="adrenal cortex mass")
ST("host.GR", init("host.GR", 0.0809045117), "((host.gr_cortisol*host.GR)^2/(gr_k + (host.gr_cortisol*host.GR)^2) + gr_kcr - gr_krd*host.GR)/t_GR",
   cite=GUPTA + " (eq. 12)", ev="Q", note="pituitary glucocorticoid receptor (Gupta's scaled units): low-GR normal state 0.0809, high-GR dysregulated state 0.548")
ST("host.inflammation", init("host.inflammation", 1.0),
   "d_I*(pos(1 + alpha_Pi*(gut.permeability/Pi0 - 1) + alpha_Sk*skin_inflammation + alpha_ps*host.psoriasis_bsa/100 + k_LPS*endotoxin)*gc_inhibition*pos(1 - theta_T*(host.Treg/Treg0 - 1)) - host.inflammation)",
   cite=WIND, ev="S", note="systemic pro-inflammatory (IL-6-like) tone, 1 at baseline")
ST("host.Treg", init("host.Treg", 0.13), "mu_T*(Treg0 + k_ST*butyrate_scale*(gut.butyrate - 1) + k_proT*pro_sat - host.Treg)", cite=ISLAM, ev="Q", note="blood Treg fraction")
ST("host.depression_load", init("host.depression_load", 2.0),
   "(D0 + a_GRD*host.hpa_dysregulation + a_skinD*host.skin_burden + a_butD*(1 - gut.butyrate) + a_SD*stress - host.depression_load)/tau_D",
   unit="score", cite=PHQ9 + "; " + GUPTA + "; " + CHIESA + "; " + VALLES, ev="S",
   note="slow depressive symptom load on the PHQ-9 scale (the acute inflammatory part is added in host.phq9)")
ST("host.anxiety_load", init("host.anxiety_load", 2.0),
   "(A0 + a_SA*stress + a_GRA*host.hpa_dysregulation + a_skinA*host.skin_burden + a_butA*(1 - gut.butyrate) - host.anxiety_load)/tau_A",
   unit="score", cite=GAD7 + "; " + GUPTA + "; " + CHIESA, ev="S", note="slow anxiety symptom load on the GAD-7 scale")
for s in SITES:
    ST("%s.barrier" % s, init(s + ".barrier", 1.0), "%s.kappa*(1 - %s.barrier) - (delta_BSk*pos(%s.inflammation - 1) + irritant.%s)*%s.barrier" % (s, s, s, s, s),
       cite=LEE + "; " + ROBLES, ev="Q", note="barrier integrity of non-lesional skin, 0-1", site=s, nonneg=True)
    ST("%s.eczema_front" % s, "ln(max(%s.gamma_on, 1.0e-6))" % s, eczema_front_rate(s), cite=LEE + " (virtual sites); patch reduction tested in modelfile/patches_test.go", ev="S",
       note="ln of the barrier inhibition below which the site's patches are lesional: it follows ln(gamma_on) up at (loss/K_A)*gap^2 (new lesions) and "
            "ln(gamma_off) down at the lesional barrier recovery rate (remission); in between it keeps its value (the patches' bistability). "
            "Starts at the current instability front", site=s)
ST("host.psoriasis_front", "ln(max(host.psoriasis_drive, 1.0e-9))", "k_on_ps*pos(ln(max(host.psoriasis_drive, 1.0e-9)) - host.psoriasis_front)",
   cite=SHMAROV, ev="S", note="ln of the largest pro-psoriatic drive the skin has felt (a plaque persists once formed: Shmarov's psoriatic state outlives any fall of the drive)")
ST("host.acne_activity", init("host.acne_activity", 0.0), "(hill(host.acne_drive, 1, n_acne) - host.acne_activity)/tau_acne", cite=LEHMANN, ev="S",
   note="fraction of acne-prone facial follicles inflamed")
ST("host.demodex", init("host.demodex", 1.0), "r_dem*host.demodex*(1 - host.demodex/(demodex_load*face.sebum_eff/face.sebum + 1.0e-9))", cite=ROSACEA, ev="S",
   note="facial Demodex density relative to the population median")
ST("host.rosacea_activity", init("host.rosacea_activity", 0.0), "(hill(host.rosacea_drive, 1, n_ros) - host.rosacea_activity)/tau_ros", cite=ROSACEA, ev="S",
   note="fraction of centrofacial skin with rosacea activity (erythema, papules)")

# ---- scores (observables: output only) ----
for s in SITES:
    eczema_lesion_observables(s, OB)
easi_terms, scorad_a, scorad_i = [], [], []
for r, w, bsa, mix in REGIONS:
    f = "(%s)" % " + ".join("%r*%s.eczema_area" % (c, s) for s, c in mix.items())
    inten = "(%s)" % " + ".join("%r*%s.eczema_area*%s.lesion_intensity" % (c, s, s) for s, c in mix.items())
    OB("host.eczema_area_%s" % r, f, note="lesional fraction of the %s region" % r)
    OB("host.eczema_intensity_%s" % r, "%s/max(%s, 1.0e-12)" % (inten, f), note="area-weighted lesion intensity of the %s region (0-1)" % r)
    easi_terms.append("%r*%s*12*host.eczema_intensity_%s" % (w, area_score("host.eczema_area_" + r), r))
    scorad_a.append("%r*host.eczema_area_%s" % (bsa, r))
    scorad_i.append("%r*host.eczema_area_%s*host.eczema_intensity_%s" % (bsa, r, r))
OB("host.easi", " + ".join(easi_terms), "dimensionless", EASI_REF + "; " + MIYANO, "S",
   "Eczema Area and Severity Index 0-72: per region weight x area score (0-6, with the visibility floor f_vis) x sign sum (4 signs x 0-3 = 12 x lesion intensity)")
OB("host.eczema_extent", " + ".join(scorad_a), "dimensionless", KUNZ, "S", "SCORAD A: eczematous body surface, % (rule of nines)")
OB("host.eczema_lesion_intensity", "(%s)/max(host.eczema_extent, 1.0e-12)" % " + ".join(scorad_i), note="intensity of the representative lesion (0-1)")
WU = {}
for r, w, bsa, mix in REGIONS:
    for site, c in mix.items():
        WU[site] = WU.get(site, 0.0) + bsa*c
OB("host.uninvolved_barrier", "(%s)/max(%s, 1.0e-12)" % (" + ".join("%r*(1 - %s.eczema_area)*%s.barrier" % (w, site, site) for site, w in WU.items()),
   " + ".join("%r*(1 - %s.eczema_area)" % (w, site) for site, w in WU.items())), "dimensionless", ORANJE, "S",
   "barrier of the uninvolved (non-lesional) skin, area-weighted over the body (rule of nines, as SCORAD's extent)")
OB("host.eczema_dryness", "min(1, pos(1 - host.uninvolved_barrier)/(1 - B_xer))", "dimensionless", ORANJE + "; " + HON2008, "S",
   "SCORAD dryness item / 3, scored on uninvolved skin: 0 at an intact barrier, 1 at the barrier of Lee 2024's damaged state (B_xer), linear between")
OB("host.eczema", "host.easi > 0", "dimensionless", EASI_REF, "S", "1 when an examiner sees eczema (a scored region: lesional fraction >= f_vis)")
OB("host.scorad", "if(host.eczema > 0, host.eczema_extent/5 + 3.5*(15*host.eczema_lesion_intensity + 3*host.eczema_dryness) + 20*host.eczema_lesion_intensity*host.eczema_extent/(host.eczema_extent + sig_scorad), 0)",
   "dimensionless", KUNZ + "; " + ORANJE, "S", "SCORAD = A/5 + 7B/2 + C: extent A %, intensity B (five signs of the representative lesion, 0-3 each = 15 x lesion "
   "intensity, plus dryness of uninvolved skin, 0-3 = 3 x host.eczema_dryness), symptoms C (0-20)")
OB("host.eczema_grade", "if(host.eczema > 0, piecewise(1, host.easi <= 7, 2, host.easi <= 21, 3), 0)",
   "dimensionless", EASI_REF, "S", "EASI bands (Leshem 2015): 1 mild (<= 7), 2 moderate (7.1-21), 3 severe (> 21). Not SCORAD: the model's lesions sit "
   "at the Lee 2024 damaged state in every person (lesion intensity 0.62-0.76 whatever the extent), so the five lesion signs of SCORAD's intensity "
   "term (7B/2) are near their maximum for any lesion (only dryness, scored on uninvolved skin, follows the barrier) and SCORAD reads >= 40 from "
   "the first lesion; EASI weighs intensity by extent")
pasi_terms = ["%r*%s*12*q_plaque" % (w, area_score("host.psoriasis_area_" + r)) for r, w, bsa, mix in REGIONS]
OB("host.pasi", " + ".join(pasi_terms), "dimensionless", PASI_REF + "; " + SHMAROV, "S",
   "Psoriasis Area and Severity Index 0-72: region weight x area score x (erythema + induration + desquamation, 0-4 each: 12 x q_plaque at Shmarov's plaque)")
OB("host.psoriasis", "host.pasi > 0", "dimensionless", PASI_REF, "S", "1 when a region carries visible plaques (lesional fraction >= f_vis)")
OB("host.psoriasis_grade", "if(host.psoriasis > 0, piecewise(1, host.psoriasis_bsa < 3, 2, host.psoriasis_bsa <= 10, 3), 0)", "dimensionless", PASI_REF, "S",
   "body surface bands (AAD 2008): 1 mild (< 3%), 2 moderate (3-10%), 3 severe (> 10%)")
OB("host.acne_lesions", "N_fol*host.acne_activity", "dimensionless", LEHMANN, "S", "inflammatory acne lesions on the face")
OB("host.acne", "host.acne_lesions >= 5", "dimensionless", LEHMANN + "; Perkins 2012 J Womens Health 21:223 ('clinical acne' on photographs)", "S",
   "1 with at least 5 inflammatory lesions (clinical acne; fewer is 'almost clear')")
OB("host.acne_grade", "if(host.acne > 0, piecewise(1, host.acne_lesions < 15, 2, host.acne_lesions <= 50, 3), 0)", "dimensionless", LEHMANN, "S",
   "Lehmann 2002 inflammatory-lesion bands: 1 mild (< 15), 2 moderate (15-50), 3 severe (> 50)")
OB("host.rosacea_iga", "piecewise(0, host.rosacea_activity < 0.02, 1, host.rosacea_activity < 0.05, 2, host.rosacea_activity < 0.15, 3, host.rosacea_activity < 0.35, 4)",
   "dimensionless", ROSACEA, "S", "investigator's global assessment 0-4 (clear, almost clear, mild, moderate, severe) read from the active fraction (S)")
OB("host.rosacea", "host.rosacea_iga >= 2", "dimensionless", ROSACEA, "S", "1 at IGA mild or worse")
OB("host.rosacea_grade", "if(host.rosacea > 0, host.rosacea_iga - 1, 0)", "dimensionless", ROSACEA, "S", "1 mild (IGA 2), 2 moderate (IGA 3), 3 severe (IGA 4)")
OB("host.phq9", "min(27, pos(host.depression_load + a_ID*(host.inflammation - 1)))", "score", PHQ9 + "; " + REICH, "S",
   "depressive symptoms on the PHQ-9 scale (0-27): slow load plus the acute effect of inflammation (signed)")
OB("host.gad7", "min(21, pos(host.anxiety_load + a_IA*(host.inflammation - 1)))", "score", GAD7 + "; " + REICH, "S",
   "anxiety symptoms on the GAD-7 scale (0-21): slow load plus the acute effect of inflammation (signed)")
OB("host.depression", "host.phq9 >= 10", "dimensionless", PHQ9, "Q", "PHQ-9 >= 10 (major depression; sensitivity and specificity 88%, Kroenke 2001)")
OB("host.depression_grade", "if(host.depression > 0, piecewise(1, host.phq9 < 15, 2, host.phq9 < 20, 3), 0)", "dimensionless", PHQ9, "Q",
   "1 moderate (10-14), 2 moderately severe (15-19), 3 severe (>= 20)")
OB("host.anxiety", "host.gad7 >= 10", "dimensionless", GAD7, "Q", "GAD-7 >= 10 (generalised anxiety disorder; sensitivity 89%, specificity 82%, Spitzer 2006)")
OB("host.anxiety_grade", "if(host.anxiety > 0, piecewise(2, host.gad7 < 15, 3), 0)", "dimensionless", GAD7, "Q", "2 moderate (10-14), 3 severe (>= 15); mild (5-9) is below the case threshold")
OB("host.wellbeing", "min(1, pos(W0 - 0.5*host.phq9/27 - 0.3*host.gad7/21 + a_Cu*(face.Cu_share + axilla.Cu_share)))", "dimensionless", "Russell 1989 (Affect Grid); " + PHQ9, "S",
   "affect summary 0-1 read by the affect_pleasantness instrument (1 + 8W)")
CONDITIONS = [
    ("eczema", "atopic dermatitis (eczema)", "host.eczema", "host.eczema_grade", [("easi", "host.easi"), ("scorad", "host.scorad")],
     "visible eczematous lesions: a body region with at least f_vis (1%) of its skin in the lesional (S. aureus-dominated, damaged-barrier) state of the Lee 2024 core",
     "EASI <= 7 mild, 7.1-21 moderate, > 21 severe (Leshem 2015); SCORAD also reported (Kunz 1997 bands < 25, 25-50, > 50 overstate the model's mild disease: its lesions are all at the damaged state, only SCORAD's dryness item, on uninvolved skin, is graded)",
     KUNZ + "; " + EASI_REF + "; " + CHIESA + " (prevalence 7.3%; mild 60.1%, moderate 28.9%, severe 11.0%)"),
    ("psoriasis", "psoriasis vulgaris", "host.psoriasis", "host.psoriasis_grade", [("pasi", "host.pasi"), ("psoriasis_bsa", "host.psoriasis_bsa")],
     "visible plaques: a body region with at least f_vis of its skin in Shmarov 2022's psoriatic steady state",
     "body surface area < 3% mild, 3-10% moderate, > 10% severe (AAD 2008); PASI also reported (>= 10 moderate-to-severe, Finlay 2005)",
     PASI_REF + "; Armstrong 2021 JAMA Dermatol 157:940 (prevalence 3.0%); Kurd 2009 J Am Acad Dermatol 60:218 (~17% moderate-to-severe)"),
    ("acne", "acne vulgaris", "host.acne", "host.acne_grade", [("acne_lesions", "host.acne_lesions")],
     "clinical acne: at least 5 inflammatory facial lesions",
     "inflammatory lesions < 15 mild, 15-50 moderate, > 50 severe (Lehmann 2002)",
     LEHMANN + "; Collier 2008 J Am Acad Dermatol 58:56 (adult prevalence by age and sex)"),
    ("rosacea", "rosacea (erythematotelangiectatic/papulopustular)", "host.rosacea", "host.rosacea_grade", [("rosacea_iga", "host.rosacea_iga")],
     "centrofacial rosacea activity at investigator's global assessment 'mild' or worse (sign-level module: every gain S)",
     "IGA 2 mild, 3 moderate, 4 severe",
     ROSACEA),
    ("depression", "depression (major depressive episode by PHQ-9)", "host.depression", "host.depression_grade", [("phq9", "host.phq9")],
     "PHQ-9 >= 10 (Kroenke 2001)", "PHQ-9 10-14 moderate, 15-19 moderately severe, >= 20 severe", PHQ9 + "; Brody 2018 NCHS Data Brief 303 (8.1%)"),
    ("anxiety", "generalised anxiety (GAD-7)", "host.anxiety", "host.anxiety_grade", [("gad7", "host.gad7")],
     "GAD-7 >= 10 (Spitzer 2006)", "GAD-7 10-14 moderate, >= 15 severe", GAD7),
]

# ---- gut community ----
GUT = [
    ("butyrate_producers", "Faecalibacterium/Roseburia (butyrate producers)", "r_but*fibre_eff^phi_fibre", "-eps_but*abx_oral + g_pro_res*pro_sat", 0.3, True),
    ("Bacteroides", "Bacteroides", "r_bac", "-eps_bac*abx_oral", 0.3, True),
    ("Bifidobacterium", "Bifidobacterium", "r_bif*fibre_eff^phi_fibre", "-eps_bif*abx_oral + g_pro_res*pro_sat", 0.1, True),
    ("Lactobacillus", "Lactobacillus", "r_lac", "-eps_lac*abx_oral - delta_stress_lac*cortisol_rise", 0.03, True),
    ("Enterobacteriaceae", "Enterobacteriaceae", "r_ent", "-eps_ent*abx_oral", 0.01, True),
    ("specialists", "antibiotic-sensitive specialists (Coprococcus, Eubacterium, Bifidobacterium spp. lost at 180 d)", "r_spec*fibre_eff^phi_fibre*gut.specialists/(gut.specialists + spec_allee)", "-eps_spec*abx_oral", 0.02, False),
    ("probiotic", "probiotic strain (Lactobacillus/Bifidobacterium)", "gut_shed - (1 - niche_open)*k_pro + niche_open*r_pro_niche", "-eps_pro*abx_oral", 0.0, False),
]
GUT_IDS = [g[0] for g in GUT]
GUT_CAP = {"butyrate_producers": 0.35, "Bacteroides": 0.35, "Bifidobacterium": 0.12, "Lactobacillus": 0.04, "Enterobacteriaceae": 0.02, "specialists": 0.05}
GUT_RATE = {"butyrate_producers": 1.8, "Bacteroides": 1.9, "Bifidobacterium": 1.6, "Lactobacillus": 1.5, "Enterobacteriaceae": 1.3, "specialists": 1.7}
# Extinction threshold of the gut community: a member below it is zero until its inflow is positive. The common guilds
# have a small inflow (gut_inflow, re-acquisition), the specialists none and an Allee effect (spec_allee), so a course
# that drives them below spec_allee removes them for good (Palleja 2018: 9 common species undetectable at 180 d). The
# threshold is far below the probiotic strain's levels (~1e-7 while dosed; its wash-out tail is followed to 1e-13).
GUT_EXTINCT = 1.0e-15


def emit_communities(w):
    w("communities:\n")
    w("  gut:\n    unit: rel\n    shedding: gut_shed\n    extinction_threshold: %r\n    citation: \"%s\"\n    evidence: S\n    members:\n" % (GUT_EXTINCT, PAL))
    for id, tax, rate, eff, x0, inflow in GUT:
        extra = ""
        if id == "probiotic":
            extra = ", inflow: probiotic"
        elif inflow:
            extra = ", inflow: gut_inflow"
        x0 = 0.0 if id == "probiotic" else init("gut." + id, x0)
        w("      %s: {taxon: \"%s\", initial: %r, rate: \"%s\", effects: \"%s + gut.%s.abx\"%s}\n" % (id, tax, x0, rate, eff, id, extra))
    w("    matrix:\n      unit: 1/day/rel\n      citation: \"%s\"\n      evidence: S\n      note: \"self-limitation r_i/K_i, 20%% cross-competition, and cross-feeding of butyrate producers by Bifidobacterium (entry = c_xfeed)\"\n      rows:\n" % (PAL + "; " + BELENGUER))
    for i in GUT_IDS:
        row = []
        for j in GUT_IDS:
            if i == "probiotic" or j == "probiotic":
                row.append(-100.0 if i == j else 0.0)
                continue
            if i == j:
                row.append(-round(GUT_RATE[i] / GUT_CAP[i], 6))
            elif i == "butyrate_producers" and j == "Bifidobacterium":
                row.append("XFEED")
            else:
                row.append(-round(0.2 * GUT_RATE[i] / 0.35, 6) if j in ("butyrate_producers", "Bacteroides") else -round(0.2 * GUT_RATE[i], 6))
        w("        %s: [%s]\n" % (i, ", ".join("0.0" if x == "XFEED" else repr(x) for x in row)))
    # the cross-feeding entry is a named parameter (c_xfeed) so that it can be set and calibrated
    w("    interactions:\n      - {target: butyrate_producers, source: Bifidobacterium, parameter: c_xfeed}\n")
    for s in SITES:
        w("  %s:\n    unit: rel\n    shedding: skin_shed\n    extinction_threshold: 0\n    citation: \"%s\"\n    evidence: S\n    members:\n" % (s, GRICE + "; " + LEE))
        for id, tax, rate, niche, kill in TAXA:
            full = "%s.%s" % (s, id)
            topical = " - %s*abx_topical.%s" % (kill, s) if kill else ""
            if id == "S_aureus":
                w("      S_aureus: {taxon: \"%s\", initial: %r, rate: \"r_Sa/(1 + %s.gamma_nl*%s.barrier)*%s.Sa_space\", effects: \"-%s.kill_SE - d_AMP*%s.AMP%s\", inflow: \"1.0e-6\", citation: \"%s\", evidence: Q, note: \"S. aureus colonising the site's non-lesional skin (Lee 2024 growth inhibited by the barrier, competing for space, less AMP killing when cortisol or local inflammation is high); lesions are the patch layer (eczema_front)\"}\n"
                  % (tax, init(full, 0.001), s, s, s, s, s, topical, LEE))
                continue
            rate_e = "%s*%s" % (rate, niche_expr(id, s, niche))
            eff = ""
            if id == "Cutibacterium":
                eff = "a_Cu_stress*cortisol_rise"
            if topical:
                eff = (eff + topical) if eff else topical.replace(" - ", "-", 1)
            if s in APOCRINE_SITES and id in APOCRINE_TAXA:
                eff = (eff + " + " if eff else "") + "g_apocrine*host.perceived_stress"
            effs = ", effects: \"%s\"" % eff if eff else ""
            w("      %s: {taxon: \"%s\", initial: %r, rate: \"%s\"%s, inflow: \"1.0e-6\", citation: \"%s\", evidence: S}\n" % (id, tax, init(full, 0.1), rate_e, effs, NICHE_CITE[id]))
        w("    matrix:\n      unit: 1/day/rel\n      citation: \"%s\"\n      evidence: S\n      note: \"logistic self-limitation (capacity 1 at the niche optimum) and shared-space competition c_skin = 0.5, c_fol = %r between follicular Cutibacterium and surface taxa\"\n      rows:\n" % (GRICE + "; " + FOLLICLE, C_FOL))
        rv = {"Cutibacterium": 1.2, "S_epidermidis": 1.0, "S_aureus": 15.588457268119896, "Corynebacterium": 1.0, "Malassezia": 0.6, "dry_mix": 0.8}
        selfc = {"Malassezia": 3.0}
        for i, *_ in TAXA:
            row = [(-rv[i] * selfc.get(i, 1.0) if i == j else -comp(i, j) * rv[i]) for j, *_ in TAXA]
            if i == "S_aureus":
                row = [0.0] * len(TAXA)
            w("        %s: [%s]\n" % (i, ", ".join(repr(round(x, 9)) for x in row)))

# ---- couplings ----
C = []


def cpl(fr, to, sign, param, mech, cite, ev):
    C.append((fr, to, sign, param, mech, cite, ev))


cpl("brain.stress", "host.cortisol", 1, "sigma_S", "stress raises hypothalamic drive (CRH)", "Gu 2022; " + KARIN, "S")
cpl("host.cortisol", "host.CRH", -1, "K_GR", "MR/GR negative feedback", KARIN, "Q")
cpl("brain.stress", "host.GR", 1, "k_GRf", "long or repeated stress flips the pituitary GR switch (hypocortisolism, HPA dysregulation)", GUPTA, "S")
cpl("host.GR", "host.ACTH", -1, "gr_ki2", "GR-mediated inhibition of ACTH release", GUPTA, "Q")
cpl("host.cortisol", "gut.permeability", 1, "beta_K", "CRH/cortisol-gated mast-cell opening of tight junctions (~2x in responders)", VAN, "Q")
cpl("host.cortisol", "gut.Lactobacillus", -1, "delta_stress_lac", "stress lowers Lactobacillus", GALLEY, "S")
cpl("gut.butyrate", "host.Treg", 1, "k_ST", "butyrate induces regulatory T cells", ISLAM, "Q")
cpl("host.Treg", "host.inflammation", -1, "theta_T", "Tregs suppress inflammatory tone", ISLAM, "S")
cpl("host.Treg", "host.Th17", -1, "theta_T17", "Tregs restrain Th17 (the probiotic route to psoriasis, Abdi 2024)", ABDI, "S")
cpl("host.inflammation", "host.Th17", 1, "a_I17", "IL-6 drives Th17 differentiation", ABDI, "S")
cpl("gut.butyrate", "gut.permeability", -1, "beta_S", "butyrate tightens the epithelial barrier", "Neumann 2018 BMC Syst Biol", "S")
cpl("gut.permeability", "host.inflammation", 1, "alpha_Pi", "endotoxin translocation raises cytokines (signed: acts in health)", "Bailey 2011; " + WIND, "S")
cpl("host.inflammation", "gut.permeability", 1, "beta_I", "cytokines loosen tight junctions", "Neumann 2018", "S")
cpl("host.inflammation", "host.cortisol", 1, "sigma_I", "IL-6 activates the HPA axis", WIND, "S")
cpl("host.cortisol", "host.inflammation", -1, "K_GC", "glucocorticoids suppress cytokines", WIND, "S")
cpl("drug.endotoxin", "host.inflammation", 1, "k_LPS", "endotoxin (LPS) raises inflammatory tone", WIND + "; " + REICH, "S")
cpl("host.inflammation", "skin.inflammation", 1, "alpha_I_skin", "systemic inflammation reaches the skin (signed: acts in health)", ABDI, "S")
cpl("skin.inflammation", "host.inflammation", 1, "alpha_Sk", "skin cytokines enter the circulation", MIYANO, "S")
cpl("gut.butyrate", "skin.barrier", 1, "g_butB", "gut-derived short-chain fatty acids speed skin barrier recovery (acts in health)", TROMPETTE, "S")
cpl("host.cortisol", "skin.barrier", -1, "gamma_K", "glucocorticoids slow barrier recovery (10% at 2 h after TSST)", ROBLES, "Q")
cpl("skin.inflammation", "skin.barrier", -1, "gamma_Sk", "IL-4/13 slow barrier recovery", MIYANO, "S")
cpl("skin.inflammation", "skin.barrier", -1, "delta_BSk", "inflammation (IL-31, scratching) damages the barrier", MIYANO, "S")
cpl("skin.barrier", "skin.S_aureus", -1, "gamma_AB", "an intact barrier inhibits S. aureus", LEE, "Q")
cpl("skin.S_aureus", "skin.barrier", -1, "delta_BA", "agr-active S. aureus damages the barrier (in lesions)", LEE, "Q")
cpl("skin.S_epidermidis", "skin.S_aureus", -1, "delta_AE", "S. epidermidis antimicrobials kill S. aureus", LEE, "Q")
cpl("host.cortisol", "skin.S_aureus", 1, "b_AMP_K", "glucocorticoids lower epidermal antimicrobial peptides, less S. aureus killing", "Aberg 2007 J Clin Invest 117:3339", "S")
cpl("skin.inflammation", "skin.S_aureus", 1, "b_AMP_Sk", "IL-4/IL-13 suppress antimicrobial peptides, less S. aureus killing", "Ong 2002 N Engl J Med 347:1151; " + MIYANO, "S")
cpl("skincare.emollient", "skin.barrier", 1, "e_emol", "emollient speeds barrier recovery", "Tanaka 2018 J Theor Biol", "S")
cpl("drug.topical_antibiotic", "skin.S_aureus", -1, "delta_topical_Sa", "topical antibiotic kills S. aureus at the treated site", LEE, "Q")
cpl("skin.S_aureus", "skin.inflammation", 1, "k_agr", "agr toxins drive IL-4/13-like inflammation", MIYANO, "S")
cpl("host.Th17", "skin.psoriasis", 1, "ps_D0", "Th17/IL-17 tone drives dendritic-cell activation in the skin (psoriatic switch)", SHMAROV + "; " + ABDI, "C")
cpl("brain.stress", "skin.psoriasis", 1, "g_S_ps", "stress precedes psoriasis flares", "Snast 2018 Dermatology 234:160", "S")
cpl("skin.psoriasis", "host.inflammation", 1, "alpha_ps", "plaques spill IL-17/TNF into the circulation", SHMAROV, "S")
cpl("skin.sebum", "skin.acne", 1, "acne_s0", "sebum and follicular C. acnes drive inflamed follicles", LEHMANN + "; " + ISOTRET, "C")
cpl("host.inflammation", "skin.acne", 1, "g_I_acne", "systemic inflammation primes follicular inflammation", "Kistowska 2014", "S")
cpl("skin.demodex", "skin.rosacea", 1, "rosacea_s0", "Demodex and innate (TLR2/cathelicidin) inflammation drive rosacea", ROSACEA, "C")
cpl("brain.stress", "skin.rosacea", 1, "g_S_ros", "stress triggers flushing", ROSACEA, "S")
cpl("host.inflammation", "brain.depression", 1, "a_ID", "inflammation raises depressed mood (sickness behaviour)", REICH, "C")
cpl("host.inflammation", "brain.anxiety", 1, "a_IA", "inflammation raises anxiety", REICH, "C")
cpl("host.GR", "brain.depression", 1, "a_GRD", "a dysregulated HPA axis (GR switch) raises depressive symptoms", GUPTA + "; Heim 2000", "S")
cpl("host.GR", "brain.anxiety", 1, "a_GRA", "a dysregulated HPA axis raises anxiety", GUPTA + "; Heim 2000", "S")
cpl("skin.disease", "brain.depression", 1, "a_skinD", "visible skin disease raises depressive symptoms", COHEN2016 + "; " + CHIESA, "C")
cpl("skin.disease", "brain.anxiety", 1, "a_skinA", "visible skin disease raises anxiety", COHEN2016 + "; " + CHIESA, "C")
cpl("gut.butyrate", "brain.depression", -1, "a_butD", "gut butyrate producers go with fewer depressive symptoms (gut -> brain; acts in health)", VALLES, "S")
cpl("gut.butyrate", "brain.anxiety", -1, "a_butA", "gut butyrate goes with less anxiety (gut -> brain)", VALLES, "S")
cpl("brain.stress", "brain.anxiety", 1, "a_SA", "acute stress raises anxiety", "Kirschbaum 1993", "S")
cpl("brain.depression", "brain.stress", 1, "b_DS", "depressive symptoms raise perceived stress", PSS_MOOD, "S")
cpl("brain.anxiety", "brain.stress", 1, "b_AS", "anxiety raises perceived stress", PSS_MOOD, "S")
cpl("brain.depression", "diet.fibre", -1, "b_DF", "depressive symptoms lower fibre intake (brain -> gut through behaviour)", DIET_MOOD, "S")
cpl("skin.Cutibacterium", "brain.wellbeing", 1, "a_Cu", "association only (Tyson-Carr); default gain 0", TYSON, "S")
cpl("host.cortisol", "skin.Cutibacterium", 1, "a_Cu_stress", "CRH raises sebum (Zouboulis 2002) vs Tyson-Carr; direction unresolved, gain 0", TYSON, "S")
cpl("brain.stress", "skin.moisture", 1, "g_sweat", "emotional (sympathetic) sweating wets face and axilla; acts without a cortisol response", SWEAT, "S")
cpl("brain.stress", "skin.sebum", 1, "g_sebum", "stress-driven cutaneous CRH raises sebocyte lipogenesis (in vitro); default gain 0", ZOUBOULIS, "S")
cpl("brain.stress", "axilla.Corynebacterium", 1, "g_apocrine", "emotional stress -> adrenergic apocrine secretion -> nutrients for axillary Corynebacterium; default gain 0", APOCRINE, "S")
cpl("brain.stress", "axilla.S_epidermidis", 1, "g_apocrine", "emotional stress -> adrenergic apocrine secretion -> nutrients for axillary staphylococci; default gain 0", APOCRINE, "S")
cpl("diet.fibre", "gut.butyrate_producers", 1, "phi_fibre", "fibre feeds butyrate producers", "Makki 2018", "S")
cpl("gut.Bifidobacterium", "gut.butyrate_producers", 1, "c_xfeed", "Bifidobacterium acetate/lactate cross-feeds butyrate producers", BELENGUER, "S")
cpl("gut.probiotic", "gut.Bifidobacterium", 1, "g_pro_res", "probiotic strain favours resident Bifidobacterium and butyrate producers (small)", BELENGUER, "S")
cpl("gut.probiotic", "host.Treg", 1, "k_proT", "probiotic immunomodulation (SCORAD -3.07 pooled)", HUANG, "C")
cpl("drug.antibiotic", "gut.butyrate_producers", -1, "eps_but", "antibiotics deplete butyrate producers", PAL, "S")
cpl("drug.antibiotic", "gut.specialists", -1, "eps_spec", "antibiotics can eliminate specialist species for months (Palleja 2018)", PAL, "C")
cpl("drug.antibiotic", "gut.Enterobacteriaceae", 1, "eps_ent", "Enterobacteriaceae bloom after antibiotics", PAL, "S")


def fix_coupling_evidence():
    """A coupling's evidence follows its parameter's (C only once calibrated)."""
    ev = {p[0]: p[4] for p in params}
    for i, c in enumerate(C):
        if ev.get(c[3]) == "C":
            C[i] = c[:6] + ("C",)
        elif c[6] == "C":
            C[i] = c[:6] + (ev.get(c[3], "S"),)


def emit_math_entries(w, items):
    """Rules or observables as {math, unit, citation, evidence, note} entries (empty fields left out)."""
    for (id, m, u, c, ev, note) in items:
        extra = ""
        if c:
            extra += ", citation: %s" % q(c)
        if ev:
            extra += ", evidence: %s" % ev
        if note:
            extra += ", note: %s" % q(note)
        w("  %s: {math: %s, unit: %s%s}\n" % (id, q(m), u, extra))


def emit_yaml():
    fix_coupling_evidence()
    out = []
    w = out.append
    w("# GENERATED by scripts/golden_models_gsb.py; edit the script, not this file.\n")
    w("# holobiont's default gut-skin-brain model. Evidence: Q = magnitude from the cited source; S = sign only,\n")
    w("# magnitude a conservative modelling choice; C = calibrated to the named targets (see `holobiont model describe`).\n")
    w("id: gut_skin_brain\nname: Gut-skin-brain axis of a healthy adult\n")
    w("description: >\n"
      "  Gut guilds (gLV) with specialists that antibiotics can remove for good, cross-feeding, butyrate, Treg and\n"
      "  permeability; four skin sites (face and scalp sebaceous, axilla moist, forearm dry) with niche-modulated\n"
      "  communities and eczema as a population of patches (Lee 2024 core per patch, reduced to a lesional front);\n"
      "  psoriasis (Shmarov 2022 switch driven by Th17 tone and stress), acne and rosacea (sign-level); HPA axis (Karin\n"
      "  2020 core at quasi-steady state with gland masses, and the Gupta 2007 glucocorticoid-receptor switch); systemic\n"
      "  inflammation; depression and anxiety symptom loads. Time in days; populations relative to site capacity.\n")
    w("time_unit: day\nmetadata:\n  reference: \"../shared/reference/host-models.md section 7 (proposed model); issue 14\"\n")
    w("units:\n  rel: dimensionless\n  score: dimensionless\n  cells: dimensionless\n")
    w("sites:\n  gut: {kind: gut, name: colon}\n")
    for s, (name, cls, env, vis) in SITES.items():
        envs = ", ".join("%s: %s" % (k, v) for k, v in env.items())
        w("  %s: {kind: skin, name: \"%s (%s)\", env: {%s}, citation: \"%s\", evidence: S, note: \"%s site; env relative 0-1 except temperature (degC) and pH\"}\n"
          % (s, name, cls, envs, GRICE, cls))
    w("inputs:\n")
    w("  stress: {default: 0, unit: dimensionless, citation: \"%s\", evidence: S, note: \"perceived stress, 1 = exam-like episode\"}\n" % GALLEY)
    w("  abx_oral: {default: 0, unit: dimensionless, citation: \"%s\", evidence: S, note: \"oral antibiotic exposure, 1 while dosed\"}\n" % PAL)
    w("  probiotic: {default: 0, unit: rel/day, citation: \"%s\", evidence: Q, note: \"probiotic strain dose rate\"}\n" % PROB)
    w("  fibre: {default: 1, unit: dimensionless, citation: \"Makki 2018 Cell Host Microbe 23:705\", evidence: S, note: \"dietary fibre relative to usual intake\"}\n")
    w("  endotoxin: {default: 0, unit: dimensionless, citation: \"%s\", evidence: S, note: \"endotoxin (LPS) challenge, 1 while it acts (a few hours after a 0.8-2 ng/kg injection)\"}\n" % (REICH + "; " + WIND))
    w("  sebum_suppression: {default: 0, unit: dimensionless, citation: \"%s\", evidence: Q, note: \"fractional suppression of sebum output at every site (isotretinoin 1 mg/kg/day: 0.85)\"}\n" % ISOTRET)
    w("  rosacea_trigger: {default: 0, unit: dimensionless, citation: \"%s\", evidence: S, note: \"rosacea triggers (heat, alcohol, spicy food, UV): 1 = a typical trigger day\"}\n" % ROSACEA)
    for g in GUT_IDS:
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
        w("  %s: {value: %r, unit: %s, citation: %s, evidence: %s, note: %s%s}\n" % (id, v, u, q(c), ev, q(note), extra))
    w("rules:\n")
    emit_math_entries(w, rules)
    w("states:\n")
    for (id, site, initial, unit, rate, c, ev, note, nonneg) in states:
        extra = ""
        if site:
            extra += "site: %s, " % site
        ini = initial if isinstance(initial, (int, float)) else q(initial)
        w("  %s: {%sinitial: %s, unit: %s, %srate: %s, citation: %s, evidence: %s, note: %s}\n"
          % (id, extra, ini if isinstance(ini, str) else repr(ini), unit, "non_negative: true, " if nonneg else "", q(rate), q(c), ev, q(note)))
    emit_communities(w)
    w("observables:\n")
    w("  gut.dysbiosis: {kind: dysbiosis, members: [gut.*], note: \"Bray-Curtis distance from the subject's own baseline composition\"}\n")
    for s in SITES:
        w("  %s.dysbiosis: {kind: dysbiosis, members: [%s.*]}\n" % (s, s))
    emit_math_entries(w, observables)
    w("couplings:\n")
    for fr, to, sg, p, mech, cite, ev in C:
        w("  - {from: %s, to: %s, sign: %d, parameter: %s, mechanism: %s, citation: %s, evidence: %s}\n" % (fr, to, sg, p, q(mech), q(cite), ev))
    w("conditions:\n")
    for id, name, status, grade_, scores, definition, grading, cite in CONDITIONS:
        sc = ", ".join("%s: %s" % (k, v) for k, v in scores)
        w("  %s:\n    name: %s\n    status: %s\n    grade: %s\n    scores: {%s}\n    definition: %s\n    grading: %s\n    citation: %s\n    evidence: S\n"
          % (id, q(name), status, grade_, sc, q(definition), q(grading), q(cite)))
    return "".join(out)


# ---- the eczema patch-population fixtures (modelfile/patches_test.go) ----
PATCH_N = 200
PATCH_COMMENSALS = {k: init("forearm." + k, v) for k, v in {"Cutibacterium": 0.24, "S_epidermidis": 0.09, "Corynebacterium": 0.09, "Malassezia": 0.0002, "dry_mix": 0.28}.items()}


def patch_fixture():
    """One skin site ('skin', forearm-like commensals held fixed) driven through inputs, carrying both the reduced
    model (the lesional front, as in the default model) and the explicit model (PATCH_N patches at the quantiles of
    the log-logistic spread of gamma_AB, each with its own S. aureus and barrier: the Lee 2024 core with the default
    model's couplings). The two do not interact; modelfile/patches_test.go compares their lesional fractions."""
    s = "skin"
    out = []
    w = out.append
    w("# GENERATED by scripts/golden_models_gsb.py --patch-test: the eczema patch population of one skin site, reduced\n")
    w("# (skin.lesional_reduced: the default model's lesional front) and explicit (skin.lesional_explicit: %d patches).\n" % PATCH_N)
    w("id: eczema_patches\ntime_unit: day\nunits:\n  rel: dimensionless\n  score: dimensionless\n  cells: dimensionless\n")
    w("sites:\n  skin: {kind: skin}\n")
    w("inputs:\n")
    for k, d, u in [("cortisol_rise", 0, "dimensionless"), ("inflammation", 1, "dimensionless"), ("emollient", 0, "dimensionless"), ("irritant", 0, "1/day"), ("topical", 0, "dimensionless")]:
        w("  %s: {default: %r, unit: %s}\n" % (k, d, u))
    prs, sts, obs = [], [], []
    RR = lambda id, m, u="dimensionless", c="", e="", note="": prs.append((id, m, u))
    for k, v in PATCH_COMMENSALS.items():
        RR("skin.%s" % k, "%r" % v)
    RR("skin.S_aureus", "1.0e-5")
    drivers = {"cortisol_rise": "cortisol_rise", "inflammation": "inflammation", "butyrate": "1", "emollient": "emollient", "irritant": "irritant", "topical": "topical"}
    eczema_site_rules(s, RR, drivers)
    terms = []
    for j in range(PATCH_N):
        qj = (j + 0.5) / PATCH_N
        g = "gamma_AB*%r" % ((qj / (1 - qj)) ** (1.0 / 2.5))
        a, b = "p%d.A" % j, "p%d.B" % j
        RR("p%d.sw" % j, "hill(%s, A_th, 4)" % a)
        RR("p%d.infl" % j, "1 + k_agr*tanh(k1_agr*%s*p%d.sw/(1 + b1_agr*skin.S_epidermidis)) + alpha_I_skin*(inflammation - 1)" % (a, j))
        RR("p%d.AMP" % j, "1/((1 + b_AMP_K*cortisol_rise)*(1 + b_AMP_Sk*max(p%d.infl - 1, -0.5)))" % j)
        RR("p%d.kappa" % j, "kappa_B*(1 + e_emol*emollient)/(1 + gamma_K*cortisol_rise + gamma_Sk*pos(p%d.infl - 1))" % j, "1/day")
        sts.append((a, 1.0e-5, "%s*(r_Sa*pos(skin.space0 - %s)/(1 + %s*%s) - (skin_shed + skin.kill_SE + d_AMP*p%d.AMP + delta_topical_Sa*topical)) + 1.0e-6" % (a, a, g, b, j)))
        sts.append((b, 1.0, "p%d.kappa*(1 - %s) - (delta_BA*p%d.sw*%s + delta_BSk*pos(p%d.infl - 1) + irritant)*%s" % (j, b, j, a, j, b)))
        terms.append("(%s > A_th)" % a)
    obs.append(("skin.lesional_explicit", "(%s)/%d" % (" + ".join(terms), PATCH_N)))
    obs.append(("skin.lesional_reduced", "skin.eczema_area"))
    sts.append(("skin.eczema_front", "ln(max(skin.gamma_on, 1.0e-6))", eczema_front_rate(s)))
    sts.append(("skin.barrier", 1.0, "skin.kappa*(1 - skin.barrier) - (delta_BSk*pos(skin.inflammation - 1) + irritant)*skin.barrier"))
    text = " ".join(m for _, m, _ in prs) + " ".join(str(x[2]) for x in sts) + " ".join(x[1] for x in obs)
    w("parameters:\n")
    for (id, v, u, c, ev, note, lo, hi) in params:
        if id in text:
            w("  %s: {value: %r, unit: %s}\n" % (id, v, u))
    w("rules:\n")
    for id, m, u in prs:
        w("  %s: {math: %s, unit: %s}\n" % (id, q(m), u))
    w("states:\n")
    for id, ini, rate in sts:
        w("  %s: {site: skin, initial: %s, unit: dimensionless, non_negative: %s, rate: %s}\n"
          % (id, q(ini) if isinstance(ini, str) else repr(ini), "false" if "front" in id else "true", q(rate)))
    w("observables:\n")
    for id, m in obs:
        w("  %s: %s\n" % (id, q(m)))
    return "".join(out)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--patch-test":
        import os
        path = os.path.join(sys.argv[2], "eczema_patches.yaml")
        with open(path, "w") as f:
            f.write(patch_fixture())
        print("wrote", path)
    else:
        sys.stdout.write(emit_yaml())
