package geodesic.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SymmetricRankUpdateTest {
    private static final double U = 0x1p-24;
    private static final float PAD = Float.NaN;
    private static final float C_PAD = -777.25f;

    private static Parallelism two;

    @BeforeAll
    static void startTeam() {
        two = Parallelism.of(2);
    }

    @AfterAll
    static void stopTeam() {
        two.close();
    }

    static List<Function<Parallelism, SymmetricRankUpdate>> implementations() {
        List<Function<Parallelism, SymmetricRankUpdate>> impls = new ArrayList<>();
        impls.add(p -> KernelProvider.get().symmetricRankUpdate(p));
        impls.add(p -> new VectorSymmetricRankUpdate(FloatVector.SPECIES_128, p));
        impls.add(p -> new VectorSymmetricRankUpdate(FloatVector.SPECIES_256, p));
        impls.add(ScalarSymmetricRankUpdate::new);
        return impls;
    }

    static Stream<Arguments> shapes() {
        List<Arguments> cases = new ArrayList<>();
        for (int n : new int[]{1, 7, 8, 9, 31, 33, 129, 193, 257}) {
            for (int rows : new int[]{1, 5, 33, 300}) {
                if ((long) n * n * rows <= 3_000_000) {
                    cases.add(Arguments.of(n, rows));
                }
            }
        }
        // Two and three tiles per side (GemmLowerTriangle.TILE = 288), ragged last tile.
        cases.add(Arguments.of(400, 9));
        cases.add(Arguments.of(600, 3));
        // More rows than one pass of X (GemmLowerTriangle.PASS), so later passes accumulate.
        cases.add(Arguments.of(33, 1100));
        cases.add(Arguments.of(200, 600));
        return cases.stream();
    }

    @ParameterizedTest(name = "n={0} rows={1}")
    @MethodSource("shapes")
    void updateMatchesFloat64ReferenceIsExactlySymmetricAndThreadCountIndependent(int n, int rows) {
        Problem pr = new Problem(n, rows, 1000L * n + rows);
        float[][] alphaBeta = {{1f, 0f}, {0.125f, 0.875f}, {-0.5f, 2f}};
        for (Function<Parallelism, SymmetricRankUpdate> impl : implementations()) {
            SymmetricRankUpdate seq = impl.apply(Parallelism.sequential());
            SymmetricRankUpdate par = impl.apply(two);
            for (float[] ab : alphaBeta) {
                float[] c = pr.run(seq, ab[0], ab[1], false);
                pr.check(c, ab[0], ab[1], seq.name());
                MatMulTest.assertBitwiseEqual(c, pr.run(par, ab[0], ab[1], false),
                        seq.name() + " n=" + n + " rows=" + rows + " 1 vs 2 threads");
            }
            float[] c = pr.run(par, 0.5f, 0f, true);
            pr.check(c, 0.5f, 0f, par.name() + " with NaN-filled C and beta 0");
        }
    }

    /**
     * Repeated lower-only updates, with a C whose upper triangle starts as a sentinel, equal the symmetric updates
     * below the diagonal bit for bit, and mirroring then gives the symmetric result exactly.
     */
    @ParameterizedTest(name = "n={0} rows={1}")
    @MethodSource("shapes")
    void lowerOnlyUpdatesEqualTheSymmetricOnesBelowTheDiagonalAndMirrorToThem(int n, int rows) {
        Random rnd = new Random(n * 31L + rows);
        for (Function<Parallelism, SymmetricRankUpdate> impl : implementations()) {
            SymmetricRankUpdate syrk = impl.apply(two);
            float[] full = new float[n * n];
            float[] lower = new float[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    lower[i * n + j] = C_PAD;
                }
            }
            for (int step = 0; step < 3; step++) {
                float[] x = new float[rows * n];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                float beta = step == 0 ? 0f : 0.75f;
                syrk.update(n, rows, 0.5f, x, 0, n, beta, full, 0, n);
                syrk.updateLower(n, rows, 0.5f, x, 0, n, beta, lower, 0, n);
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    int at = i * n + j;
                    if (j <= i) {
                        assertEquals(Float.floatToRawIntBits(full[at]), Float.floatToRawIntBits(lower[at]),
                                syrk.name() + " lower element (" + i + ", " + j + ")");
                    }
                }
            }
            SymmetricRankUpdate.mirrorLowerTriangle(n, lower, 0, n);
            MatMulTest.assertBitwiseEqual(full, lower, syrk.name() + " mirrored, n=" + n + " rows=" + rows);
        }
    }

    @Test
    void repeatedUpdatesFollowTheKroneckerFactorMovingAverage() {
        int n = 37;
        int batch = 20;
        float gamma = 0.05f;
        Random rnd = new Random(5);
        for (Function<Parallelism, SymmetricRankUpdate> impl : implementations()) {
            SymmetricRankUpdate syrk = impl.apply(two);
            float[] c = new float[n * n];
            double[] ref = new double[n * n];
            for (int step = 0; step < 30; step++) {
                float[] x = new float[batch * n];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                float beta = step == 0 ? 0f : 1f - gamma;
                float alpha = (step == 0 ? 1f : gamma) / batch;
                syrk.update(n, batch, alpha, x, 0, n, beta, c, 0, n);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int r = 0; r < batch; r++) {
                            s += (double) x[r * n + i] * x[r * n + j];
                        }
                        ref[i * n + j] = beta * ref[i * n + j] + alpha * s;
                    }
                }
            }
            double maxRel = 0;
            double norm = 0;
            for (double v : ref) {
                norm = Math.max(norm, Math.abs(v));
            }
            for (int i = 0; i < c.length; i++) {
                maxRel = Math.max(maxRel, Math.abs(c[i] - ref[i]) / norm);
            }
            assertTrue(maxRel < 1e-5, syrk.name() + ": EMA drifted, max error relative to max |C| " + maxRel);
            assertSymmetric(c, 0, n, n, syrk.name());
        }
    }

    @Test
    void alphaZeroOrNoRowsOnlyScalesCAndMirrorsTheLowerTriangle() {
        for (Function<Parallelism, SymmetricRankUpdate> impl : implementations()) {
            SymmetricRankUpdate syrk = impl.apply(two);
            float[] nan = new float[16];
            Arrays.fill(nan, Float.NaN);
            float[] c = {1f, 99f, 2f, 3f};
            syrk.update(2, 3, 0f, nan, 0, 2, 2f, c, 0, 2);
            assertTrue(Arrays.equals(new float[]{2f, 4f, 4f, 6f}, c), syrk.name() + " alpha 0: " + Arrays.toString(c));
            float[] c2 = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
            syrk.update(2, 0, 1f, nan, 0, 2, 0f, c2, 0, 2);
            assertTrue(Arrays.equals(new float[4], c2), syrk.name() + " no rows, beta 0: " + Arrays.toString(c2));
        }
    }

    static void assertSymmetric(float[] c, int off, int n, int ldc, String who) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                float lower = c[off + i * ldc + j];
                float upper = c[off + j * ldc + i];
                if (Float.floatToRawIntBits(lower) != Float.floatToRawIntBits(upper)) {
                    fail(who + " n=" + n + ": C(" + i + "," + j + ") = " + lower + " but C(" + j + "," + i + ") = "
                            + upper);
                }
            }
        }
    }

    /** Random X with a row stride larger than n, poisoned padding, a symmetric C and a float64 reference. */
    static final class Problem {
        final int n;
        final int rows;
        final int xOff = 4;
        final int cOff = 3;
        final int ldx;
        final int ldc;
        final float[] x;
        final float[] c0;
        final double[] gram;
        final double[] absGram;

        Problem(int n, int rows, long seed) {
            this.n = n;
            this.rows = rows;
            Random rnd = new Random(seed);
            ldx = n + 5;
            ldc = n + 2;
            x = new float[xOff + rows * ldx];
            Arrays.fill(x, PAD);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < n; j++) {
                    x[xOff + r * ldx + j] = rnd.nextFloat() * 2f - 1f;
                }
            }
            c0 = new float[cOff + n * ldc];
            Arrays.fill(c0, C_PAD);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    float v = rnd.nextFloat() * 2f - 1f;
                    c0[cOff + i * ldc + j] = v;
                    c0[cOff + j * ldc + i] = v;
                }
            }
            gram = new double[n * n];
            absGram = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    double abs = 0;
                    for (int r = 0; r < rows; r++) {
                        double v = (double) x[xOff + r * ldx + i] * x[xOff + r * ldx + j];
                        s += v;
                        abs += Math.abs(v);
                    }
                    gram[i * n + j] = s;
                    absGram[i * n + j] = abs;
                }
            }
        }

        float[] run(SymmetricRankUpdate syrk, float alpha, float beta, boolean nanC) {
            float[] c = c0.clone();
            if (nanC) {
                for (int i = 0; i < n; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
                }
            }
            syrk.update(n, rows, alpha, x, xOff, ldx, beta, c, cOff, ldc);
            return c;
        }

        void check(float[] c, float alpha, float beta, String who) {
            String where = who + " n=" + n + " rows=" + rows + " alpha=" + alpha + " beta=" + beta;
            double tol = 2.0 * (rows + 2) * U;
            double maxRel = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = cOff + i * ldc + j;
                    double old = beta == 0f ? 0 : c0[ci];
                    double expected = alpha * gram[i * n + j] + beta * old;
                    double scale = Math.abs(alpha) * absGram[i * n + j] + Math.abs(beta * old) + Double.MIN_NORMAL;
                    double rel = Math.abs(c[ci] - expected) / scale;
                    maxRel = Double.isNaN(rel) ? Double.POSITIVE_INFINITY : Math.max(maxRel, rel);
                }
            }
            assertTrue(maxRel <= tol, where + ": max relative error " + maxRel + " > " + tol);
            assertSymmetric(c, cOff, n, ldc, where);
            for (int idx = 0; idx < c.length; idx++) {
                int rel = idx - cOff;
                boolean inside = rel >= 0 && rel / ldc < n && rel % ldc < n;
                if (!inside && Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(c0[idx])) {
                    fail(where + ": wrote outside C at flat index " + idx);
                }
            }
        }
    }
}
