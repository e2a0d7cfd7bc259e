package geodesic.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API element-wise kernels on {@link VectorFloatSpecies#SPECIES}, the JVM's one float SPECIES.
 *
 * <p>Each loop runs {@code SPECIES.loopBound(n)} elements in vectors and hands the rest to the matching
 * {@code ScalarElementwise...Range} method. The vector loops evaluate the scalar formulas lane by lane in the same
 * order, with plain multiply and add (no FMA: these kernels are bound by memory traffic, and FMA would change the
 * rounding), so maps and updates match {@link ScalarElementwise} bit for bit. Only the reductions use FMA.
 */
final class VectorElementwise implements Elementwise {
    /**
     * Vectors accumulated in float before a partial sum is added in double. With four accumulators each lane adds
     * at most 32 terms, so a block's float error stays near 32 ulps worst case whatever {@code n} is.
     */
    private static final int BLOCK_VECTORS = 128;

    private static final VectorSpecies<Float> SPECIES = VectorFloatSpecies.SPECIES;
    private static final int LANES = SPECIES.length();

    static final VectorElementwise INSTANCE = new VectorElementwise();

    private VectorElementwise() {
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        ScalarElementwise.checkRange("x", x, xOff, n);
        ScalarElementwise.checkRange("y", y, yOff, n);
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector xv = FloatVector.fromArray(SPECIES, x, xOff + i);
            FloatVector yv = FloatVector.fromArray(SPECIES, y, yOff + i);
            yv.add(xv.mul(alpha)).intoArray(y, yOff + i);
        }
        ScalarElementwise.axpyRange(i, n, alpha, x, xOff, y, yOff);
    }

    @Override
    public void scaleInPlace(int n, float alpha, float[] x, int off) {
        ScalarElementwise.checkRange("x", x, off, n);
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector.fromArray(SPECIES, x, off + i).mul(alpha).intoArray(x, off + i);
        }
        ScalarElementwise.scaleRange(i, n, alpha, x, off);
    }

    @Override
    public void copy(int n, float[] src, int srcOff, float[] dst, int dstOff) {
        ScalarElementwise.checkRange("src", src, srcOff, n);
        ScalarElementwise.checkRange("dst", dst, dstOff, n);
        System.arraycopy(src, srcOff, dst, dstOff, n);
    }

    @Override
    public void fill(int n, float value, float[] x, int off) {
        ScalarElementwise.checkRange("x", x, off, n);
        Arrays.fill(x, off, off + n, value);
    }

    @Override
    public double dot(int n, float[] x, int xOff, float[] y, int yOff) {
        ScalarElementwise.checkRange("x", x, xOff, n);
        ScalarElementwise.checkRange("y", y, yOff, n);
        int vectorized = SPECIES.loopBound(n);
        double total = 0;
        for (int i = 0; i < vectorized; i += BLOCK_VECTORS * LANES) {
            int len = Math.min(vectorized - i, BLOCK_VECTORS * LANES);
            total += dotBlock(x, xOff + i, y, yOff + i, len);
        }
        return total + ScalarElementwise.dotRange(vectorized, n, x, xOff, y, yOff);
    }

    @Override
    public double sumOfSquares(int n, float[] x, int off) {
        ScalarElementwise.checkRange("x", x, off, n);
        int vectorized = SPECIES.loopBound(n);
        double total = 0;
        for (int i = 0; i < vectorized; i += BLOCK_VECTORS * LANES) {
            int len = Math.min(vectorized - i, BLOCK_VECTORS * LANES);
            total += sumOfSquaresBlock(x, off + i, len);
        }
        return total + ScalarElementwise.dotRange(vectorized, n, x, off, x, off);
    }

    /** Sum of one contiguous row, blocked like {@link #dot}. */
    private double sum(int n, float[] x, int off) {
        int vectorized = SPECIES.loopBound(n);
        double total = 0;
        for (int i = 0; i < vectorized; i += BLOCK_VECTORS * LANES) {
            int len = Math.min(vectorized - i, BLOCK_VECTORS * LANES);
            total += sumBlock(x, off + i, len);
        }
        return total + ScalarElementwise.sumRange(vectorized, n, x, off);
    }

    /*
     * The block reductions take a length that is a positive multiple of the lane count, at most BLOCK_VECTORS
     * vectors. Each accumulator starts from a loaded vector rather than FloatVector.zero(SPECIES): when the species
     * was not a compile-time constant, C2 could not type a zero-started loop phi exactly and boxed the accumulators
     * on every iteration (about 15x slower on JDK 25); seeded, they stay in registers either way.
     */

    /**
     * The lanes' sum in lane order. {@code reduceLanes(ADD)} may add lanes in a different order in interpreted and
     * compiled code, so the same inputs could round differently before and after C2 compiles a caller, which
     * breaks bit-exact resume; once per block, the fixed order costs nothing measurable.
     */
    private static float laneSum(FloatVector v) {
        float s = v.lane(0);
        for (int i = 1; i < LANES; i++) {
            s += v.lane(i);
        }
        return s;
    }

    private float dotBlock(float[] x, int xOff, float[] y, int yOff, int len) {
        FloatVector a0 = load(x, xOff).mul(load(y, yOff));
        if (len < 4 * LANES) {
            for (int j = LANES; j < len; j += LANES) {
                a0 = load(x, xOff + j).fma(load(y, yOff + j), a0);
            }
            return laneSum(a0);
        }
        FloatVector a1 = load(x, xOff + LANES).mul(load(y, yOff + LANES));
        FloatVector a2 = load(x, xOff + 2 * LANES).mul(load(y, yOff + 2 * LANES));
        FloatVector a3 = load(x, xOff + 3 * LANES).mul(load(y, yOff + 3 * LANES));
        int j = 4 * LANES;
        for (int bound4 = len - 4 * LANES; j <= bound4; j += 4 * LANES) {
            a0 = load(x, xOff + j).fma(load(y, yOff + j), a0);
            a1 = load(x, xOff + j + LANES).fma(load(y, yOff + j + LANES), a1);
            a2 = load(x, xOff + j + 2 * LANES).fma(load(y, yOff + j + 2 * LANES), a2);
            a3 = load(x, xOff + j + 3 * LANES).fma(load(y, yOff + j + 3 * LANES), a3);
        }
        for (; j < len; j += LANES) {
            a0 = load(x, xOff + j).fma(load(y, yOff + j), a0);
        }
        return laneSum(a0.add(a1).add(a2.add(a3)));
    }

    private float sumOfSquaresBlock(float[] x, int off, int len) {
        FloatVector v = load(x, off);
        FloatVector a0 = v.mul(v);
        if (len < 4 * LANES) {
            for (int j = LANES; j < len; j += LANES) {
                v = load(x, off + j);
                a0 = v.fma(v, a0);
            }
            return laneSum(a0);
        }
        FloatVector v1 = load(x, off + LANES);
        FloatVector v2 = load(x, off + 2 * LANES);
        FloatVector v3 = load(x, off + 3 * LANES);
        FloatVector a1 = v1.mul(v1);
        FloatVector a2 = v2.mul(v2);
        FloatVector a3 = v3.mul(v3);
        int j = 4 * LANES;
        for (int bound4 = len - 4 * LANES; j <= bound4; j += 4 * LANES) {
            FloatVector v0 = load(x, off + j);
            v1 = load(x, off + j + LANES);
            v2 = load(x, off + j + 2 * LANES);
            v3 = load(x, off + j + 3 * LANES);
            a0 = v0.fma(v0, a0);
            a1 = v1.fma(v1, a1);
            a2 = v2.fma(v2, a2);
            a3 = v3.fma(v3, a3);
        }
        for (; j < len; j += LANES) {
            v = load(x, off + j);
            a0 = v.fma(v, a0);
        }
        return laneSum(a0.add(a1).add(a2.add(a3)));
    }

    private float sumBlock(float[] x, int off, int len) {
        FloatVector a0 = load(x, off);
        if (len < 4 * LANES) {
            for (int j = LANES; j < len; j += LANES) {
                a0 = a0.add(load(x, off + j));
            }
            return laneSum(a0);
        }
        FloatVector a1 = load(x, off + LANES);
        FloatVector a2 = load(x, off + 2 * LANES);
        FloatVector a3 = load(x, off + 3 * LANES);
        int j = 4 * LANES;
        for (int bound4 = len - 4 * LANES; j <= bound4; j += 4 * LANES) {
            a0 = a0.add(load(x, off + j));
            a1 = a1.add(load(x, off + j + LANES));
            a2 = a2.add(load(x, off + j + 2 * LANES));
            a3 = a3.add(load(x, off + j + 3 * LANES));
        }
        for (; j < len; j += LANES) {
            a0 = a0.add(load(x, off + j));
        }
        return laneSum(a0.add(a1).add(a2.add(a3)));
    }

    @Override
    public int firstNonFinite(int n, float[] x, int off) {
        ScalarElementwise.checkRange("x", x, off, n);
        int i = 0;
        // v - v is 0 for finite v and NaN for NaN or infinity, so one compare covers four vectors.
        for (int bound4 = n - 4 * LANES; i <= bound4; i += 4 * LANES) {
            FloatVector v0 = load(x, off + i);
            FloatVector v1 = load(x, off + i + LANES);
            FloatVector v2 = load(x, off + i + 2 * LANES);
            FloatVector v3 = load(x, off + i + 3 * LANES);
            FloatVector t = v0.sub(v0).add(v1.sub(v1)).add(v2.sub(v2).add(v3.sub(v3)));
            if (t.compare(VectorOperators.NE, 0f).anyTrue()) {
                return ScalarElementwise.firstNonFiniteRange(i, i + 4 * LANES, x, off);
            }
        }
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector v = load(x, off + i);
            VectorMask<Float> bad = v.sub(v).compare(VectorOperators.NE, 0f);
            if (bad.anyTrue()) {
                return i + bad.firstTrue();
            }
        }
        return ScalarElementwise.firstNonFiniteRange(i, n, x, off);
    }

    @Override
    public void relu(int n, float[] x, int xOff, float[] y, int yOff) {
        ScalarElementwise.checkRange("x", x, xOff, n);
        ScalarElementwise.checkRange("y", y, yOff, n);
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(x, xOff + i).max(0f).intoArray(y, yOff + i);
        }
        ScalarElementwise.reluRange(i, n, x, xOff, y, yOff);
    }

    @Override
    public void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        ScalarElementwise.checkRange("x", x, xOff, n);
        ScalarElementwise.checkRange("dy", dy, dyOff, n);
        ScalarElementwise.checkRange("dx", dx, dxOff, n);
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            VectorMask<Float> positive = load(x, xOff + i).compare(VectorOperators.GT, 0f);
            zero.blend(load(dy, dyOff + i), positive).intoArray(dx, dxOff + i);
        }
        ScalarElementwise.reluBackwardRange(i, n, x, xOff, dy, dyOff, dx, dxOff);
    }

    @Override
    public void addRowBias(int rows, int cols, float[] bias, int biasOff, float[] x, int xOff) {
        ScalarElementwise.checkRange("bias", bias, biasOff, cols);
        ScalarElementwise.checkMatrix("x", x, xOff, rows, cols);
        for (int r = 0; r < rows; r++) {
            addVectors(cols, bias, biasOff, x, xOff + r * cols);
        }
    }

    @Override
    public void addChannelBias(int channels, int spatial, float[] bias, int biasOff, float[] x, int xOff) {
        ScalarElementwise.checkRange("bias", bias, biasOff, channels);
        ScalarElementwise.checkMatrix("x", x, xOff, channels, spatial);
        int bound = SPECIES.loopBound(spatial);
        for (int c = 0; c < channels; c++) {
            float b = bias[biasOff + c];
            int rowOff = xOff + c * spatial;
            int i = 0;
            for (; i < bound; i += LANES) {
                load(x, rowOff + i).add(b).intoArray(x, rowOff + i);
            }
            ScalarElementwise.addScalarRange(i, spatial, b, x, rowOff);
        }
    }

    @Override
    public void columnSums(int rows, int cols, float[] x, int xOff, float[] out, int outOff, boolean accumulate) {
        ScalarElementwise.checkMatrix("x", x, xOff, rows, cols);
        ScalarElementwise.checkRange("out", out, outOff, cols);
        if (!accumulate) {
            Arrays.fill(out, outOff, outOff + cols, 0f);
        }
        for (int r = 0; r < rows; r++) {
            addVectors(cols, x, xOff + r * cols, out, outOff);
        }
    }

    @Override
    public void rowSums(int rows, int cols, float[] x, int xOff, float[] out, int outOff, boolean accumulate) {
        ScalarElementwise.checkMatrix("x", x, xOff, rows, cols);
        ScalarElementwise.checkRange("out", out, outOff, rows);
        for (int r = 0; r < rows; r++) {
            double s = sum(cols, x, xOff + r * cols);
            out[outOff + r] = (float) (accumulate ? out[outOff + r] + s : s);
        }
    }

    @Override
    public void sgdUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, SgdStep step) {
        ScalarElementwise.checkRange("param", param, paramOff, n);
        ScalarElementwise.checkRange("grad", grad, gradOff, n);
        float lr = (float) step.lr();
        float wd = (float) step.weightDecay();
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector p = load(param, paramOff + i);
            FloatVector g = load(grad, gradOff + i);
            if (wd != 0f) {
                g = g.add(p.mul(wd));
            }
            p.sub(g.mul(lr)).intoArray(param, paramOff + i);
        }
        ScalarElementwise.sgdRange(i, n, param, paramOff, grad, gradOff, step);
    }

    @Override
    public void momentumUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] buf,
                               int bufOff, MomentumStep step) {
        ScalarElementwise.checkRange("param", param, paramOff, n);
        ScalarElementwise.checkRange("grad", grad, gradOff, n);
        ScalarElementwise.checkRange("buf", buf, bufOff, n);
        float lr = (float) step.lr();
        float wd = (float) step.weightDecay();
        float mu = (float) step.momentum();
        float w = (float) (1.0 - step.dampening());
        boolean first = step.firstStep();
        boolean nesterov = step.nesterov();
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector p = load(param, paramOff + i);
            FloatVector g = load(grad, gradOff + i);
            if (wd != 0f) {
                g = g.add(p.mul(wd));
            }
            FloatVector b = first ? g : load(buf, bufOff + i).mul(mu).add(g.mul(w));
            b.intoArray(buf, bufOff + i);
            FloatVector d = nesterov ? g.add(b.mul(mu)) : b;
            p.sub(d.mul(lr)).intoArray(param, paramOff + i);
        }
        ScalarElementwise.momentumRange(i, n, param, paramOff, grad, gradOff, buf, bufOff, step);
    }

    @Override
    public void adamUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] m, int mOff,
                           float[] v, int vOff, float[] vMax, int vMaxOff, AdamStep step) {
        ScalarElementwise.checkAdamRanges(n, param, paramOff, grad, gradOff, m, mOff, v, vOff, vMax, vMaxOff);
        float wd = (float) step.weightDecay();
        float b1 = (float) step.beta1();
        float c1 = (float) (1.0 - step.beta1());
        float b2 = (float) step.beta2();
        float c2 = (float) (1.0 - step.beta2());
        float eps = (float) step.eps();
        float stepSize = step.stepSize();
        float invRoot = step.inverseRootBiasCorrection2();
        boolean ams = vMax != null;
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector p = load(param, paramOff + i);
            FloatVector g = load(grad, gradOff + i);
            if (wd != 0f) {
                g = g.add(p.mul(wd));
            }
            FloatVector mv = load(m, mOff + i).mul(b1).add(g.mul(c1));
            FloatVector vv = load(v, vOff + i).mul(b2).add(g.mul(c2).mul(g));
            mv.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            if (ams) {
                vv = load(vMax, vMaxOff + i).max(vv);
                vv.intoArray(vMax, vMaxOff + i);
            }
            FloatVector denom = vv.sqrt().mul(invRoot).add(eps);
            p.sub(mv.div(denom).mul(stepSize)).intoArray(param, paramOff + i);
        }
        ScalarElementwise.adamRange(i, n, param, paramOff, grad, gradOff, m, mOff, v, vOff, vMax, vMaxOff, step);
    }

    @Override
    public void rmsPropUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] sq, int sqOff,
                              RmsPropStep step) {
        ScalarElementwise.checkRange("param", param, paramOff, n);
        ScalarElementwise.checkRange("grad", grad, gradOff, n);
        ScalarElementwise.checkRange("sq", sq, sqOff, n);
        float lr = (float) step.lr();
        float wd = (float) step.weightDecay();
        float alpha = (float) step.alpha();
        float c = (float) (1.0 - step.alpha());
        float eps = (float) step.eps();
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector p = load(param, paramOff + i);
            FloatVector g = load(grad, gradOff + i);
            if (wd != 0f) {
                g = g.add(p.mul(wd));
            }
            FloatVector s = load(sq, sqOff + i).mul(alpha).add(g.mul(c).mul(g));
            s.intoArray(sq, sqOff + i);
            p.sub(g.div(s.sqrt().add(eps)).mul(lr)).intoArray(param, paramOff + i);
        }
        ScalarElementwise.rmsPropRange(i, n, param, paramOff, grad, gradOff, sq, sqOff, step);
    }

    @Override
    public void adagradUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] sum,
                              int sumOff, AdagradStep step) {
        ScalarElementwise.checkRange("param", param, paramOff, n);
        ScalarElementwise.checkRange("grad", grad, gradOff, n);
        ScalarElementwise.checkRange("sum", sum, sumOff, n);
        float lr = (float) step.lr();
        float wd = (float) step.weightDecay();
        float eps = (float) step.eps();
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector p = load(param, paramOff + i);
            FloatVector g = load(grad, gradOff + i);
            if (wd != 0f) {
                g = g.add(p.mul(wd));
            }
            FloatVector s = load(sum, sumOff + i).add(g.mul(g));
            s.intoArray(sum, sumOff + i);
            p.sub(g.div(s.sqrt().add(eps)).mul(lr)).intoArray(param, paramOff + i);
        }
        ScalarElementwise.adagradRange(i, n, param, paramOff, grad, gradOff, sum, sumOff, step);
    }

    @Override
    public void diagonalPreconditionInPlace(int n, float[] grad, int gradOff, float[] ema, int emaOff, double rho,
                                            double eps) {
        ScalarElementwise.checkDiagonalPrecondition(n, grad, gradOff, ema, emaOff, rho, eps);
        float decay = (float) rho;
        float c = (float) (1.0 - rho);
        float epsf = (float) eps;
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector g = load(grad, gradOff + i);
            FloatVector e = load(ema, emaOff + i).mul(decay).add(g.mul(c).mul(g));
            e.intoArray(ema, emaOff + i);
            g.div(e.sqrt().add(epsf)).intoArray(grad, gradOff + i);
        }
        ScalarElementwise.diagonalPreconditionRange(i, n, grad, gradOff, ema, emaOff, rho, eps);
    }

    @Override
    public void emaInPlace(int n, double gamma, float[] x, int xOff, float[] y, int yOff) {
        ScalarElementwise.checkRange("x", x, xOff, n);
        ScalarElementwise.checkRange("y", y, yOff, n);
        ScalarElementwise.requireInUnitInterval("gamma", gamma);
        float keep = (float) (1.0 - gamma);
        float take = (float) gamma;
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(y, yOff + i).mul(keep).add(load(x, xOff + i).mul(take)).intoArray(y, yOff + i);
        }
        ScalarElementwise.emaRange(i, n, gamma, x, xOff, y, yOff);
    }

    /** {@code y += x} over {@code n} elements, unchecked. */
    private void addVectors(int n, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            load(y, yOff + i).add(load(x, xOff + i)).intoArray(y, yOff + i);
        }
        ScalarElementwise.addRange(i, n, x, xOff, y, yOff);
    }

    private FloatVector load(float[] a, int off) {
        return FloatVector.fromArray(SPECIES, a, off);
    }
}
