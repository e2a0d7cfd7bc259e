package geodesic.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodesic.kernel.Conv2dGeometry;
import geodesic.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Kronecker hook returns exactly the documented matrices, without copies, and only while they are valid. */
class KroneckerFactorSourceTest {

    /** {@code max |dW - sum_r a_r g_r^T|} relative to the largest |dW|, with a and g read through the hook. */
    private static double outerProductError(KroneckerFactorSource s) {
        Tensor a = s.inputs();
        Tensor g = s.outputGradients();
        int n = s.examples();
        int p = s.positions();
        int in = s.inputDim();
        int out = s.outputDim();
        float[] dw = s.weight().grad().data();
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                double sum = 0;
                for (int e = 0; e < n; e++) {
                    for (int q = 0; q < p; q++) {
                        sum += (double) a.data()[(e * p + q) * in + i] * g.data()[(e * out + o) * p + q];
                    }
                }
                worst = Math.max(worst, Math.abs(sum - dw[i * out + o]));
                scale = Math.max(scale, Math.abs(sum));
            }
        }
        return worst / scale;
    }

    @Test
    void denseExposesItsInputBatchAndOutputGradientItself() {
        Dense d = new Dense("dense", 9, 7, WeightInit.GLOROT_UNIFORM, Kernels.sequential());
        d.initialize(1);
        d.setKroneckerCapture(true);
        Tensor x = GradientCheck.random(new SplittableRandom(2), 5, 9);
        d.forward(x, Mode.TRAIN);
        Tensor dy = GradientCheck.random(new SplittableRandom(3), 5, 7);
        d.backward(dy, true);

        assertSame(x, d.inputs(), "inputs() is the input batch itself, not a copy");
        assertSame(dy.data(), d.outputGradients().data(), "outputGradients() shares storage with dY");
        assertArrayEquals(new int[] {5, 9}, d.inputs().shape());
        assertArrayEquals(new int[] {5, 7, 1}, d.outputGradients().shape());
        assertEquals(5, d.examples());
        assertEquals(1, d.positions());
        double err = outerProductError(d);
        assertTrue(err < 1e-5, "dW vs a^T g from the hook: max relative error " + err);
    }

    @Test
    void conv2dExposesItsIm2colPatchesAndNchwOutputGradient() {
        Conv2dGeometry g = new Conv2dGeometry(2, 7, 6, 3, 3, 2, 2, 1, 1, 1);
        Conv2d c = new Conv2d("conv", g, WeightInit.HE_UNIFORM, Kernels.sequential());
        c.initialize(4);
        c.setKroneckerCapture(true);
        int n = 3;
        Tensor x = GradientCheck.random(new SplittableRandom(5), n, 2, 7, 6);
        c.forward(x, Mode.TRAIN);
        Tensor dy = GradientCheck.random(new SplittableRandom(6), n, 3, g.outHeight(), g.outWidth());
        c.backward(dy, true);

        int p = g.positions();
        Tensor a = c.inputs();
        assertArrayEquals(new int[] {n * p, g.patchSize()}, a.shape());
        for (int e = 0; e < n; e++) {
            for (int oh = 0; oh < g.outHeight(); oh++) {
                for (int ow = 0; ow < g.outWidth(); ow++) {
                    for (int ch = 0; ch < 2; ch++) {
                        for (int i = 0; i < 3; i++) {
                            for (int j = 0; j < 2; j++) {
                                int r = oh * g.strideH() - g.padH() + i;
                                int q = ow * g.strideW() - g.padW() + j;
                                float expected = r < 0 || r >= 7 || q < 0 || q >= 6 ? 0f
                                        : x.data()[((e * 2 + ch) * 7 + r) * 6 + q];
                                int row = e * p + oh * g.outWidth() + ow;
                                int col = ch * 6 + i * 2 + j;
                                assertEquals(expected, a.data()[row * g.patchSize() + col], "patch row " + row
                                        + " column " + col);
                            }
                        }
                    }
                }
            }
        }
        assertSame(dy.data(), c.outputGradients().data(), "outputGradients() shares storage with dy");
        assertArrayEquals(new int[] {n, 3, p}, c.outputGradients().shape());
        assertEquals(n, c.examples());
        assertEquals(p, c.positions());
        assertEquals(g.patchSize(), c.inputDim());
        assertEquals(3, c.outputDim());
        double err = outerProductError(c);
        assertTrue(err < 1e-5, "dW vs a^T g from the hook: max relative error " + err);
    }

    @Test
    void inputsOfAnExampleRangeAreThoseRowsOfTheWholeMatrix() {
        Conv2dGeometry g = Conv2dGeometry.of(3, 9, 8, 4, 3, 1, 1);
        Conv2d c = new Conv2d("conv", g, WeightInit.HE_UNIFORM, Kernels.sequential());
        Dense d = new Dense("fc", 5, 2, WeightInit.HE_UNIFORM, Kernels.sequential());
        c.initialize(1);
        d.initialize(2);
        c.setKroneckerCapture(true);
        d.setKroneckerCapture(true);
        int n = 6;
        c.forward(GradientCheck.random(new SplittableRandom(3), n, 3, 9, 8), Mode.TRAIN);
        c.backward(GradientCheck.random(new SplittableRandom(4), n, 4, 9, 8), true);
        Tensor dx = GradientCheck.random(new SplittableRandom(5), n, 5);
        d.forward(dx, Mode.TRAIN);
        d.backward(GradientCheck.random(new SplittableRandom(6), n, 2), true);

        for (KroneckerFactorSource s : List.<KroneckerFactorSource>of(c, d)) {
            float[] all = s.inputs().data().clone();
            int row = s.positions() * s.inputDim();
            for (int[] range : new int[][] {{2, 3}, {0, 1}, {5, 1}, {0, n}, {2, 3}}) {
                Tensor part = s.inputs(range[0], range[1]);
                assertArrayEquals(new int[] {range[1] * s.positions(), s.inputDim()}, part.shape(), s.name());
                assertArrayEquals(java.util.Arrays.copyOfRange(all, range[0] * row, (range[0] + range[1]) * row),
                        part.data(), s.name() + " examples " + range[0] + " + " + range[1]);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.inputs(4, 3));
            assertTrue(e.getMessage().contains("examples [4, 7) are not a non-empty range inside the batch of 6"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.inputs(0, 0));
        }
        assertSame(dx, d.inputs(0, n), "the whole range of a dense layer is its input itself");
    }

    @Test
    void factorsAreReadableOnlyWithCaptureOnBetweenBackwardAndTheNextForward() {
        Dense d = new Dense("dense2", 4, 3, WeightInit.GLOROT_UNIFORM, Kernels.sequential());
        d.initialize(7);
        Tensor x = GradientCheck.random(new SplittableRandom(8), 2, 4);
        Tensor dy = GradientCheck.random(new SplittableRandom(9), 2, 3);
        d.forward(x, Mode.TRAIN);
        d.backward(dy, true);
        IllegalStateException off = assertThrows(IllegalStateException.class, d::inputs);
        assertTrue(off.getMessage().contains("dense2") && off.getMessage().contains("setKroneckerCapture(true)"),
                off.getMessage());

        d.setKroneckerCapture(true);
        d.forward(x, Mode.TRAIN);
        assertThrows(IllegalStateException.class, d::outputGradients, "between forward and backward");
        d.backward(dy, true);
        assertSame(x, d.inputs());
        d.forward(x, Mode.EVAL);
        assertSame(x, d.inputs(), "an eval forward does not invalidate the factors");
        d.forward(x, Mode.TRAIN);
        assertThrows(IllegalStateException.class, d::examples, "after the next training forward");
    }

    @Test
    void modelListsItsSourcesWithTheirDimensionsAndChainsTheRightTensors() {
        Sequential m = Architectures.referenceCnn().build(10);
        List<KroneckerFactorSource> sources = m.kroneckerFactorSources();
        assertEquals(List.of("conv1", "conv2", "dense1", "dense2"),
                sources.stream().map(KroneckerFactorSource::name).toList());
        int[][] dims = {{25, 32, 784}, {800, 64, 196}, {3136, 256, 1}, {256, 10, 1}};
        for (int i = 0; i < 4; i++) {
            KroneckerFactorSource s = sources.get(i);
            assertArrayEquals(dims[i], new int[] {s.inputDim(), s.outputDim(), s.positions()}, s.name());
            assertArrayEquals(s.weight().value().shape(), new int[] {s.inputDim(), s.outputDim()}, s.name());
            s.setKroneckerCapture(true);
        }
        Tensor x = GradientCheck.random(new SplittableRandom(11), 2, 1, 28, 28);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        m.zeroGrad();
        List<Tensor> outputs = new ArrayList<>();
        Tensor h = x;
        for (Layer l : m.layers()) {
            h = l.forward(h, Mode.TRAIN);
            outputs.add(h);
        }
        loss.forward(h, new int[] {3, 7});
        m.backward(loss.gradient());

        assertSame(loss.gradient().data(), sources.get(3).outputGradients().data(),
                "dense2's g is the loss gradient itself");
        assertSame(outputs.get(8), sources.get(3).inputs(), "dense2's a is relu3's output itself");
        assertSame(outputs.get(5).data(), sources.get(2).inputs().data(), "dense1's a is pool2's output, flattened");
        for (KroneckerFactorSource s : sources) {
            assertEquals(2, s.examples(), s.name());
            double err = outerProductError(s);
            assertTrue(err < 1e-4, s.name() + ": dW vs a^T g from the hook: max relative error " + err);
        }
    }
}
