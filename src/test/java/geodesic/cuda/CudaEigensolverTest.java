package geodesic.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.linalg.SymmetricEigen;
import geodesic.linalg.SymmetricEigensolver;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cuSOLVER's eigendecomposition matches the CPU solver's eigenvalues and has small residuals; skipped where there is
 * no usable GPU.
 */
class CudaEigensolverTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 257})
    void eighMatchesCpuSolverAndHasSmallResiduals(int n) {
        CudaAssumptions.assumeCuda();
        SplittableRandom r = new SplittableRandom(n);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i * n + j] = a[j * n + i] = r.nextDouble() * 2 - 1;
            }
        }
        SymmetricEigen gpu;
        try (CudaEigensolver solver = CudaEigensolver.open()) {
            gpu = solver.decompose(a, n);
        }
        SymmetricEigen cpu = SymmetricEigensolver.active().decompose(a, n);
        double norm = 0;
        for (double v : a) {
            norm = Math.max(norm, Math.abs(v));
        }
        double worstValue = 0, worstResidual = 0;
        for (int j = 0; j < n; j++) {
            worstValue = Math.max(worstValue, Math.abs(gpu.value(j) - cpu.value(j)));
            double[] v = gpu.vector(j);
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int k = 0; k < n; k++) {
                    av += a[i * n + k] * v[k];
                }
                worstResidual = Math.max(worstResidual, Math.abs(av - gpu.value(j) * v[i]));
            }
        }
        double tol = 1e-12 * n * Math.max(1, norm);
        assertTrue(worstValue <= tol, "max eigenvalue difference " + worstValue + " > " + tol);
        assertTrue(worstResidual <= tol, "max residual |Av - lambda v| " + worstResidual + " > " + tol);
    }
}
