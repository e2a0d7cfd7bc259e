/**
 * Neural-network layers, the {@link geodesic.nn.Model} interface, the {@link geodesic.nn.Sequential} builder, the
 * model zoo ({@link geodesic.nn.Architectures}), the softmax cross-entropy loss and the Kronecker-factor hook
 * ({@link geodesic.nn.KroneckerFactorSource}) that preconditioners read.
 *
 * <dl>
 * <dt>Layouts</dt>
 * <dd>All tensors are float32, row-major. A batch is {@code [N, example shape...]}; images are NCHW. Dense weights
 * are {@code [in, out]} with {@code y = x W + b}; Conv2d weights are {@code [C * kernelH * kernelW, outChannels]}
 * with patch index {@code c * kernelH * kernelW + i * kernelW + j}. The loss is the mean over the batch.</dd>
 * <dt>Training and inference</dt>
 * <dd>{@link geodesic.nn.Mode#TRAIN} reuses layer-owned buffers and is single-threaded per model;
 * {@link geodesic.nn.Mode#EVAL} allocates its outputs and may run on many threads at once. Parameter gradients
 * accumulate until {@link geodesic.nn.Model#zeroGrad()}.</dd>
 * <dt>Kernels</dt>
 * <dd>Layers compute through {@code geodesic.kernel} (GEMM, convolution, pooling, element-wise, softmax
 * cross-entropy) on the {@link geodesic.kernel.Parallelism} team given to the builder; batch norm and dropout loop
 * in plain Java, accumulating batch statistics in double.</dd>
 * <dt>Nulls and failures</dt>
 * <dd>No argument may be null; a null throws {@link java.lang.NullPointerException}. Bad shapes or values throw
 * {@link java.lang.IllegalArgumentException} naming the layer and both shapes or the value; calls out of order
 * (backward before forward, reading Kronecker factors that are not valid) throw
 * {@link java.lang.IllegalStateException}.</dd>
 * </dl>
 */
package geodesic.nn;
