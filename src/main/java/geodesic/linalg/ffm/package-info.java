/**
 * Raw FFM bindings to OpenBLAS (CBLAS, LAPACKE and the {@code openblas_*} utilities) and the enums that carry the
 * native flag codes. Nothing here checks arguments; {@code geodesic.linalg.OpenBlas} is the only caller.
 *
 * <table>
 *   <caption>Which enum feeds which routine</caption>
 *   <tr><th>Enum</th><th>Routines</th></tr>
 *   <tr><td>{@link geodesic.linalg.ffm.Layout}</td><td>every {@code cblas_*} and {@code LAPACKE_*} call</td></tr>
 *   <tr><td>{@link geodesic.linalg.ffm.Transpose}</td><td>{@code cblas_sgemm}, {@code cblas_ssyrk},
 *       {@code cblas_dsyrk}</td></tr>
 *   <tr><td>{@link geodesic.linalg.ffm.Uplo}</td><td>{@code cblas_ssyrk}, {@code cblas_dsyrk} (int code),
 *       {@code LAPACKE_dsyevd_work}, {@code LAPACKE_dsyevr_work} (char code)</td></tr>
 *   <tr><td>{@link geodesic.linalg.ffm.EigenJob}</td><td>{@code LAPACKE_dsyevd_work},
 *       {@code LAPACKE_dsyevr_work}</td></tr>
 *   <tr><td>{@link geodesic.linalg.ffm.EigenRange}</td><td>{@code LAPACKE_dsyevr_work}</td></tr>
 * </table>
 *
 * <p>Arguments are never null.
 */
package geodesic.linalg.ffm;
