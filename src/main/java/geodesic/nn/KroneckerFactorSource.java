package geodesic.nn;

import geodesic.tensor.Tensor;

/**
 * A layer whose weight gradient is a sum of outer products {@code dW = sum_r a_r g_r^T}, exposing the factors
 * {@code a} (layer inputs) and {@code g} (gradients of the loss with respect to the layer outputs) from which
 * Kronecker-factored preconditioners (K-FAC, TSO-ALRA) build {@code A = E[a a^T]} and {@code B = E[g g^T]}.
 *
 * <p><b>Matrices.</b> With {@code N = }{@link #examples()} and {@code P = }{@link #positions()} (output positions
 * per example: 1 for {@link Dense}, {@code outHeight * outWidth} for {@link Conv2d}):
 * <ul>
 *   <li>{@link #inputs()} is {@code [N * P, inputDim]} row-major; row {@code n * P + p} is what output position
 *       {@code p} of example {@code n} saw: Dense, the input row {@code x[n]}; Conv2d, the im2col patch with index
 *       {@code c * kernelH * kernelW + i * kernelW + j}, zeros where it overlaps the padding. It matches the weight
 *       layout {@code [inputDim, outputDim]}. No bias column is appended: treating the bias as a weight on a
 *       constant 1 is the preconditioner's choice.</li>
 *   <li>{@link #outputGradients()} is {@code [N, outputDim, P]} row-major: for example {@code n} the block
 *       {@code [outputDim x P]} of {@code dL/dy}, which for Conv2d is that example's NCHW output gradient. When
 *       {@code P == 1} (Dense) the same memory is the row-major {@code [N, outputDim]} matrix {@code dY}.</li>
 * </ul>
 * Then the weight gradient that backward added is {@code inputs()^T * G}, where {@code G} is {@code [N * P, outputDim]} with row {@code n * P + p} equal to
 * column {@code p} of block {@code n}. Because the loss is a mean over the batch, {@code g} carries a factor
 * {@code 1/N}: an estimate of {@code B} per example must scale {@code g g^T} by {@code N^2}.
 *
 * <p><b>Capture and validity.</b> Capture is off by default. When on, the layer guarantees both matrices, without
 * copying them, from the end of each training backward until its next training forward; when off, reading them
 * throws instead of returning whatever the buffers hold. Both layers keep references to their input {@code x} and
 * output gradient {@code dy}; Conv2d builds the patch rows of {@link #inputs(int, int)} from {@code x} when they are
 * read (its own passes never keep a patch matrix), so read only the examples you need. The
 * returned tensors are views of layer-owned storage (or, for Dense, of the caller's input batch and of the next
 * layer's gradient buffer): read them, never write them, and drop them before the next step.
 *
 * <p><b>Threading.</b> Same as training: one thread at a time, between backward and the next training forward.
 */
public interface KroneckerFactorSource {

    /** The layer's name. */
    String name();

    /** The weight, {@code [inputDim, outputDim]}. */
    Parameter weight();

    /** The bias, {@code [outputDim]}. */
    Parameter bias();

    /** Rows of the weight: Dense {@code in}, Conv2d {@code channels * kernelH * kernelW}. */
    int inputDim();

    /** Columns of the weight: Dense {@code out}, Conv2d {@code outChannels}. */
    int outputDim();

    /** Output positions per example: 1 for Dense, {@code outHeight * outWidth} for Conv2d. */
    int positions();

    /** Turns capture on or off; see the class comment. Takes effect at the next training backward. */
    void setKroneckerCapture(boolean enabled);

    /** Whether capture is on. */
    boolean kroneckerCapture();

    /**
     * Batch size {@code N} of the last training backward.
     *
     * @throws IllegalStateException if the factors are not valid now (see {@link #inputs()})
     */
    int examples();

    /**
     * The layer inputs {@code a}, {@code [N * P, inputDim]}; see the class comment.
     *
     * @throws IllegalStateException if capture is off, or there was no training backward since the last training
     *                               forward
     */
    Tensor inputs();

    /**
     * The rows of {@link #inputs()} for examples {@code [first, first + count)}: {@code [count * P, inputDim]}, what
     * a factor that samples examples reads. A layer that builds its inputs on demand (Conv2d) builds only these;
     * this default copies them out of {@link #inputs()}, or returns it whole when the range is the whole batch.
     *
     * @throws IllegalArgumentException if the range is empty or not inside {@code [0, examples())}
     * @throws IllegalStateException    as {@link #inputs()}
     */
    default Tensor inputs(int first, int count) {
        int examples = examples();
        if (first < 0 || count < 1 || first + count > examples) {
            throw new IllegalArgumentException("layer " + name() + ": examples [" + first + ", " + (first + count)
                    + ") are not a non-empty range inside the batch of " + examples);
        }
        Tensor all = inputs();
        if (count == examples) {
            return all;
        }
        int rowLength = positions() * inputDim();
        Tensor rows = Tensor.zeros(count * positions(), inputDim());
        System.arraycopy(all.data(), first * rowLength, rows.data(), 0, count * rowLength);
        return rows;
    }

    /**
     * The output gradients {@code g}, {@code [N, outputDim, P]}; see the class comment.
     *
     * @throws IllegalStateException if capture is off, or there was no training backward since the last training
     *                               forward
     */
    Tensor outputGradients();
}
