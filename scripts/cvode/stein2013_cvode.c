/*
 * Peer benchmark for ode.BenchmarkStein2013: the Stein et al. 2013 gLV model (11 taxa, clindamycin
 * as eps_i*u(t)), 9 mice, 60 days, outputs every day, solved with SUNDIALS CVODE 6.x (BDF or Adams,
 * Newton iteration with the dense direct linear solver and an analytic Jacobian).
 * Conventions as in testdata/stein2013/README.md: day-0 state, u = zero-order hold of the clindamycin
 * signal (every change is a segment boundary: CVodeReInit + stop time), C. difficile challenge
 * x_Cdiff(0) = max(measured, 1e-5) for populations 1 and 3.
 *
 * Build:  cc -O2 -o stein2013_cvode stein2013_cvode.c -lsundials_cvode -lsundials_nvecserial \
 *            -lsundials_sunmatrixdense -lsundials_sunlinsoldense -lm
 * Run:    ./stein2013_cvode TESTDATA_DIR bdf|adams REPS [RTOL ATOL]
 * Prints: method, time per mouse-solve, steps and RHS evaluations per mouse, and the maximum absolute
 *         and scaled (|y-ref|/(1e-6|ref|+1e-9)) error against reference_trajectories.csv at days 0..60.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#define N 11
#define MAXCOL 128
#define NMICE 9
#define TEND 60.0
#define NOUT 61
#define INOCULUM 1e-5

typedef struct {
    double M[N][N], mu[N], eps[N], u;
} glv_t;

typedef struct {
    int id, pop, npieces;
    double x0[N];
    double pieces[MAXCOL][3]; /* start, end, u */
} mouse_t;

static int split(char *line, char **f, int max) {
    int n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = 0;
    while (n < max) {
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c) break;
        *c = 0;
        p = c + 1;
    }
    return n;
}

static FILE *open_in(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); exit(1); }
    return f;
}

static int rhs(sunrealtype t, N_Vector yv, N_Vector dv, void *ud) {
    const glv_t *g = ud;
    const double *x = N_VGetArrayPointer(yv);
    double *dx = N_VGetArrayPointer(dv);
    for (int i = 0; i < N; i++) {
        double r = g->mu[i] + g->eps[i] * g->u;
        for (int j = 0; j < N; j++) r += g->M[i][j] * x[j];
        dx[i] = x[i] * r;
    }
    return 0;
}

static int jac(sunrealtype t, N_Vector yv, N_Vector fy, SUNMatrix J, void *ud, N_Vector t1, N_Vector t2,
               N_Vector t3) {
    const glv_t *g = ud;
    const double *x = N_VGetArrayPointer(yv);
    for (int i = 0; i < N; i++) {
        double r = g->mu[i] + g->eps[i] * g->u;
        for (int j = 0; j < N; j++) {
            r += g->M[i][j] * x[j];
            SM_ELEMENT_D(J, i, j) = x[i] * g->M[i][j];
        }
        SM_ELEMENT_D(J, i, i) += r;
    }
    return 0;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

#define CHECK(x) do { int _f = (x); if (_f < 0) { fprintf(stderr, "%s failed: %d\n", #x, _f); exit(1); } } while (0)

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s TESTDATA_DIR bdf|adams REPS [RTOL ATOL]\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    int adams = strcmp(argv[2], "adams") == 0;
    int reps = atoi(argv[3]);
    double rtol = argc > 4 ? atof(argv[4]) : 1e-6, atol = argc > 5 ? atof(argv[5]) : 1e-9;
    static char line[1 << 16];
    char *f[MAXCOL * 2];
    glv_t g;
    char names[N][128];
    int cdiff = -1;

    FILE *fp = open_in(dir, "stein2013_glv_parameters.csv");
    fgets(line, sizeof line, fp);
    int nt = 0;
    while (nt < N && fgets(line, sizeof line, fp)) {
        int nf = split(line, f, MAXCOL * 2);
        if (nf < 14 || !f[0][0]) continue;
        snprintf(names[nt], sizeof names[nt], "%s", f[0]);
        if (strcmp(f[0], "Clostridium_difficile") == 0) cdiff = nt;
        for (int j = 0; j < N; j++) g.M[nt][j] = atof(f[1 + j]);
        g.mu[nt] = atof(f[12]);
        g.eps[nt] = atof(f[13]);
        nt++;
    }
    fclose(fp);
    if (nt != N || cdiff < 0) { fprintf(stderr, "bad parameter file\n"); return 1; }

    /* time series: rows keyed by their first field */
    double pop[MAXCOL], id[MAXCOL], tm[MAXCOL], u[MAXCOL], Y[N][MAXCOL];
    int ncol = 0;
    fp = open_in(dir, "stein2013_timeseries_S1.csv");
    while (fgets(line, sizeof line, fp)) {
        int nf = split(line, f, MAXCOL * 2) - 1;
        double *dst = NULL;
        if (strcmp(f[0], "Population") == 0) dst = pop;
        else if (strcmp(f[0], "ID") == 0) dst = id;
        else if (strcmp(f[0], "time (in d)") == 0) dst = tm;
        else if (strcmp(f[0], "Clindamycin signal") == 0) dst = u;
        else for (int i = 0; i < N; i++) if (strcmp(f[0], names[i]) == 0) dst = Y[i];
        if (!dst) continue;
        if (nf > MAXCOL) nf = MAXCOL;
        for (int k = 0; k < nf; k++) dst[k] = atof(f[k + 1]);
        ncol = nf;
    }
    fclose(fp);
    mouse_t mice[NMICE];
    for (int m = 0; m < NMICE; m++) {
        mouse_t *ms = &mice[m];
        ms->id = m + 1;
        ms->npieces = 0;
        int cols[MAXCOL], nc = 0;
        for (int k = 0; k < ncol; k++) if ((int)id[k] == ms->id) cols[nc++] = k;
        /* sort by time (insertion) */
        for (int a = 1; a < nc; a++) for (int b = a; b > 0 && tm[cols[b]] < tm[cols[b - 1]]; b--) {
            int t = cols[b]; cols[b] = cols[b - 1]; cols[b - 1] = t;
        }
        ms->pop = (int)pop[cols[0]];
        for (int i = 0; i < N; i++) ms->x0[i] = Y[i][cols[0]];
        if (ms->pop == 1 || ms->pop == 3) ms->x0[cdiff] = fmax(ms->x0[cdiff], INOCULUM);
        for (int k = 0; k < nc; k++) {
            double end = k + 1 < nc ? tm[cols[k + 1]] : TEND, uv = u[cols[k]];
            if (ms->npieces > 0 && ms->pieces[ms->npieces - 1][2] == uv) {
                ms->pieces[ms->npieces - 1][1] = end;
            } else {
                ms->pieces[ms->npieces][0] = tm[cols[k]];
                ms->pieces[ms->npieces][1] = end;
                ms->pieces[ms->npieces][2] = uv;
                ms->npieces++;
            }
        }
        ms->pieces[ms->npieces - 1][1] = TEND;
    }

    /* reference at integer days */
    static double ref[NMICE][NOUT][N];
    fp = open_in(dir, "reference_trajectories.csv");
    while (fgets(line, sizeof line, fp)) {
        if (line[0] < '0' || line[0] > '9') continue;
        int nf = split(line, f, MAXCOL * 2);
        if (nf < 3 + N) continue;
        int mid = atoi(f[0]);
        double t = atof(f[2]);
        if (t != floor(t) || t > TEND) continue;
        for (int i = 0; i < N; i++) ref[mid - 1][(int)t][i] = atof(f[3 + i]);
    }
    fclose(fp);

    SUNContext ctx;
    CHECK(SUNContext_Create(NULL, &ctx));
    N_Vector y = N_VNew_Serial(N, ctx);
    void *mem = CVodeCreate(adams ? CV_ADAMS : CV_BDF, ctx);
    N_VConst(1.0, y);
    CHECK(CVodeInit(mem, rhs, 0.0, y));
    CHECK(CVodeSStolerances(mem, rtol, atol));
    SUNMatrix A = SUNDenseMatrix(N, N, ctx);
    SUNLinearSolver LS = SUNLinSol_Dense(y, A, ctx);
    CHECK(CVodeSetLinearSolver(mem, LS, A));
    CHECK(CVodeSetJacFn(mem, jac));
    CHECK(CVodeSetUserData(mem, &g));
    CHECK(CVodeSetMaxNumSteps(mem, 1000000));

    static double out[NMICE][NOUT][N];
    long nst = 0, nfe = 0, nfeLS = 0;
    double t0 = now();
    clock_t c0 = clock();
    for (int r = 0; r < reps; r++) {
        nst = nfe = nfeLS = 0;
        for (int m = 0; m < NMICE; m++) {
            mouse_t *ms = &mice[m];
            double *yd = N_VGetArrayPointer(y);
            memcpy(yd, ms->x0, sizeof ms->x0);
            memcpy(out[m][0], ms->x0, sizeof ms->x0);
            int k = 1;
            for (int p = 0; p < ms->npieces; p++) {
                double a = ms->pieces[p][0], b = ms->pieces[p][1];
                g.u = ms->pieces[p][2];
                CHECK(CVodeReInit(mem, a, y));
                CHECK(CVodeSetStopTime(mem, b));
                for (; k < NOUT && k <= b; k++) {
                    double tret;
                    CHECK(CVode(mem, (double)k, y, &tret, CV_NORMAL));
                    memcpy(out[m][k], yd, sizeof ms->x0);
                }
                if (k - 1 < b) { /* reach the boundary itself */
                    double tret;
                    CHECK(CVode(mem, b, y, &tret, CV_NORMAL));
                }
                long v;
                CVodeGetNumSteps(mem, &v); nst += v;
                CVodeGetNumRhsEvals(mem, &v); nfe += v;
                CVodeGetNumLinRhsEvals(mem, &v); nfeLS += v;
            }
        }
    }
    double el = now() - t0;
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    double maxabs = 0, maxsc = 0;
    for (int m = 0; m < NMICE; m++)
        for (int k = 0; k < NOUT; k++)
            for (int i = 0; i < N; i++) {
                double e = fabs(out[m][k][i] - ref[m][k][i]);
                maxabs = fmax(maxabs, e);
                maxsc = fmax(maxsc, e / (1e-6 * fabs(ref[m][k][i]) + 1e-9));
            }
    printf("cvode-%-6s rtol=%g atol=%g  %8.1f us/mouse (wall)  %8.1f us/mouse (cpu)  steps/mouse %6.1f  "
           "rhs/mouse %7.1f  maxabserr %.3g  maxscalederr %.3g\n",
           adams ? "adams" : "bdf", rtol, atol, el / reps / NMICE * 1e6, cpu / reps / NMICE * 1e6,
           (double)nst / NMICE,
           (double)(nfe + nfeLS) / NMICE, maxabs, maxsc);
    N_VDestroy(y);
    CVodeFree(&mem);
    SUNLinSolFree(LS);
    SUNMatDestroy(A);
    SUNContext_Free(&ctx);
    return 0;
}
