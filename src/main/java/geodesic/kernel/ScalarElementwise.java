package geodesic.kernel;

import java.util.Arrays;
import java.util.Objects;

/**
 * Plain-Java element-wise kernels.
 *
 * <p>The static {@code ...Range(from, to, ...)} methods hold the one definition of each per-element float formula;
 * {@link VectorElementwise} runs them on its scalar tails and mirrors their operation order in its vector loops,
 * which is what keeps the two implementations bitwise identical on maps and updates. The static checks are shared
 * with {@link VectorElementwise} and the step records, so every entry point rejects the same inputs with the same
 * messages.
 */
final class ScalarElementwise implements Elementwise {
    static final ScalarElementwise INSTANCE = new ScalarElementwise();

    private ScalarElementwise() {
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        checkRange("x", x, xOff, n);
        checkRange("y", y, yOff, n);
        axpyRange(0, n, alpha, x, xOff, y, yOff);
    }

    @Override
    public void scaleInPlace(int n, float alpha, float[] x, int off) {
        checkRange("x", x, off, n);
        scaleRange(0, n, alpha, x, off);
    }

    @Override
    public void copy(int n, float[] src, int srcOff, float[] dst, int dstOff) {
        checkRange("src", src, srcOff, n);
        checkRange("dst", dst, dstOff, n);
        System.arraycopy(src, srcOff, dst, dstOff, n);
    }

    @Override
    public void fill(int n, float value, float[] x, int off) {
        checkRange("x", x, off, n);
        Arrays.fill(x, off, off + n, value);
    }

    @Override
    public double dot(int n, float[] x, int xOff, float[] y, int yOff) {
        checkRange("x", x, xOff, n);
        checkRange("y", y, yOff, n);
        return dotRange(0, n, x, xOff, y, yOff);
    }

    @Override
    public double sumOfSquares(int n, float[] x, int off) {
        checkRange("x", x, off, n);
        return dotRange(0, n, x, off, x, off);
    }

    @Override
    public int firstNonFinite(int n, float[] x, int off) {
        checkRange("x", x, off, n);
        return firstNonFiniteRange(0, n, x, off);
    }

    @Override
    public void relu(int n, float[] x, int xOff, float[] y, int yOff) {
        checkRange("x", x, xOff, n);
        checkRange("y", y, yOff, n);
        reluRange(0, n, x, xOff, y, yOff);
    }

    @Override
    public void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff) {
        checkRange("x", x, xOff, n);
        checkRange("dy", dy, dyOff, n);
        checkRange("dx", dx, dxOff, n);
        reluBackwardRange(0, n, x, xOff, dy, dyOff, dx, dxOff);
    }

    @Override
    public void addRowBias(int rows, int cols, float[] bias, int biasOff, float[] x, int xOff) {
        checkRange("bias", bias, biasOff, cols);
        checkMatrix("x", x, xOff, rows, cols);
        for (int r = 0; r < rows; r++) {
            addRange(0, cols, bias, biasOff, x, xOff + r * cols);
        }
    }

    @Override
    public void addChannelBias(int channels, int spatial, float[] bias, int biasOff, float[] x, int xOff) {
        checkRange("bias", bias, biasOff, channels);
        checkMatrix("x", x, xOff, channels, spatial);
        for (int c = 0; c < channels; c++) {
            addScalarRange(0, spatial, bias[biasOff + c], x, xOff + c * spatial);
        }
    }

    @Override
    public void columnSums(int rows, int cols, float[] x, int xOff, float[] out, int outOff, boolean accumulate) {
        checkMatrix("x", x, xOff, rows, cols);
        checkRange("out", out, outOff, cols);
        if (!accumulate) {
            Arrays.fill(out, outOff, outOff + cols, 0f);
        }
        for (int r = 0; r < rows; r++) {
            addRange(0, cols, x, xOff + r * cols, out, outOff);
        }
    }

    @Override
    public void rowSums(int rows, int cols, float[] x, int xOff, float[] out, int outOff, boolean accumulate) {
        checkMatrix("x", x, xOff, rows, cols);
        checkRange("out", out, outOff, rows);
        for (int r = 0; r < rows; r++) {
            double s = sumRange(0, cols, x, xOff + r * cols);
            out[outOff + r] = (float) (accumulate ? out[outOff + r] + s : s);
        }
    }

    @Override
    public void sgdUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, SgdStep step) {
        checkRange("param", param, paramOff, n);
        checkRange("grad", grad, gradOff, n);
        sgdRange(0, n, param, paramOff, grad, gradOff, step);
    }

    @Override
    public void momentumUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] buf,
                               int bufOff, MomentumStep step) {
        checkRange("param", param, paramOff, n);
        checkRange("grad", grad, gradOff, n);
        checkRange("buf", buf, bufOff, n);
        momentumRange(0, n, param, paramOff, grad, gradOff, buf, bufOff, step);
    }

    @Override
    public void adamUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] m, int mOff,
                           float[] v, int vOff, float[] vMax, int vMaxOff, AdamStep step) {
        checkAdamRanges(n, param, paramOff, grad, gradOff, m, mOff, v, vOff, vMax, vMaxOff);
        adamRange(0, n, param, paramOff, grad, gradOff, m, mOff, v, vOff, vMax, vMaxOff, step);
    }

    @Override
    public void rmsPropUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] sq, int sqOff,
                              RmsPropStep step) {
        checkRange("param", param, paramOff, n);
        checkRange("grad", grad, gradOff, n);
        checkRange("sq", sq, sqOff, n);
        rmsPropRange(0, n, param, paramOff, grad, gradOff, sq, sqOff, step);
    }

    @Override
    public void adagradUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] sum,
                              int sumOff, AdagradStep step) {
        checkRange("param", param, paramOff, n);
        checkRange("grad", grad, gradOff, n);
        checkRange("sum", sum, sumOff, n);
        adagradRange(0, n, param, paramOff, grad, gradOff, sum, sumOff, step);
    }

    @Override
    public void diagonalPreconditionInPlace(int n, float[] grad, int gradOff, float[] ema, int emaOff, double rho,
                                            double eps) {
        checkDiagonalPrecondition(n, grad, gradOff, ema, emaOff, rho, eps);
        diagonalPreconditionRange(0, n, grad, gradOff, ema, emaOff, rho, eps);
    }

    @Override
    public void emaInPlace(int n, double gamma, float[] x, int xOff, float[] y, int yOff) {
        checkRange("x", x, xOff, n);
        checkRange("y", y, yOff, n);
        requireInUnitInterval("gamma", gamma);
        emaRange(0, n, gamma, x, xOff, y, yOff);
    }

    /* Per-element formulas over [from, to). Any change here must be mirrored in VectorElementwise's loops. */

    static void axpyRange(int from, int to, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = from; i < to; i++) {
            y[yOff + i] = y[yOff + i] + alpha * x[xOff + i];
        }
    }

    static void addRange(int from, int to, float[] x, int xOff, float[] y, int yOff) {
        for (int i = from; i < to; i++) {
            y[yOff + i] = y[yOff + i] + x[xOff + i];
        }
    }

    static void scaleRange(int from, int to, float alpha, float[] x, int off) {
        for (int i = from; i < to; i++) {
            x[off + i] = x[off + i] * alpha;
        }
    }

    static void addScalarRange(int from, int to, float value, float[] x, int off) {
        for (int i = from; i < to; i++) {
            x[off + i] = x[off + i] + value;
        }
    }

    /** Products of floats are exact in double, so this is the sum rounded only by the double additions. */
    static double dotRange(int from, int to, float[] x, int xOff, float[] y, int yOff) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) x[xOff + i] * y[yOff + i];
        }
        return s;
    }

    static double sumRange(int from, int to, float[] x, int off) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[off + i];
        }
        return s;
    }

    static int firstNonFiniteRange(int from, int to, float[] x, int off) {
        for (int i = from; i < to; i++) {
            if (!Float.isFinite(x[off + i])) {
                return i;
            }
        }
        return -1;
    }

    static void reluRange(int from, int to, float[] x, int xOff, float[] y, int yOff) {
        for (int i = from; i < to; i++) {
            y[yOff + i] = Math.max(x[xOff + i], 0f);
        }
    }

    static void reluBackwardRange(int from, int to, float[] x, int xOff, float[] dy, int dyOff, float[] dx,
                                  int dxOff) {
        for (int i = from; i < to; i++) {
            dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
        }
    }

    static void sgdRange(int from, int to, float[] p, int pOff, float[] g, int gOff, SgdStep s) {
        float lr = (float) s.lr();
        float wd = (float) s.weightDecay();
        for (int i = from; i < to; i++) {
            float pi = p[pOff + i];
            float gi = wd == 0f ? g[gOff + i] : g[gOff + i] + wd * pi;
            p[pOff + i] = pi - lr * gi;
        }
    }

    static void momentumRange(int from, int to, float[] p, int pOff, float[] g, int gOff, float[] buf, int bOff,
                              MomentumStep s) {
        float lr = (float) s.lr();
        float wd = (float) s.weightDecay();
        float mu = (float) s.momentum();
        float w = (float) (1.0 - s.dampening());
        boolean first = s.firstStep();
        boolean nesterov = s.nesterov();
        for (int i = from; i < to; i++) {
            float pi = p[pOff + i];
            float gi = wd == 0f ? g[gOff + i] : g[gOff + i] + wd * pi;
            float bi = first ? gi : mu * buf[bOff + i] + w * gi;
            buf[bOff + i] = bi;
            float d = nesterov ? gi + mu * bi : bi;
            p[pOff + i] = pi - lr * d;
        }
    }

    static void adamRange(int from, int to, float[] p, int pOff, float[] g, int gOff, float[] m, int mOff,
                          float[] v, int vOff, float[] vMax, int vMaxOff, AdamStep s) {
        float wd = (float) s.weightDecay();
        float b1 = (float) s.beta1();
        float c1 = (float) (1.0 - s.beta1());
        float b2 = (float) s.beta2();
        float c2 = (float) (1.0 - s.beta2());
        float eps = (float) s.eps();
        float stepSize = s.stepSize();
        float invRoot = s.inverseRootBiasCorrection2();
        boolean ams = vMax != null;
        for (int i = from; i < to; i++) {
            float pi = p[pOff + i];
            float gi = wd == 0f ? g[gOff + i] : g[gOff + i] + wd * pi;
            float mi = b1 * m[mOff + i] + c1 * gi;
            float vi = b2 * v[vOff + i] + c2 * gi * gi;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            if (ams) {
                vi = Math.max(vMax[vMaxOff + i], vi);
                vMax[vMaxOff + i] = vi;
            }
            float denom = (float) Math.sqrt(vi) * invRoot + eps;
            p[pOff + i] = pi - stepSize * (mi / denom);
        }
    }

    static void rmsPropRange(int from, int to, float[] p, int pOff, float[] g, int gOff, float[] sq, int sqOff,
                             RmsPropStep s) {
        float lr = (float) s.lr();
        float wd = (float) s.weightDecay();
        float alpha = (float) s.alpha();
        float c = (float) (1.0 - s.alpha());
        float eps = (float) s.eps();
        for (int i = from; i < to; i++) {
            float pi = p[pOff + i];
            float gi = wd == 0f ? g[gOff + i] : g[gOff + i] + wd * pi;
            float si = alpha * sq[sqOff + i] + c * gi * gi;
            sq[sqOff + i] = si;
            p[pOff + i] = pi - lr * (gi / ((float) Math.sqrt(si) + eps));
        }
    }

    static void adagradRange(int from, int to, float[] p, int pOff, float[] g, int gOff, float[] sum, int sumOff,
                             AdagradStep s) {
        float lr = (float) s.lr();
        float wd = (float) s.weightDecay();
        float eps = (float) s.eps();
        for (int i = from; i < to; i++) {
            float pi = p[pOff + i];
            float gi = wd == 0f ? g[gOff + i] : g[gOff + i] + wd * pi;
            float si = sum[sumOff + i] + gi * gi;
            sum[sumOff + i] = si;
            p[pOff + i] = pi - lr * (gi / ((float) Math.sqrt(si) + eps));
        }
    }

    static void diagonalPreconditionRange(int from, int to, float[] g, int gOff, float[] ema, int emaOff,
                                          double rho, double eps) {
        float decay = (float) rho;
        float c = (float) (1.0 - rho);
        float e = (float) eps;
        for (int i = from; i < to; i++) {
            float gi = g[gOff + i];
            float ei = decay * ema[emaOff + i] + c * gi * gi;
            ema[emaOff + i] = ei;
            g[gOff + i] = gi / ((float) Math.sqrt(ei) + e);
        }
    }

    static void emaRange(int from, int to, double gamma, float[] x, int xOff, float[] y, int yOff) {
        float keep = (float) (1.0 - gamma);
        float take = (float) gamma;
        for (int i = from; i < to; i++) {
            y[yOff + i] = keep * y[yOff + i] + take * x[xOff + i];
        }
    }

    /* Argument checks shared by both implementations and the step records. */

    static void checkRange(String name, float[] a, int off, int n) {
        Objects.requireNonNull(a, name);
        if (n < 0) {
            throw new IllegalArgumentException("element count must be >= 0, got " + n);
        }
        if (off < 0 || off > a.length - n) {
            throw new IllegalArgumentException(name + ": " + n + " elements from offset " + off
                    + " do not fit in an array of length " + a.length);
        }
    }

    static void checkMatrix(String name, float[] a, int off, int rows, int cols) {
        Objects.requireNonNull(a, name);
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(name + ": dimensions must be >= 0, got " + rows + " x " + cols);
        }
        long size = (long) rows * cols;
        if (off < 0 || off > a.length - size) {
            throw new IllegalArgumentException(name + ": a " + rows + " x " + cols + " matrix from offset " + off
                    + " does not fit in an array of length " + a.length);
        }
    }

    static void checkAdamRanges(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] m, int mOff,
                                float[] v, int vOff, float[] vMax, int vMaxOff) {
        checkRange("param", param, paramOff, n);
        checkRange("grad", grad, gradOff, n);
        checkRange("m", m, mOff, n);
        checkRange("v", v, vOff, n);
        if (vMax != null) {
            checkRange("vMax", vMax, vMaxOff, n);
        }
    }

    static void checkDiagonalPrecondition(int n, float[] grad, int gradOff, float[] ema, int emaOff, double rho,
                                          double eps) {
        checkRange("grad", grad, gradOff, n);
        checkRange("ema", ema, emaOff, n);
        requireInHalfOpenUnitInterval("rho", rho);
        if (!(eps > 0 && eps <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException("eps must be > 0 and finite as a float, got " + eps);
        }
    }

    static void requireNonNegative(String name, double value) {
        if (!(value >= 0 && value <= Float.MAX_VALUE)) {
            throw new IllegalArgumentException(name + " must be >= 0 and finite as a float, got " + value);
        }
    }

    static void requireInUnitInterval(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
    }

    static void requireInHalfOpenUnitInterval(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
        }
    }
}
