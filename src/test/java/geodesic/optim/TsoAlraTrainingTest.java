package geodesic.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.data.Dataset;
import geodesic.data.FashionMnistData;
import geodesic.data.FashionMnistLocator;
import geodesic.data.Subsample;
import geodesic.kernel.Parallelism;
import geodesic.nn.Architectures;
import geodesic.nn.Sequential;
import geodesic.train.EpochMetrics;
import geodesic.train.Trainer;
import geodesic.train.TrainingListener;
import geodesic.train.TrainingResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Short real trainings on a Fashion-MNIST subset: TSO-ALRA runs through the trainer and switches on schedule. */
class TsoAlraTrainingTest {
    private static Dataset train;
    private static Dataset validation;

    @BeforeAll
    static void loadData() throws IOException {
        FashionMnistData data = FashionMnistLocator.defaults().withoutDownload().locate();
        train = Subsample.stratified(data.train(), 3000, 1);
        validation = Subsample.stratified(data.test(), 1000, 2);
    }

    /** Trains 3 epochs; the trainer tells the optimizer of each epoch's end before the listener reads isotropy. */
    private static TrainingResult trainWithSwitchAfterEpochTwo(Sequential net, TsoAlra opt, List<Double> isotropy) {
        return Trainer.builder(net, opt).epochs(3).batchSize(100).seed(4)
                .listener(new TrainingListener() {
                    @Override
                    public void onEpoch(EpochMetrics m) {
                        isotropy.add(opt.isotropy());
                    }
                })
                .build().fit(train, validation, null);
    }

    @Test
    void mlpWithDiagonalPreconditioningSwitchesAfterEpochTwoAndKeepsLearning() {
        Sequential net = Architectures.mlp().build(3);
        TsoAlra opt = TsoAlra.builder(net.parameters(), DiagonalPreconditioner.withDefaults(net.parameters())).learningRate(0.001)
                .switchAfterEpoch(2).stepsPerEpoch(30).build();
        List<Double> isotropy = new ArrayList<>();
        TrainingResult r = trainWithSwitchAfterEpochTwo(net, opt, isotropy);

        SwitchEvent e = opt.switchEvent().orElseThrow();
        assertEquals(2, e.epoch());
        assertEquals(2 * 30, e.step(), "30 batches of 100 per epoch");
        assertEquals(TsoAlra.Stage.SGD, opt.stage());
        assertEquals(0.001, r.last().learningRate());
        assertTrue(r.last().trainLoss() < r.epochs().get(0).trainLoss(), r.toString());
        assertTrue(r.last().validationAccuracy() > 0.7, "validation accuracy " + r.last().validationAccuracy());
        for (double iso : isotropy) {
            assertTrue(iso > 0 && iso < 2, "isotropy per epoch " + isotropy);
        }
    }

    @Test
    void mlpWithKroneckerPreconditioningSwitchesAfterEpochTwoOfThree() {
        Sequential net = Architectures.mlp().build(3);
        // Algorithm 1's schedule (roots every 20 steps): the defaults refresh roots every 100 steps, so in this
        // 60-step run their roots would be the first batch's only, which says nothing about Theorem 2.
        KroneckerPreconditioner kronecker = new KroneckerPreconditioner(net, KroneckerSettings.reference(),
                Parallelism.sequential());
        TsoAlra opt = TsoAlra.builder(net.parameters(), kronecker).switchAfterEpoch(2).stepsPerEpoch(30).build();
        List<Double> isotropy = new ArrayList<>();
        TrainingResult r = trainWithSwitchAfterEpochTwo(net, opt, isotropy);

        SwitchEvent e = opt.switchEvent().orElseThrow();
        assertEquals(2, e.epoch());
        assertEquals(60, e.step());
        assertEquals(TsoAlra.DEFAULT_LEARNING_RATE, e.learningRateAfter());
        assertTrue(r.last().trainLoss() < r.epochs().get(0).trainLoss(), r.toString());
        assertTrue(r.last().validationAccuracy() > 0.7, "validation accuracy " + r.last().validationAccuracy());
        // Theorem 2: noise after F^{-1/2} reads isotropic; the raw SGD noise of stage 2 does not.
        assertTrue(isotropy.get(0) > 0.5 && isotropy.get(1) > 0.5, "Kronecker stage isotropy " + isotropy);
        assertTrue(isotropy.get(2) < 0.3, "raw gradient noise isotropy in the SGD stage " + isotropy);
    }
}
