/**
 * Datasets for training: readers for the IDX (MNIST, Fashion-MNIST), CIFAR-10/100 binary and SVHN {@code .mat}
 * formats, a Fashion-MNIST locator with an embedded real subset, seeded validation splits and subsamples,
 * per-channel normalisation, and seeded mini-batching with optional background prefetch.
 *
 * <h2>Layout</h2>
 * A {@link geodesic.data.Dataset} holds {@code N} examples as float32 pixels in NCHW order (row-major
 * {@code [N, C, H, W]}) in one {@code float[]}, scaled from bytes to {@code [0, 1]} by dividing by 255, plus one
 * {@code int} label per example in {@code [0, numClasses)}.
 *
 * <h2>Failures</h2>
 * <ul>
 *   <li>A malformed, truncated or inconsistent file raises {@link geodesic.data.DatasetFormatException} (an
 *       {@link java.io.IOException}) whose message names the file and what was wrong. Sizes declared by headers
 *       are checked against the file size (or, for compressed files, against the most the file could expand to)
 *       before any large allocation.</li>
 *   <li>No Fashion-MNIST copy at all raises {@link geodesic.data.DatasetUnavailableException}, saying how to get
 *       one.</li>
 *   <li>Bad arguments (sizes, fractions, shapes) raise {@link IllegalArgumentException} naming the values.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Readers, splits and normalisation run on the calling thread. {@link geodesic.data.BatchLoader} is driven by one
 * consumer thread and may fill the next batch on a host-supplied {@link java.util.concurrent.Executor}; the package
 * never creates threads.
 *
 * <h2>Nulls</h2>
 * No method accepts or returns {@code null} unless its documentation says so.
 */
package geodesic.data;
