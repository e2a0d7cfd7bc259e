package geodesic.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_FILL_MODE_LOWER;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cusolver.CUSOLVER_EIG_MODE_VECTOR;
import static org.bytedeco.cuda.global.cusolver.CUSOLVER_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cusolver.cusolverDnCreate;
import static org.bytedeco.cuda.global.cusolver.cusolverDnDestroy;
import static org.bytedeco.cuda.global.cusolver.cusolverDnDsyevd;
import static org.bytedeco.cuda.global.cusolver.cusolverDnDsyevd_bufferSize;

import geodesic.kernel.DeviceUnavailableException;
import geodesic.linalg.SymmetricEigen;
import geodesic.linalg.SymmetricEigensolver;
import org.bytedeco.cuda.cusolver.cusolverDnContext;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Symmetric eigendecompositions on GPU 0 with cuSOLVER's {@code syevd} in float64, the divide-and-conquer solver
 * LAPACK's {@code dsyevd} uses on the CPU; results follow {@link SymmetricEigen}'s layout (ascending values,
 * eigenvector {@code j} in row {@code j}). The input is symmetrized as {@code (A + A^T) / 2} first, as the LAPACK
 * solver does.
 *
 * <p>Each call copies the matrix to the device and the decomposition back, so it pays off only for large
 * factors; the 3137x3137 factor of the reference CNN's first dense layer is the case it is timed on.
 *
 * <p><b>Threading.</b> Calls are serialized on the instance. {@link #close()} destroys the cuSOLVER handle.
 */
public final class CudaEigensolver implements SymmetricEigensolver, AutoCloseable {
    private final cusolverDnContext handle;
    private boolean closed;

    private CudaEigensolver(cusolverDnContext handle) {
        this.handle = handle;
    }

    /**
     * Opens cuSOLVER on GPU 0.
     *
     * @throws DeviceUnavailableException with the reason when the CUDA device or cuSOLVER cannot be used here
     */
    public static CudaEigensolver open() {
        var status = CudaProbe.status();
        if (!status.available()) {
            throw new DeviceUnavailableException("device 'cuda' is unavailable: " + status.detail());
        }
        try {
            CudaRuntime.check(cudaSetDevice(0), "cudaSetDevice(0)");
            cusolverDnContext h = new cusolverDnContext();
            check(cusolverDnCreate(h), "cusolverDnCreate");
            return new CudaEigensolver(h);
        } catch (LinkageError | IllegalStateException e) {
            throw new DeviceUnavailableException("cuSOLVER could not start: " + CudaProbe.firstLine(e.getMessage()),
                    e);
        }
    }

    /**
     * @throws IllegalArgumentException if {@code a} does not hold {@code n x n} values
     * @throws ArithmeticException      if syevd does not converge
     */
    @Override
    public SymmetricEigen decompose(double[] a, int n) {
        requireSquare(a.length, n);
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i * n + j] = 0.5 * (a[i * n + j] + a[j * n + i]);
            }
        }
        return decomposeSymmetric(s, n);
    }

    /** As {@link #decompose(double[], int)}, widening {@code a} to float64 first. */
    @Override
    public SymmetricEigen decompose(float[] a, int n) {
        requireSquare(a.length, n);
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i * n + j] = 0.5 * ((double) a[i * n + j] + a[j * n + i]);
            }
        }
        return decomposeSymmetric(s, n);
    }

    @Override
    public String name() {
        return "cusolver-dsyevd";
    }

    private synchronized SymmetricEigen decomposeSymmetric(double[] s, int n) {
        if (closed) {
            throw new IllegalStateException("CUDA eigensolver used after close()");
        }
        long elements = (long) n * n;
        DoublePointer dA = new DoublePointer();
        DoublePointer dW = new DoublePointer();
        DoublePointer dWork = new DoublePointer();
        IntPointer dInfo = new IntPointer();
        try (DoublePointer hostA = new DoublePointer(s); DoublePointer hostW = new DoublePointer(n);
             IntPointer lwork = new IntPointer(1); IntPointer info = new IntPointer(1)) {
            CudaRuntime.check(cudaMalloc(dA, elements * Double.BYTES), "cudaMalloc A");
            CudaRuntime.check(cudaMalloc(dW, (long) n * Double.BYTES), "cudaMalloc W");
            CudaRuntime.check(cudaMalloc(dInfo, Integer.BYTES), "cudaMalloc info");
            CudaRuntime.check(cudaMemcpy(dA, hostA, elements * Double.BYTES, cudaMemcpyHostToDevice), "copy A");
            // A symmetric matrix reads the same row- or column-major, and the column-major eigenvector matrix read
            // row-major is U^T: SymmetricEigen's layout, with no transpose.
            check(cusolverDnDsyevd_bufferSize(handle, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, dA, n, dW,
                    lwork), "cusolverDnDsyevd_bufferSize");
            CudaRuntime.check(cudaMalloc(dWork, (long) Math.max(1, lwork.get()) * Double.BYTES), "cudaMalloc work");
            check(cusolverDnDsyevd(handle, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, dA, n, dW, dWork,
                    lwork.get(), dInfo), "cusolverDnDsyevd");
            CudaRuntime.check(cudaMemcpy(info, dInfo, Integer.BYTES, cudaMemcpyDeviceToHost), "copy info");
            int code = info.get();
            if (code < 0) {
                throw new IllegalArgumentException("cusolverDnDsyevd rejected argument " + (-code));
            }
            if (code > 0) {
                throw new ArithmeticException("cusolverDnDsyevd did not converge: " + code
                        + " off-diagonal elements of an intermediate tridiagonal form did not reach zero");
            }
            CudaRuntime.check(cudaMemcpy(hostA, dA, elements * Double.BYTES, cudaMemcpyDeviceToHost), "copy U");
            CudaRuntime.check(cudaMemcpy(hostW, dW, (long) n * Double.BYTES, cudaMemcpyDeviceToHost), "copy W");
            double[] values = new double[n];
            double[] vectors = new double[n * n];
            hostW.get(values);
            hostA.get(vectors);
            return SymmetricEigen.of(n, values, vectors);
        } finally {
            cudaFree(dA);
            cudaFree(dW);
            cudaFree(dWork);
            cudaFree(dInfo);
        }
    }

    /** Destroys the cuSOLVER handle; idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            cusolverDnDestroy(handle);
        }
    }

    private static void requireSquare(int length, int n) {
        if (n < 1 || length != (long) n * n) {
            throw new IllegalArgumentException("a must hold n x n = " + n + " x " + n + " values, got " + length);
        }
    }

    private static void check(int status, String call) {
        if (status != CUSOLVER_STATUS_SUCCESS) {
            throw new IllegalStateException(call + " failed with cuSOLVER status " + status);
        }
    }
}
