package geodesic.train;

import geodesic.data.Dataset;
import geodesic.kernel.Parallelism;
import geodesic.nn.Model;
import geodesic.nn.Sequential;
import geodesic.optim.Adagrad;
import geodesic.optim.Adam;
import geodesic.optim.Damping;
import geodesic.optim.DiagonalPreconditioner;
import geodesic.optim.FullBlockPreconditioner;
import geodesic.optim.Optimizer;
import geodesic.optim.PreconditionedSgd;
import geodesic.optim.RmsProp;
import geodesic.optim.Sgd;
import geodesic.optim.TsoAlra;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Small datasets, models and optimizers shared by the checkpoint, policy and concurrency tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** A named optimizer constructor, so parameterized tests print which optimizer they ran. */
    record OptimizerFactory(String name, Function<Model, Optimizer> make) {
        Optimizer on(Model m) {
            return make.apply(m);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Every optimizer on main, in the configurations whose state differs, except the Kronecker preconditioner,
     * which needs a shrunk root schedule and an eigen pool and has its own resume test
     * ({@link KroneckerResumeBitExactTest}).
     */
    static List<OptimizerFactory> optimizers() {
        return List.of(
                new OptimizerFactory("sgd", m -> Sgd.plain(m.parameters(), 0.05)),
                new OptimizerFactory("momentum", m -> Sgd.withMomentum(m.parameters(), 0.05, 0.9)),
                new OptimizerFactory("nesterov+wd",
                        m -> new Sgd(m.parameters(), 0.05, 0.9, 0, true, 1e-3)),
                new OptimizerFactory("adam+wd", m -> new Adam(m.parameters(), 0.01, 0.9, 0.999, 1e-8, 1e-3, false)),
                new OptimizerFactory("amsgrad", m -> Adam.amsGrad(m.parameters(), 0.01)),
                new OptimizerFactory("rmsprop centered+momentum",
                        m -> new RmsProp(m.parameters(), 0.01, 0.99, 1e-8, 1e-3, 0.9, true)),
                new OptimizerFactory("adagrad lr-decay",
                        m -> new Adagrad(m.parameters(), 0.05, 1e-3, 1e-3, 0.1, 1e-10)),
                new OptimizerFactory("diagonal", m -> PreconditionedSgd.diagonal(m.parameters(), 0.005)),
                new OptimizerFactory("tso-alra diagonal, switch after epoch 1, matched lr",
                        m -> TsoAlra.builder(m.parameters(), DiagonalPreconditioner.withDefaults(m.parameters()))
                                .learningRate(0.005).momentum(0.9).switchAfterEpoch(1).matchLearningRate(true)
                                .build()),
                new OptimizerFactory("full-block+momentum", m -> new PreconditionedSgd(m.parameters(),
                        new FullBlockPreconditioner(m, 0.05, 3, Damping.eigenbasis(1e-3), 1000,
                                Parallelism.sequential()), 0.005, 0.9)));
    }

    /** Three classes of noisy 1x6x6 images, learnable by {@link #cnn}. */
    static Dataset blobs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] pixels = new float[n * 36];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            labels[i] = c;
            for (int j = 0; j < 36; j++) {
                double centre = (j % 3 == c) ? 1.0 : -0.5;
                pixels[i * 36 + j] = (float) (centre + 0.5 * r.nextGaussian());
            }
        }
        return Dataset.of("blobs", "synthetic", 3, 1, 6, 6, pixels, labels);
    }

    /** A small CNN with batch norm (so buffers are checkpointed too). */
    static Sequential cnn(long seed) {
        return Sequential.builder(1, 6, 6).conv2d(4, 3, 1, 1).batchNorm().relu().maxPool2d(2)
                .flatten().dense(12).relu().dense(3).build(seed);
    }

    /** A small MLP. */
    static Sequential mlp(long seed) {
        return Sequential.builder(1, 6, 6).flatten().dense(16).relu().dense(3).build(seed);
    }
}
