/**
 * Dense linear algebra for the optimizers: symmetric eigendecompositions of the per-layer Kronecker factors, the
 * damped inverse roots built from them, and OpenBLAS through the Foreign Function &amp; Memory API.
 *
 * <ul>
 *   <li>{@link geodesic.linalg.SymmetricEigensolver} decomposes a symmetric matrix in float64;
 *       {@link geodesic.linalg.SymmetricEigensolver#active()} is LAPACK {@code dsyevd} with fallbacks to
 *       {@code dsyevr} and a pure-Java solver, or the pure-Java solver alone where OpenBLAS cannot load.</li>
 *   <li>{@link geodesic.linalg.SymmetricEigen} holds the result and computes
 *       {@code U diag((max(lambda, 0) + eps)^-p) U^T}; {@link geodesic.linalg.Eigenbasis} applies
 *       {@code (L (x) R + eps I)^-p} to a gradient in the eigenbasis.</li>
 *   <li>{@link geodesic.linalg.EigenPool} runs several decompositions at once for asynchronous refreshes.</li>
 *   <li>{@link geodesic.linalg.OpenBlas} loads OpenBLAS once and exposes the reference {@code sgemm} and
 *       {@code ssyrk}; {@code geodesic.linalg.ffm} holds the raw bindings.</li>
 * </ul>
 *
 * <p>All matrices are row-major. No method accepts or returns null. Only {@code geodesic.tensor} and
 * {@code geodesic.kernel} are imported from the rest of Geodesic.
 */
package geodesic.linalg;
