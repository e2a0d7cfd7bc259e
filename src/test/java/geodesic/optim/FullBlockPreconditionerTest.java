package geodesic.optim;

import static geodesic.optim.PreconditionerReference.inverseRoot;
import static geodesic.optim.PreconditionerReference.meanEigenvalue;
import static geodesic.optim.PreconditionerReference.multiply;
import static geodesic.optim.PreconditionerReference.random;
import static geodesic.optim.PreconditionerReference.relativeError;
import static geodesic.optim.PreconditionerReference.stacked;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Parallelism;
import geodesic.nn.Architectures;
import geodesic.nn.KroneckerFactorSource;
import geodesic.nn.Mode;
import geodesic.nn.Sequential;
import geodesic.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FullBlockPreconditionerTest {

    /**
     * The per-example gradients {@code vec([dW_n; db_n])} of the layer, {@code [N x D]} in float64, rebuilt from
     * the captured inputs and output gradients with the mean loss's {@code 1/N} undone.
     */
    private static double[] perExampleGradients(KroneckerFactorSource s) {
        int n = s.examples();
        int in = s.inputDim();
        int out = s.outputDim();
        int positions = s.positions();
        int d = (in + 1) * out;
        float[] x = s.inputs().data();
        float[] g = s.outputGradients().data();
        double[] e = new double[n * d];
        for (int k = 0; k < n; k++) {
            for (int p = 0; p < positions; p++) {
                for (int i = 0; i <= in; i++) {
                    double a = i == in ? 1 : x[(k * positions + p) * in + i];
                    for (int o = 0; o < out; o++) {
                        e[k * d + i * out + o] += a * n * g[(k * out + o) * positions + p];
                    }
                }
            }
        }
        return e;
    }

    @ParameterizedTest
    @CsvSource({"dense, false", "dense, true", "conv, false", "conv, true"})
    void fullBlockStepMatchesFloat64Reference(String layer, boolean relative) {
        Sequential net = layer.equals("conv") ? Sequential.builder(2, 4, 4).conv2d(3, 3, 1, 1).build(2)
                : Sequential.builder(5).dense(4).build(2);
        Damping damping = relative ? Damping.eigenbasis(0.01).relative() : Damping.eigenbasis(1e-3);
        FullBlockPreconditioner full = new FullBlockPreconditioner(net, 0.25, 1, damping, 1024,
                Parallelism.sequential());
        KroneckerFactorSource s = net.kroneckerFactorSources().get(0);
        int d = (s.inputDim() + 1) * s.outputDim();
        double[] f = new double[d * d];
        SplittableRandom r = new SplittableRandom(layer.length());
        for (int step = 1; step <= 2; step++) {
            net.zeroGrad();
            Tensor y = net.forward(random(r, 1, net.inputShape().withBatch(9)), Mode.TRAIN);
            net.backward(random(r, 1.0 / 9, y.shape()));
            double[] e = perExampleGradients(s);
            int n = s.examples();
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    double sum = 0;
                    for (int k = 0; k < n; k++) {
                        sum += e[k * d + i] * e[k * d + j];
                    }
                    f[i * d + j] = step == 1 ? sum / n : 0.75 * f[i * d + j] + 0.25 * sum / n;
                }
            }
            double[] g = stacked(s.weight().grad().data(), s.bias().grad().data());
            full.precondition(step);
            double eps = relative ? 0.01 * meanEigenvalue(f, d) : 1e-3;
            double[] want = multiply(inverseRoot(f, d, eps), g, d, d, 1);
            float[] got = new float[d];
            System.arraycopy(s.weight().grad().data(), 0, got, 0, d - s.outputDim());
            System.arraycopy(s.bias().grad().data(), 0, got, d - s.outputDim(), s.outputDim());
            double err = relativeError(got, want);
            assertTrue(err < 1e-4, layer + " step " + step + ": max relative error " + err);
            double errF = relativeError(full.covariance(0), f);
            assertTrue(errF < 1e-5, layer + " step " + step + ": covariance max relative error " + errF);
        }
    }

    @Test
    void refusesLayersAboveTheLimitNamingLayerSizeAndLimit() {
        Sequential mlp = Architectures.mlp().build(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FullBlockPreconditioner(mlp, 0.05, 20, Damping.eigenbasis(1e-3),
                        FullBlockPreconditioner.DEFAULT_MAX_DIMENSION, Parallelism.sequential()));
        assertTrue(e.getMessage().contains("dense1") && e.getMessage().contains("200960")
                && e.getMessage().contains("4096"), e.getMessage());
    }

    @Test
    void exportedStateResumesBitExactly() {
        Sequential a = Sequential.builder(4).dense(3).relu().dense(2).build(6);
        Sequential b = Sequential.builder(4).dense(3).relu().dense(2).build(6);
        FullBlockPreconditioner pa = new FullBlockPreconditioner(a, 0.3, 2, Damping.eigenbasis(1e-3), 64,
                Parallelism.sequential());
        FullBlockPreconditioner pb = new FullBlockPreconditioner(b, 0.3, 2, Damping.eigenbasis(1e-3), 64,
                Parallelism.sequential());
        for (int step = 1; step <= 5; step++) {
            feed(a, step);
            pa.precondition(step);
            if (step == 3) {
                OptimizerState s = new OptimizerState("test");
                pa.exportState(s, "");
                pb.importState(s, "");
            }
            if (step > 3) {
                feed(b, step);
                pb.precondition(step);
                for (int i = 0; i < a.parameters().size(); i++) {
                    assertArrayEquals(a.parameters().get(i).grad().data(), b.parameters().get(i).grad().data(),
                            "step " + step + " parameter " + i);
                }
            }
        }
    }

    private static void feed(Sequential net, long step) {
        SplittableRandom r = new SplittableRandom(step);
        net.zeroGrad();
        Tensor y = net.forward(random(r, 1, 5, 4), Mode.TRAIN);
        net.backward(random(r, 0.2, y.shape()));
    }
}
