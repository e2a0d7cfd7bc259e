package geodesic.cli;

import geodesic.kernel.Parallelism;
import geodesic.linalg.EigenPool;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.nn.CrossEntropyLoss;
import geodesic.nn.Mode;
import geodesic.nn.Sequential;
import geodesic.optim.Optimizer;
import geodesic.tensor.Tensor;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code geodesic bench train}: steady-state training throughput. Runs warm-up steps, then times a fixed number of
 * full training steps (forward, loss, backward, optimizer) on random 1x28x28 batches, whose values do not change
 * the work done, and prints {@code train model=... optimizer=... threads=... batch=... images_per_s=...
 * ms_per_step=... gc_percent=... cpu_ms_per_step=... other_cpu_ms_per_step=...}.
 *
 * <p>{@code cpu_ms_per_step} is the CPU time of the training thread alone, {@code other_cpu_ms_per_step} that of
 * every other thread of the JVM (kernel workers, the eigendecomposition pool, GC, JIT). With {@code --threads 1}
 * the first is the step's own work and, unlike wall time, hardly changes when other processes load the machine,
 * so it compares optimizers on a busy machine.
 *
 * <p>With {@code --device cpu|cuda} the model runs on that device instead (see {@link DeviceBench});
 * {@code bench eigen} times eigendecompositions.
 */
final class BenchCommand {
    private BenchCommand() {
    }

    static int run(List<String> args, PrintStream out) {
        if (!args.isEmpty() && args.get(0).equals("eigen")) {
            return DeviceBench.eigen(args.subList(1, args.size()), out);
        }
        if (args.isEmpty() || !args.get(0).equals("train")) {
            throw new UsageException("bench: expected 'bench train [options]' or 'bench eigen [options]'");
        }
        Set<String> valued = new HashSet<>(OptimizerOptions.OPTIONS);
        valued.addAll(Set.of("model", "threads", "batch", "steps", "warmup", "seed"));
        valued.addAll(DeviceOptions.VALUED);
        Set<String> switches = new HashSet<>(OptimizerOptions.SWITCHES);
        switches.addAll(DeviceOptions.SWITCHES);
        Options o = Options.parse("bench train", args.subList(1, args.size()), valued, switches);
        String model = o.choice("model", "cnn", List.of("cnn", "mlp"));
        String optimizerName = o.has("optimizer") ? OptimizerOptions.name(o, "sgd") : "sgd";
        int threads = o.integer("threads", Runtime.getRuntime().availableProcessors(), 1, 1024);
        int batch = o.integer("batch", 128, 1, 65_536);
        int steps = o.integer("steps", model.equals("cnn") ? 200 : 1000, 1, 10_000_000);
        int warmup = o.integer("warmup", Math.max(20, steps / 5), 0, 10_000_000);
        long seed = o.integer("seed", 0, 0, Integer.MAX_VALUE);
        OptimizerOptions.check(o, optimizerName);
        if (o.has(DeviceOptions.DEVICE) || !DeviceOptions.name(o).equals("cpu")) {
            return DeviceBench.train(o, model, optimizerName, threads, batch, steps, warmup, seed, out);
        }

        BenchBatch data = BenchBatch.random(batch, seed);
        float[] pixels = data.pixels();
        int[] labels = data.labels();
        Tensor x = Tensor.wrap(pixels, batch, 1, 28, 28);
        try (Parallelism team = Parallelism.of(threads);
             EigenPool rootPool = EigenPool.of(SymmetricEigensolver.active(), 1)) {
            Sequential net = (model.equals("cnn") ? geodesic.nn.Architectures.referenceCnn()
                    : geodesic.nn.Architectures.mlp()).parallelism(team).build(seed);
            Optimizer optimizer = OptimizerOptions.create(o, optimizerName, net, team, steps + warmup, rootPool, 0);
            CrossEntropyLoss loss = new CrossEntropyLoss();
            for (int i = 0; i < warmup; i++) {
                step(net, optimizer, loss, x, labels);
            }
            ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
            long gc0 = gcMillis();
            long cpu0 = threadBean.getCurrentThreadCpuTime();
            long process0 = processCpuNanos();
            long alloc0 = allocatedBytes();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step(net, optimizer, loss, x, labels);
            }
            double seconds = (System.nanoTime() - t0) * 1e-9;
            long alloc1 = allocatedBytes();
            long allocPerStep = alloc0 < 0 || alloc1 < 0 ? -1 : (alloc1 - alloc0) / steps;
            double cpuMs = (threadBean.getCurrentThreadCpuTime() - cpu0) * 1e-6;
            double otherCpuMs = (processCpuNanos() - process0) * 1e-6 - cpuMs;
            double gcPercent = 100.0 * (gcMillis() - gc0) / 1e3 / seconds;
            out.printf(Locale.ROOT,
                    "train model=%s optimizer=%s threads=%d batch=%d steps=%d images_per_s=%.0f ms_per_step=%.2f"
                            + " gc_percent=%.2f cpu_ms_per_step=%.2f other_cpu_ms_per_step=%.2f"
                            + " alloc_bytes_per_step=%d%n",
                    model, optimizerName, threads, batch, steps, steps * (double) batch / seconds,
                    seconds * 1e3 / steps, gcPercent, cpuMs / steps, Math.max(0, otherCpuMs) / steps,
                    allocPerStep);
        }
        return 0;
    }

    private static void step(Sequential net, Optimizer optimizer, CrossEntropyLoss loss, Tensor x, int[] labels) {
        net.zeroGrad();
        Tensor logits = net.forward(x, Mode.TRAIN);
        loss.forward(logits, labels);
        net.backward(loss.gradient());
        optimizer.step();
    }

    /**
     * Bytes allocated so far by all live threads (the training thread and the kernel team), or -1 where the JVM does
     * not count them.
     */
    private static long allocatedBytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean)
                || !bean.isThreadAllocatedMemoryEnabled()) {
            return -1;
        }
        long sum = 0;
        for (long bytes : bean.getThreadAllocatedBytes(bean.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }

    /** CPU time of the whole JVM, or 0 where the platform does not report it. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
