package geodesic.cli;

import geodesic.kernel.Devices;
import geodesic.kernel.KernelProvider;
import geodesic.kernel.MatMul;
import geodesic.kernel.Parallelism;
import geodesic.linalg.OpenBlas;
import geodesic.linalg.SymmetricEigensolver;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code geodesic info}: what this JVM and machine give Geodesic, as {@code key=value} lines, ending with a GEMM
 * self-check that runs the Vector API kernel and OpenBLAS on the same random matrices, compares both with a
 * float64 product, and times them.
 */
final class InfoCommand {
    private InfoCommand() {
    }

    static int run(List<String> args, PrintStream out) {
        Options o = Options.parse("info", args, Set.of("size", "threads"), Set.of());
        int size = o.integer("size", 512, 1, 4096);
        int threads = o.integer("threads", 1, 1, 256);

        out.println("java_version=" + Runtime.version());
        out.println("java_vendor=" + System.getProperty("java.vendor"));
        out.println("java_home=" + System.getProperty("java.home"));
        out.println("cpus=" + Runtime.getRuntime().availableProcessors());
        KernelProvider kernels = KernelProvider.get();
        out.println("kernels=" + kernels.description());
        out.println("float_lanes=" + kernels.floatLanes());
        boolean blas = OpenBlas.isAvailable();
        out.println("openblas_available=" + blas);
        if (blas) {
            out.println("openblas_config=" + OpenBlas.config().trim());
            out.println("openblas_core=" + OpenBlas.coreName().trim());
            out.println("openblas_threads=" + OpenBlas.threads());
        } else {
            out.println("openblas_unavailable_reason=" + OpenBlas.unavailableReason().orElse("unknown"));
        }
        out.println("eigensolver=" + SymmetricEigensolver.active().name());
        out.println("device=" + Devices.requested());
        out.println("cuda=" + Devices.status("cuda"));
        gemmCheck(out, kernels, size, threads, blas);
        return 0;
    }

    private static void gemmCheck(PrintStream out, KernelProvider kernels, int n, int threads, boolean blas) {
        SplittableRandom r = new SplittableRandom(42);
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
            b[i] = (float) (r.nextDouble() * 2 - 1);
        }
        double[] ref = new double[n * n];
        double[] scale = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < n; p++) {
                double av = a[i * n + p];
                for (int j = 0; j < n; j++) {
                    ref[i * n + j] += av * b[p * n + j];
                    scale[i * n + j] += Math.abs(av * b[p * n + j]);
                }
            }
        }
        float[] c = new float[n * n];
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "gemm_check size=%d threads=%d", n, threads));
        double vectorGflops;
        try (Parallelism team = Parallelism.of(threads)) {
            MatMul mm = kernels.matMul(team);
            vectorGflops = time(n, () -> mm.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n));
            line.append(String.format(Locale.ROOT, " vector_max_rel_err=%.2e vector_gflops=%.1f",
                    maxRelativeError(c, ref, scale), vectorGflops));
        }
        if (blas) {
            OpenBlas.setThreads(threads);
            try {
                double blasGflops = time(n, () -> OpenBlas.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n));
                line.append(String.format(Locale.ROOT, " openblas_max_rel_err=%.2e openblas_gflops=%.1f ratio=%.2f",
                        maxRelativeError(c, ref, scale), blasGflops, vectorGflops / blasGflops));
            } finally {
                OpenBlas.setThreads(1);
            }
        }
        out.println(line);
    }

    /** Best GFLOP/s over repeated calls after a short warm-up, so the JIT has compiled the kernel. */
    private static double time(int n, Runnable gemm) {
        double flops = 2.0 * n * n * n;
        long warmUntil = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < warmUntil) {
            gemm.run();
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 7; i++) {
            long t0 = System.nanoTime();
            gemm.run();
            best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
        }
        return flops / best / 1e9;
    }

    /** Largest |c - ref| relative to sum |a_ip b_pj|, the scale float32 rounding error is proportional to. */
    private static double maxRelativeError(float[] c, double[] ref, double[] scale) {
        double worst = 0;
        for (int i = 0; i < c.length; i++) {
            worst = Math.max(worst, Math.abs(c[i] - ref[i]) / Math.max(scale[i], Double.MIN_NORMAL));
        }
        return worst;
    }
}
