package geodesic.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Conv2dGeometry;
import geodesic.kernel.Pool2dGeometry;
import geodesic.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward passes against plain float64 references on random inputs of awkward sizes. Errors are measured relative
 * to the sum of absolute terms of each output, with a tolerance linear in the reduction length (the worst case of
 * float32 accumulation), and in both modes, since training and inference take different code paths.
 */
class LayerForwardTest {
    private static final double ULP_PER_TERM = 1.2e-7;

    private static void randomize(Layer layer, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : layer.parameters()) {
            float[] v = p.value().data();
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (2 * rng.nextDouble() - 1);
            }
        }
    }

    private static void assertClose(double[] ref, double[] absTerms, float[] actual, int reduction, String what) {
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - ref[i]) / (absTerms[i] + 1e-30));
        }
        double tol = ULP_PER_TERM * (reduction + 1);
        assertTrue(worst <= tol, what + ": max relative error " + worst + " exceeds " + tol);
    }

    @ParameterizedTest
    @MethodSource("denseSizes")
    void denseMatchesFloat64Reference(int n, int in, int out) {
        Dense d = new Dense("dense", in, out, WeightInit.GLOROT_UNIFORM, Kernels.sequential());
        randomize(d, in * 31L + out);
        Tensor x = GradientCheck.random(new SplittableRandom(n), n, in);
        float[] w = d.weight().value().data();
        float[] b = d.bias().value().data();
        double[] ref = new double[n * out];
        double[] abs = new double[n * out];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                double s = b[j];
                double a = Math.abs(b[j]);
                for (int i = 0; i < in; i++) {
                    s += (double) x.data()[r * in + i] * w[i * out + j];
                    a += Math.abs((double) x.data()[r * in + i] * w[i * out + j]);
                }
                ref[r * out + j] = s;
                abs[r * out + j] = a;
            }
        }
        assertClose(ref, abs, d.forward(x, Mode.TRAIN).data(), in, "dense train " + n + "x" + in + "x" + out);
        assertClose(ref, abs, d.forward(x, Mode.EVAL).data(), in, "dense eval " + n + "x" + in + "x" + out);
    }

    static Stream<Arguments> denseSizes() {
        return Stream.of(Arguments.of(1, 1, 1), Arguments.of(7, 8, 9), Arguments.of(9, 31, 33),
                Arguments.of(33, 129, 7), Arguments.of(2, 257, 31));
    }

    @ParameterizedTest
    @MethodSource("convGeometries")
    void conv2dMatchesFloat64Reference(Conv2dGeometry g, int n) {
        Conv2d c = new Conv2d("conv", g, WeightInit.HE_UNIFORM, Kernels.sequential());
        randomize(c, g.hashCode());
        Tensor x = GradientCheck.random(new SplittableRandom(n), n, g.channels(), g.height(), g.width());
        float[] w = c.weight().value().data();
        float[] b = c.bias().value().data();
        int oh = g.outHeight();
        int ow = g.outWidth();
        int oc = g.outChannels();
        double[] ref = new double[n * oc * oh * ow];
        double[] abs = new double[ref.length];
        for (int e = 0; e < n; e++) {
            for (int o = 0; o < oc; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = b[o];
                        double a = Math.abs(b[o]);
                        for (int ch = 0; ch < g.channels(); ch++) {
                            for (int ki = 0; ki < g.kernelH(); ki++) {
                                for (int kj = 0; kj < g.kernelW(); kj++) {
                                    int r = i * g.strideH() - g.padH() + ki;
                                    int q = j * g.strideW() - g.padW() + kj;
                                    if (r < 0 || r >= g.height() || q < 0 || q >= g.width()) {
                                        continue;
                                    }
                                    double xv = x.data()[((e * g.channels() + ch) * g.height() + r) * g.width() + q];
                                    double wv = w[((ch * g.kernelH() + ki) * g.kernelW() + kj) * oc + o];
                                    s += xv * wv;
                                    a += Math.abs(xv * wv);
                                }
                            }
                        }
                        int at = ((e * oc + o) * oh + i) * ow + j;
                        ref[at] = s;
                        abs[at] = a;
                    }
                }
            }
        }
        assertClose(ref, abs, c.forward(x, Mode.TRAIN).data(), g.patchSize(), "conv train " + g);
        assertClose(ref, abs, c.forward(x, Mode.EVAL).data(), g.patchSize(), "conv eval " + g);
    }

    static Stream<Arguments> convGeometries() {
        return Stream.of(
                Arguments.of(new Conv2dGeometry(1, 7, 9, 8, 3, 3, 1, 1, 1, 1), 2),
                Arguments.of(new Conv2dGeometry(3, 9, 8, 9, 5, 3, 2, 2, 1, 1), 3),
                Arguments.of(new Conv2dGeometry(2, 31, 33, 7, 3, 3, 2, 1, 0, 2), 1),
                Arguments.of(new Conv2dGeometry(33, 8, 8, 1, 1, 1, 1, 1, 0, 0), 2));
    }

    @Test
    void conv2dEvalMatchesTheTrainingForward() {
        Conv2dGeometry g = new Conv2dGeometry(8, 32, 32, 4, 3, 3, 1, 1, 1, 1);
        int n = 35;
        Conv2d c = new Conv2d("conv", g, WeightInit.HE_UNIFORM, Kernels.sequential());
        randomize(c, 5);
        Tensor x = GradientCheck.random(new SplittableRandom(6), n, 8, 32, 32);
        assertArrayEquals(c.forward(x, Mode.TRAIN).data(), c.forward(x, Mode.EVAL).data(),
                "eval differs from the training forward for batch " + n);
    }

    @Test
    void reluAndMaxPoolMatchDirectDefinitions() {
        Tensor x = GradientCheck.random(new SplittableRandom(7), 3, 2, 7, 9);
        Relu relu = new Relu("relu", Shape.of(2, 7, 9), Kernels.sequential());
        float[] r = relu.forward(x, Mode.EVAL).data();
        for (int i = 0; i < r.length; i++) {
            assertTrue(r[i] == Math.max(0f, x.data()[i]), "relu at " + i);
        }
        MaxPool2d pool = new MaxPool2d("pool", new Pool2dGeometry(2, 7, 9, 3, 2), Kernels.sequential());
        float[] y = pool.forward(x, Mode.TRAIN).data();
        int at = 0;
        for (int plane = 0; plane < 6; plane++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int a = 0; a < 3; a++) {
                        for (int b = 0; b < 3; b++) {
                            m = Math.max(m, x.data()[plane * 63 + (2 * i + a) * 9 + 2 * j + b]);
                        }
                    }
                    assertTrue(y[at] == m, "pool output " + at + ": " + y[at] + " vs " + m);
                    at++;
                }
            }
        }
    }

    @Test
    void batchNormTrainingForwardMatchesFloat64Reference() {
        BatchNorm bn = new BatchNorm("bn", Shape.of(3, 4, 5), 0.1f, 1e-5f);
        bn.initialize(0);
        randomize(bn, 8);
        Tensor x = GradientCheck.random(new SplittableRandom(9), 5, 3, 4, 5);
        float[] y = bn.forward(x, Mode.TRAIN).data();
        float[] gamma = bn.parameters().get(0).value().data();
        float[] beta = bn.parameters().get(1).value().data();
        double worst = 0;
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double sq = 0;
            for (int e = 0; e < 5; e++) {
                for (int s = 0; s < 20; s++) {
                    double v = x.data()[e * 60 + c * 20 + s];
                    sum += v;
                    sq += v * v;
                }
            }
            double mean = sum / 100;
            double var = sq / 100 - mean * mean;
            for (int e = 0; e < 5; e++) {
                for (int s = 0; s < 20; s++) {
                    int i = e * 60 + c * 20 + s;
                    double ref = gamma[c] * (x.data()[i] - mean) / Math.sqrt(var + 1e-5) + beta[c];
                    worst = Math.max(worst, Math.abs(y[i] - ref));
                }
            }
        }
        assertTrue(worst < 1e-5, "batch norm max abs error " + worst);
    }
}
