package geodesic.kernel;

/**
 * Element-wise, bias and fused optimizer-update kernels on float32 arrays.
 *
 * <dl>
 * <dt>Layout</dt>
 * <dd>Every operand is a {@code float[]} plus an offset; a vector of {@code n} elements occupies
 * {@code [off, off + n)}. Matrices are row-major and dense: element {@code (r, c)} of a {@code rows x cols} matrix
 * is {@code a[off + r * cols + c]}. {@code n}, {@code rows}, {@code cols} may be 0 (nothing happens).</dd>
 *
 * <dt>In place and aliasing</dt>
 * <dd>Outputs are written in place into the caller's arrays; nothing is allocated. Where a method allows aliasing,
 * it means the same array <em>and</em> the same offset; operands that partially overlap give undefined results.
 * Operands not said to alias must be disjoint ranges.</dd>
 *
 * <dt>Numerics</dt>
 * <dd>Element-wise maps and optimizer updates evaluate the same float expressions, in the same order and without
 * fused multiply-add, in every implementation, so their results are bitwise identical across implementations and
 * vector widths. Reductions ({@link #dot}, {@link #sumOfSquares}, {@link #rowSums}) return or store sums whose
 * rounding depends on the implementation (see each method); {@link #columnSums} adds rows in order and is also
 * bitwise identical. All results are deterministic.</dd>
 *
 * <dt>Optimizer formulas</dt>
 * <dd>The updates follow {@code torch.optim} (single-tensor path): weight decay is folded into the gradient as
 * {@code g' = g + weightDecay * p} (skipped when {@code weightDecay == 0}, so a non-finite parameter does not
 * poison the gradient), epsilon sits where torch puts it, and the scalar factors (bias corrections, step sizes)
 * are computed once per call in double. Hyper-parameters are doubles, like torch's Python floats: each factor
 * ({@code beta}, {@code 1 - beta}, {@code lr / (1 - beta1^t)}) is rounded to float once, as torch's float32
 * kernels do, instead of starting from a float {@code beta} ({@code 1 - 0.999f} is off by 1.3e-5 relative).
 * Per element the arithmetic is float32. The gradient array is never written except by
 * {@link #diagonalPreconditionInPlace}.</dd>
 *
 * <dt>Threading</dt>
 * <dd>Implementations are stateless and thread-safe; concurrent calls must write disjoint ranges.</dd>
 *
 * <dt>Failures</dt>
 * <dd>Every method checks its counts, offsets and scalar arguments before touching memory and throws
 * {@link IllegalArgumentException} naming the bad value, so a rejected call writes nothing. A {@code null} array
 * throws {@link NullPointerException}, except {@code vMax} in {@link #adamUpdate}, where {@code null} selects
 * plain Adam.</dd>
 * </dl>
 */
public interface Elementwise {

    /**
     * {@code y += alpha * x} over {@code n} elements. {@code x} and {@code y} may alias.
     *
     * @throws IllegalArgumentException if {@code n < 0} or a range falls outside its array
     */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /**
     * {@code x *= alpha} over {@code n} elements, in place.
     *
     * @throws IllegalArgumentException if {@code n < 0} or the range falls outside the array
     */
    void scaleInPlace(int n, float alpha, float[] x, int off);

    /**
     * Copies {@code n} elements from {@code src} to {@code dst}; overlapping ranges behave as if copied through a
     * temporary (like {@link System#arraycopy}).
     *
     * @throws IllegalArgumentException if {@code n < 0} or a range falls outside its array
     */
    void copy(int n, float[] src, int srcOff, float[] dst, int dstOff);

    /**
     * Sets {@code n} elements of {@code x} to {@code value}, in place.
     *
     * @throws IllegalArgumentException if {@code n < 0} or the range falls outside the array
     */
    void fill(int n, float value, float[] x, int off);

    /**
     * {@code sum_i x[i] * y[i]} over {@code n} elements. The vector kernels accumulate float products with FMA in
     * float lanes over blocks of at most a few thousand elements and add each block's sum in double; the scalar
     * kernel accumulates in double. The error is a few float roundings relative to {@code sum_i |x[i] * y[i]|}
     * (about 1e-7 typical, independent of {@code n}). {@code x} and {@code y} may alias.
     *
     * @return the sum, 0 for {@code n == 0}
     * @throws IllegalArgumentException if {@code n < 0} or a range falls outside its array
     */
    double dot(int n, float[] x, int xOff, float[] y, int yOff);

    /**
     * {@code sum_i x[i]^2} over {@code n} elements, accumulated as in {@link #dot}; relative error about 1e-7.
     *
     * @return the sum, 0 for {@code n == 0}
     * @throws IllegalArgumentException if {@code n < 0} or the range falls outside the array
     */
    double sumOfSquares(int n, float[] x, int off);

    /**
     * Index of the first NaN or infinity among {@code x[off], ..., x[off + n - 1]}, counted from {@code off}.
     * Meant for a check on every training step: the vector kernels test a few vectors per branch.
     *
     * @return the index in {@code [0, n)}, or -1 if all {@code n} elements are finite
     * @throws IllegalArgumentException if {@code n < 0} or the range falls outside the array
     */
    int firstNonFinite(int n, float[] x, int off);

    /**
     * {@code y = max(x, 0)} over {@code n} elements ({@code Math.max} semantics: NaN stays NaN, as in torch, and
     * {@code -0.0} becomes {@code 0.0}). {@code x} and {@code y} may alias (in-place ReLU).
     *
     * @throws IllegalArgumentException if {@code n < 0} or a range falls outside its array
     */
    void relu(int n, float[] x, int xOff, float[] y, int yOff);

    /**
     * ReLU gradient: {@code dx = x > 0 ? dy : 0} over {@code n} elements, where {@code x} is the forward input (or
     * output: both are positive at the same places). Where {@code x <= 0} or is NaN, {@code dx} is 0 even if
     * {@code dy} is not finite. {@code dx} may alias {@code dy} or {@code x}.
     *
     * @throws IllegalArgumentException if {@code n < 0} or a range falls outside its array
     */
    void reluBackward(int n, float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff);

    /**
     * Dense bias: {@code x[r][c] += bias[c]} for a {@code rows x cols} matrix {@code x}, in place; {@code bias}
     * has {@code cols} elements.
     *
     * @throws IllegalArgumentException if a dimension is negative or a range falls outside its array
     */
    void addRowBias(int rows, int cols, float[] bias, int biasOff, float[] x, int xOff);

    /**
     * Convolution bias for one image: {@code x[c][s] += bias[c]} for a {@code channels x spatial} matrix
     * {@code x} (one image in CHW layout, {@code spatial = height * width}), in place; {@code bias} has
     * {@code channels} elements.
     *
     * @throws IllegalArgumentException if a dimension is negative or a range falls outside its array
     */
    void addChannelBias(int channels, int spatial, float[] bias, int biasOff, float[] x, int xOff);

    /**
     * Dense bias gradient: {@code out[c] = (accumulate ? out[c] : 0) + x[0][c] + x[1][c] + ...} for a
     * {@code rows x cols} matrix {@code x}; {@code out} has {@code cols} elements. Rows are added one after
     * another in float, in row order, so results are bitwise identical across implementations; the error grows
     * at worst linearly with {@code rows} (in ulps of {@code sum_r |x[r][c]|}).
     *
     * @param accumulate whether to add to {@code out} instead of overwriting it
     * @throws IllegalArgumentException if a dimension is negative or a range falls outside its array
     */
    void columnSums(int rows, int cols, float[] x, int xOff, float[] out, int outOff, boolean accumulate);

    /**
     * Convolution bias gradient for one image: {@code out[r] = (accumulate ? out[r] : 0) + sum_c x[r][c]} for a
     * {@code rows x cols} matrix {@code x} (channels x spatial); {@code out} has {@code rows} elements. Each row
     * is summed as in {@link #dot}, added to the previous {@code out[r]} in double and rounded once.
     *
     * @param accumulate whether to add to {@code out} instead of overwriting it
     * @throws IllegalArgumentException if a dimension is negative or a range falls outside its array
     */
    void rowSums(int rows, int cols, float[] x, int xOff, float[] out, int outOff, boolean accumulate);

    /**
     * One plain SGD step on {@code n} parameters: {@code g' = g + wd * p; p -= lr * g'}.
     *
     * @throws IllegalArgumentException if {@code n < 0} or a range falls outside its array
     */
    void sgdUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, SgdStep step);

    /**
     * One SGD-with-momentum step on {@code n} parameters, as {@code torch.optim.SGD}:
     * {@code g' = g + wd * p; buf = firstStep ? g' : momentum * buf + (1 - dampening) * g';
     * d = nesterov ? g' + momentum * buf : buf; p -= lr * d}. Updates {@code param} and {@code buf} in place.
     *
     * @throws IllegalArgumentException if {@code n < 0} or a range falls outside its array
     */
    void momentumUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] buf, int bufOff,
                        MomentumStep step);

    /**
     * One Adam step on {@code n} parameters, as {@code torch.optim.Adam} (L2 weight decay, not AdamW):
     * {@code g' = g + wd * p; m = b1 * m + (1 - b1) * g'; v = b2 * v + (1 - b2) * g'^2}; with AMSGrad
     * {@code vMax = max(vMax, v)} and {@code vMax} replaces {@code v} below;
     * {@code denom = sqrt(v) / sqrt(1 - b2^t) + eps; p -= (lr / (1 - b1^t)) * (m / denom)}. Updates
     * {@code param}, {@code m}, {@code v} (and {@code vMax}) in place; for step 1 they start from zeros.
     *
     * @param vMax running maximum of {@code v} for AMSGrad, or {@code null} for plain Adam ({@code vMaxOff} is
     *             then ignored)
     * @throws IllegalArgumentException if {@code n < 0} or a range falls outside its array
     */
    void adamUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] m, int mOff,
                    float[] v, int vOff, float[] vMax, int vMaxOff, AdamStep step);

    /**
     * One RMSprop step on {@code n} parameters, as {@code torch.optim.RMSprop} (not centered, no momentum):
     * {@code g' = g + wd * p; sq = alpha * sq + (1 - alpha) * g'^2; p -= lr * (g' / (sqrt(sq) + eps))}. Updates
     * {@code param} and {@code sq} in place.
     *
     * @throws IllegalArgumentException if {@code n < 0} or a range falls outside its array
     */
    void rmsPropUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] sq, int sqOff,
                       RmsPropStep step);

    /**
     * One Adagrad step on {@code n} parameters, as {@code torch.optim.Adagrad}:
     * {@code g' = g + wd * p; sum += g'^2; p -= lr * (g' / (sqrt(sum) + eps))}, with {@code lr} already decayed.
     * Updates {@code param} and {@code sum} in place.
     *
     * @throws IllegalArgumentException if {@code n < 0} or a range falls outside its array
     */
    void adagradUpdate(int n, float[] param, int paramOff, float[] grad, int gradOff, float[] sum, int sumOff,
                       AdagradStep step);

    /**
     * Diagonal {@code F^{-1/2}} preconditioning of a gradient, in place: {@code ema = rho * ema + (1 - rho) * g^2;
     * g = g / (sqrt(ema) + eps)}. The caller then steps with {@link #sgdUpdate} on the preconditioned gradient.
     * Updates {@code grad} and {@code ema} in place.
     *
     * @param rho decay of the squared-gradient EMA, in {@code [0, 1)}
     * @param eps added to the root of the EMA, {@code > 0} and finite as a float (a zero gradient with a zero EMA
     *            would otherwise give 0/0)
     * @throws IllegalArgumentException if {@code n < 0}, a range falls outside its array, or {@code rho} or
     *                                  {@code eps} is out of range
     */
    void diagonalPreconditionInPlace(int n, float[] grad, int gradOff, float[] ema, int emaOff, double rho,
                                     double eps);

    /**
     * Exponential moving average, in place: {@code y = (1 - gamma) * y + gamma * x} over {@code n} elements (for
     * Kronecker factors whose new products are already formed).
     *
     * @param gamma weight of the new value, in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code n < 0}, a range falls outside its array, or {@code gamma} is out
     *                                  of range
     */
    void emaInPlace(int n, double gamma, float[] x, int xOff, float[] y, int yOff);
}
