package geodesic.cli;

import geodesic.cuda.CudaEigensolver;
import geodesic.kernel.Device;
import geodesic.kernel.DeviceSelection;
import geodesic.kernel.Devices;
import geodesic.kernel.Parallelism;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.nn.Architectures;
import geodesic.nn.DeviceModel;
import geodesic.nn.Sequential;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The device side of {@code geodesic bench}: {@code bench train --device NAME} times training steps of a model
 * moved onto the device ({@link DeviceModel}, {@code --optimizer sgd|momentum|adam}); {@code bench eigen} times a symmetric eigendecomposition on
 * the CPU's LAPACK and, with {@code --device cuda}, on cuSOLVER.
 */
final class DeviceBench {
    private DeviceBench() {
    }

    /** Prints {@code train model=... optimizer=... device=... images_per_s=... ms_per_step=... last_loss=...}. */
    static int train(Options o, String model, String optimizerName, int threads, int batch, int steps, int warmup,
                     long seed, PrintStream out) {
        DeviceUpdate update = DeviceUpdate.of("bench train", o, optimizerName);
        BenchBatch data = BenchBatch.random(batch, seed);
        float[] pixels = data.pixels();
        int[] labels = data.labels();
        try (Parallelism team = Parallelism.of(threads)) {
            DeviceSelection selection = DeviceOptions.open("bench train", o, team);
            Sequential net = (model.equals("cnn") ? Architectures.referenceCnn() : Architectures.mlp())
                    .parallelism(team).build(seed);
            try (Device device = selection.device(); DeviceModel onDevice = DeviceModel.of(net, device, batch)) {
                for (int i = 0; i < warmup; i++) {
                    update.step(onDevice, pixels, labels, batch);
                }
                device.synchronize();
                long t0 = System.nanoTime();
                double loss = 0;
                for (int i = 0; i < steps; i++) {
                    loss = update.step(onDevice, pixels, labels, batch);
                }
                device.synchronize();
                double seconds = (System.nanoTime() - t0) * 1e-9;
                out.printf(Locale.ROOT,
                        "train model=%s optimizer=%s device=%s threads=%d batch=%d steps=%d"
                                + " images_per_s=%.0f ms_per_step=%.3f last_loss=%.4f%n",
                        model, update.name(), device.name(), threads, batch, steps, steps * (double) batch / seconds,
                        seconds * 1e3 / steps, loss);
            }
        }
        return 0;
    }

    /**
     * {@code bench eigen [--size N] [--repeats R] [--device cpu|cuda] [--device-fallback]}: prints one
     * {@code eigen solver=... n=... best_ms=... max_residual=...} line per solver.
     */
    static int eigen(List<String> args, PrintStream out) {
        Options o = Options.parse("bench eigen", args, Set.of("size", "repeats", DeviceOptions.DEVICE),
                DeviceOptions.SWITCHES);
        int n = o.integer("size", 3137, 1, 20_000);
        int repeats = o.integer("repeats", 3, 1, 100);
        boolean onGpu;
        try (Device d = DeviceOptions.open("bench eigen", o, Parallelism.sequential()).device()) {
            onGpu = !d.name().equals(Devices.CPU);
        }
        double[] a = spd(n);
        time(out, SymmetricEigensolver.active().name(), n, repeats, a,
                () -> SymmetricEigensolver.active().decompose(a, n));
        if (onGpu) {
            try (CudaEigensolver gpu = CudaEigensolver.open()) {
                time(out, gpu.name(), n, repeats, a, () -> gpu.decompose(a, n));
            }
        }
        return 0;
    }

    private static void time(PrintStream out, String name, int n, int repeats, double[] a,
                             Supplier<geodesic.linalg.SymmetricEigen> run) {
        double best = Double.MAX_VALUE;
        geodesic.linalg.SymmetricEigen e = null;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            e = run.get();
            best = Math.min(best, (System.nanoTime() - t0) * 1e-6);
        }
        out.printf(Locale.ROOT, "eigen solver=%s n=%d repeats=%d best_ms=%.1f max_residual=%.2e%n", name, n, repeats,
                best, residual(a, n, e));
    }

    /** max_j ||A v_j - lambda_j v_j||_inf over a few eigenpairs, relative to max |A_ij|. */
    private static double residual(double[] a, int n, geodesic.linalg.SymmetricEigen e) {
        double norm = 0;
        for (double v : a) {
            norm = Math.max(norm, Math.abs(v));
        }
        double worst = 0;
        for (int j : new int[] {0, n / 2, n - 1}) {
            double[] v = e.vector(j);
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int k = 0; k < n; k++) {
                    av += a[i * n + k] * v[k];
                }
                worst = Math.max(worst, Math.abs(av - e.value(j) * v[i]));
            }
        }
        return worst / Math.max(norm, Double.MIN_NORMAL);
    }

    /** A random symmetric positive definite matrix, the kind a Kronecker factor is. */
    private static double[] spd(int n) {
        SplittableRandom r = new SplittableRandom(n);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = (r.nextDouble() * 2 - 1) / n;
                a[i * n + j] = v;
                a[j * n + i] = v;
            }
            a[i * n + i] += 1;
        }
        return a;
    }
}
