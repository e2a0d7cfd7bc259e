package geodesic.bench;

import geodesic.kernel.Conv2dGeometry;
import geodesic.linalg.OpenBlas;
import java.util.Arrays;

/**
 * The textbook convolution the issue names as the reference, "im2col + OpenBLAS SGEMM", laid out as Caffe's
 * convolution layer is: image by image, a patch-major column buffer {@code col [patch x P]} (one row per kernel tap,
 * zero where the tap falls in the padding) and three {@code cblas_sgemm} calls, OpenBLAS running on the benchmark's
 * threads: forward {@code y_n = w^T col}, weight gradient {@code dw += col dy_n^T}, data gradient
 * {@code dcol = w dy_n} then col2im. No batch-sized buffers, no transposes outside OpenBLAS.
 */
final class Im2colSgemmConvolution {
    private final Conv2dGeometry g;
    private final int batch;
    private final float[] col;

    Im2colSgemmConvolution(Conv2dGeometry g, int batch) {
        this.g = g;
        this.batch = batch;
        this.col = new float[g.patchSize() * g.positions()];
    }

    /** {@code y = conv(x, w) + bias}. */
    void forward(float[] x, float[] w, float[] bias, float[] y) {
        int p = g.positions(), patch = g.patchSize(), oc = g.outChannels(), out = g.outputSize();
        for (int n = 0; n < batch; n++) {
            im2col(x, n * g.inputSize());
            for (int o = 0; o < oc; o++) {
                Arrays.fill(y, n * out + o * p, n * out + (o + 1) * p, bias[o]);
            }
            OpenBlas.sgemm(true, false, oc, p, patch, 1f, w, 0, oc, col, 0, p, 1f, y, n * out, p);
        }
    }

    /** {@code dw = sum_n col_n dy_n^T}, {@code dbias = sum dy}; rebuilds each image's column buffer. */
    void backwardWeights(float[] x, float[] dy, float[] dw, float[] dbias) {
        int p = g.positions(), patch = g.patchSize(), oc = g.outChannels(), out = g.outputSize();
        Arrays.fill(dbias, 0f);
        for (int n = 0; n < batch; n++) {
            im2col(x, n * g.inputSize());
            OpenBlas.sgemm(false, true, patch, oc, p, 1f, col, 0, p, dy, n * out, p, n == 0 ? 0f : 1f, dw, 0, oc);
            for (int o = 0; o < oc; o++) {
                float sum = 0f;
                for (int q = n * out + o * p, end = q + p; q < end; q++) {
                    sum += dy[q];
                }
                dbias[o] += sum;
            }
        }
    }

    /** {@code dx_n = col2im(w dy_n)}. */
    void backwardData(float[] dy, float[] w, float[] dx) {
        int p = g.positions(), patch = g.patchSize(), oc = g.outChannels(), out = g.outputSize();
        for (int n = 0; n < batch; n++) {
            OpenBlas.sgemm(false, false, patch, p, oc, 1f, w, 0, oc, dy, n * out, p, 0f, col, 0, p);
            col2im(dx, n * g.inputSize());
        }
    }

    private void im2col(float[] x, int xOffset) {
        int kh = g.kernelH(), kw = g.kernelW(), h = g.height(), wd = g.width();
        int d = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    for (int oh = 0; oh < g.outHeight(); oh++) {
                        int ih = oh * g.strideH() - g.padH() + i;
                        for (int ow = 0; ow < g.outWidth(); ow++, d++) {
                            int iw = ow * g.strideW() - g.padW() + j;
                            col[d] = ih >= 0 && ih < h && iw >= 0 && iw < wd ? x[xOffset + (c * h + ih) * wd + iw] : 0f;
                        }
                    }
                }
            }
        }
    }

    private void col2im(float[] dx, int dxOffset) {
        int kh = g.kernelH(), kw = g.kernelW(), h = g.height(), wd = g.width();
        Arrays.fill(dx, dxOffset, dxOffset + g.inputSize(), 0f);
        int d = 0;
        for (int c = 0; c < g.channels(); c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    for (int oh = 0; oh < g.outHeight(); oh++) {
                        int ih = oh * g.strideH() - g.padH() + i;
                        for (int ow = 0; ow < g.outWidth(); ow++, d++) {
                            int iw = ow * g.strideW() - g.padW() + j;
                            if (ih >= 0 && ih < h && iw >= 0 && iw < wd) {
                                dx[dxOffset + (c * h + ih) * wd + iw] += col[d];
                            }
                        }
                    }
                }
            }
        }
    }
}
