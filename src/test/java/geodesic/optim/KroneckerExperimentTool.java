package geodesic.optim;

import geodesic.data.Batch;
import geodesic.data.BatchLoader;
import geodesic.data.BatchOptions;
import geodesic.data.ChannelNormalization;
import geodesic.data.Dataset;
import geodesic.data.FashionMnistData;
import geodesic.data.FashionMnistLocator;
import geodesic.data.Subsample;
import geodesic.kernel.Parallelism;
import geodesic.linalg.EigenPool;
import geodesic.linalg.SymmetricEigensolver;
import geodesic.nn.Architectures;
import geodesic.nn.CrossEntropyLoss;
import geodesic.nn.Mode;
import geodesic.nn.Sequential;
import geodesic.tensor.Tensor;
import geodesic.train.EpochMetrics;
import geodesic.train.Trainer;
import geodesic.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The measurements behind the Kronecker preconditioner's defaults, on real Fashion-MNIST. Not a test: run by hand
 * from the repository root after {@code ./mvnw -q test-compile package -DskipTests}:
 * <pre>{@code
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp target/classes:target/test-classes:target/lib/'*' geodesic.optim.KroneckerExperimentTool \
 *     stability mlp 200 10000 1 sgd paper 'paper,damping=f1e-4' defaults ...
 * }</pre>
 * Modes (then model {@code mlp|cnn}, a count, the training subset size (0 = all), kernel threads, then optimizer
 * specs):
 * <ul>
 *   <li>{@code stability}: the given number of steps at lr 0.01; prints per spec the step at which the loss or a
 *       statistic became non-finite, or the mean loss of the first and last 20 steps.</li>
 *   <li>{@code epochs}: the given number of epochs at lr 0.01; prints per epoch train loss, test loss, test
 *       accuracy and seconds.</li>
 *   <li>{@code breakdown}: the given number of steps; prints the mean milliseconds per step of forward+backward,
 *       factor statistics, root refreshes and preconditioning, per layer.</li>
 * </ul>
 * A spec is {@code sgd}, {@code diagonal}, or {@code paper}/{@code defaults}/{@code reference} followed by comma-separated
 * overrides: {@code damping=f1e-6} (factored absolute), {@code e1e-6} (eigenbasis), {@code fr1e-3} /
 * {@code er1e-3} (relative); {@code trace=0|1}, {@code early=0|1}, {@code shrink=C}, {@code tint=N}, {@code tcov=N},
 * {@code sample=F}, {@code rank=K} (roots of factors above 2K truncated to rank K; 0 = full), {@code async=D} (asynchronous roots on a 1-thread pool with delay D), {@code lr=X}.
 */
public final class KroneckerExperimentTool {
    private static final PrintStream OUT = System.out;

    private KroneckerExperimentTool() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 6) {
            throw new IllegalArgumentException("usage: KroneckerExperimentTool stability|epochs|breakdown mlp|cnn"
                    + " COUNT SUBSET THREADS SPEC...");
        }
        String mode = args[0];
        String model = args[1];
        int count = Integer.parseInt(args[2]);
        int subset = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        FashionMnistData data = FashionMnistLocator.defaults().locate();
        Dataset train = subset > 0 ? Subsample.stratified(data.train(), subset, 1) : data.train();
        Dataset test = data.test();
        ChannelNormalization norm = ChannelNormalization.fit(train);
        norm.applyInPlace(train);
        norm.applyInPlace(test);
        OUT.println("data " + train.size() + " train, " + test.size() + " test; model " + model + "; threads "
                + threads);
        try (Parallelism team = Parallelism.of(threads)) {
            for (int i = 5; i < args.length; i++) {
                String spec = args[i];
                switch (mode) {
                    case "stability" -> stability(model, spec, count, train, team);
                    case "epochs" -> epochs(model, spec, count, train, test, team);
                    case "breakdown" -> breakdown(model, spec, count, train, team);
                    default -> throw new IllegalArgumentException("unknown mode " + mode);
                }
            }
        }
    }

    private static Sequential build(String model, Parallelism team) {
        return (model.equals("cnn") ? Architectures.referenceCnn() : Architectures.mlp()).parallelism(team).build(1);
    }

    /** An optimizer and the pool it needs closed, from a spec. */
    private record Built(Optimizer optimizer, EigenPool pool) {
    }

    private static Built optimizer(String spec, Sequential net, Parallelism team) {
        String[] parts = spec.split(",");
        double lr = 0.01;
        if (parts[0].equals("sgd") || parts[0].equals("diagonal")) {
            for (int k = 1; k < parts.length; k++) {
                if (parts[k].startsWith("lr=")) {
                    lr = Double.parseDouble(parts[k].substring(3));
                }
            }
            return new Built(parts[0].equals("sgd") ? Sgd.plain(net.parameters(), lr)
                    : PreconditionedSgd.diagonal(net.parameters(), lr), null);
        }
        KroneckerSettings s = switch (parts[0]) {
            case "paper" -> KroneckerSettings.paper();
            case "defaults" -> KroneckerSettings.defaults();
            case "reference" -> KroneckerSettings.reference();
            default -> throw new IllegalArgumentException("unknown spec " + spec);
        };
        int async = -1;
        for (int k = 1; k < parts.length; k++) {
            String[] kv = parts[k].split("=");
            String v = kv[1];
            s = switch (kv[0]) {
                case "damping" -> s.withDamping(damping(v));
                case "trace" -> s.withTraceRescaling(v.equals("1"));
                case "early" -> s.withEarlyRefresh(v.equals("1"));
                case "shrink" -> s.withShrinkage(Double.parseDouble(v));
                case "tint" -> s.withRootInterval(Integer.parseInt(v));
                case "tcov" -> s.withFactorInterval(Integer.parseInt(v));
                case "sample" -> s.withConvSampleFraction(Double.parseDouble(v));
                case "gamma" -> s.withGamma(Double.parseDouble(v));
                case "rank" -> s.withRootRank(Integer.parseInt(v));
                case "async" -> {
                    async = Integer.parseInt(v);
                    yield s.withAsyncDelay(async);
                }
                case "lr" -> {
                    lr = Double.parseDouble(v);
                    yield s;
                }
                default -> throw new IllegalArgumentException("unknown override " + parts[k]);
            };
        }
        EigenPool pool = async >= 0 ? EigenPool.of(SymmetricEigensolver.active(), 1) : null;
        return new Built(PreconditionedSgd.kronecker(net, lr, s, team, pool), pool);
    }

    private static Damping damping(String v) {
        boolean eigen = v.charAt(0) == 'e';
        boolean relative = v.charAt(1) == 'r';
        double eps = Double.parseDouble(v.substring(relative ? 2 : 1));
        Damping d = eigen ? Damping.eigenbasis(eps) : Damping.factored(eps);
        return relative ? d.relative() : d;
    }

    private static void stability(String model, String spec, int steps, Dataset train, Parallelism team) {
        Sequential net = build(model, team);
        Built b = optimizer(spec, net, team);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        List<Double> losses = new ArrayList<>();
        String failure = null;
        long start = System.nanoTime();
        try (BatchLoader loader = new BatchLoader(train, BatchOptions.shuffled(128, 1), null)) {
            int epoch = 0;
            while (losses.size() < steps && failure == null) {
                loader.startEpoch(epoch++);
                while (loader.hasNext() && losses.size() < steps) {
                    Batch batch = loader.next();
                    net.zeroGrad();
                    double l = loss.forward(net.forward(batch.images(), Mode.TRAIN), batch.labels());
                    if (!Double.isFinite(l) || l > 1e3) {
                        failure = "loss " + l + " at step " + (losses.size() + 1);
                        break;
                    }
                    losses.add(l);
                    net.backward(loss.gradient());
                    try {
                        b.optimizer().step();
                    } catch (ArithmeticException e) {
                        failure = "step " + losses.size() + ": " + e.getMessage();
                    }
                }
            }
        } finally {
            if (b.pool() != null) {
                b.pool().close();
            }
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        if (failure != null) {
            OUT.printf(Locale.ROOT, "%-50s DIVERGED %s%n", spec, failure.length() > 160
                    ? failure.substring(0, 160) : failure);
        } else {
            OUT.printf(Locale.ROOT, "%-50s ok first20=%.4f last20=%.4f min=%.4f (%.1f s)%n", spec,
                    mean(losses, 0, 20), mean(losses, losses.size() - 20, losses.size()),
                    losses.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN), seconds);
        }
    }

    private static double mean(List<Double> xs, int from, int to) {
        double s = 0;
        for (int i = Math.max(0, from); i < to; i++) {
            s += xs.get(i);
        }
        return s / (to - Math.max(0, from));
    }

    private static void epochs(String model, String spec, int epochs, Dataset train, Dataset test,
                               Parallelism team) {
        Sequential net = build(model, team);
        Built b = optimizer(spec, net, team);
        try {
            Trainer.builder(net, b.optimizer()).epochs(epochs).batchSize(128).seed(1)
                    .listener(new TrainingListener() {
                        @Override
                        public void onEpoch(EpochMetrics m) {
                            OUT.printf(Locale.ROOT, "%-50s epoch %d train_loss=%.4f test_loss=%.4f test_acc=%.4f"
                                    + " seconds=%.1f%n", spec, m.epoch(), m.trainLoss(), m.testLoss(),
                                    m.testAccuracy(), m.seconds());
                        }
                    })
                    .build().fit(train, null, test);
        } catch (ArithmeticException e) {
            OUT.printf(Locale.ROOT, "%-50s DIVERGED %s%n", spec, e.getMessage());
        } finally {
            if (b.pool() != null) {
                b.pool().close();
            }
        }
    }

    private static void breakdown(String model, String spec, int steps, Dataset train, Parallelism team) {
        Sequential net = build(model, team);
        Built b = optimizer(spec, net, team);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        long forwardBackward = 0;
        long optimizerStep = 0;
        int warmup = Math.min(20, steps / 4);
        try (BatchLoader loader = new BatchLoader(train, BatchOptions.shuffled(128, 1), null)) {
            loader.startEpoch(0);
            for (int i = 0; i < steps + warmup; i++) {
                if (!loader.hasNext()) {
                    loader.startEpoch(i);
                }
                Batch batch = loader.next();
                long t0 = System.nanoTime();
                net.zeroGrad();
                Tensor logits = net.forward(batch.images(), Mode.TRAIN);
                loss.forward(logits, batch.labels());
                net.backward(loss.gradient());
                long t1 = System.nanoTime();
                b.optimizer().step();
                long t2 = System.nanoTime();
                if (i >= warmup) {
                    forwardBackward += t1 - t0;
                    optimizerStep += t2 - t1;
                }
            }
        } finally {
            if (b.pool() != null) {
                b.pool().close();
            }
        }
        OUT.printf(Locale.ROOT, "%-50s forward+backward %.1f ms, optimizer step %.1f ms (mean of %d steps)%n", spec,
                forwardBackward * 1e-6 / steps, optimizerStep * 1e-6 / steps, steps);
    }
}
