package geodesic.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector forms of {@link Im2col}'s patch extraction and of its patch-major adjoint, with the same layouts and results
 * bit for bit (copies and single additions round alike).
 *
 * <p>Window rows are runs of {@code kernelW} contiguous pixels, 3 to 11 floats in practice, and element loops that
 * short ran at about 3 cycles a float: im2col and col2im were 22% of a CNN training step.
 */
final class VectorIm2col {
    private static final VectorSpecies<Float> SPECIES = VectorFloatSpecies.SPECIES;
    private static final int LANES = SPECIES.length();
    /**
     * Window rows are copied 4 floats at a time, the last 4 overlapping the ones before inside the row, so nothing is
     * written outside it. The JVM's wide species would write past the row: 16 floats for a 5-float row cost more
     * in line-splitting stores than the element loop they replace (bench train: 96.4 against 93.0 ms a step).
     */
    private static final VectorSpecies<Float> RUN = FloatVector.SPECIES_128;
    private static final int RUN_LANES = RUN.length();
    /**
     * Window rows of 4 to 8 floats go as one 8-float store where the hardware has 256-bit vectors, overwriting up
     * to 3 floats of the next row (ConvBenchmark, 32x14x14 5x5 layer at batch 128, one thread: 61.8 against 67.0 ms).
     */
    private static final VectorSpecies<Float> WIDE = FloatVector.SPECIES_256;
    private static final int WIDE_LANES = WIDE.length();
    private static final boolean WIDE_AVAILABLE = VectorFloatSpecies.SPECIES.vectorBitSize() >= WIDE.vectorBitSize();

    private VectorIm2col() {
    }

    /** {@link Im2col#im2col} without argument checks. */
    static void im2colUnchecked(Conv2dGeometry g, float[] x, int xOffset, float[] cols, int colsOffset) {
        int kw = g.kernelW();
        if (kw < RUN_LANES) {
            Im2col.im2colUnchecked(g, x, xOffset, cols, colsOffset);
            return;
        }
        int channels = g.channels(), height = g.height(), width = g.width();
        int kh = g.kernelH();
        int outH = g.outHeight(), outW = g.outWidth();
        int plane = height * width;
        int tail = kw - RUN_LANES;
        boolean wideRows = WIDE_AVAILABLE && kw <= WIDE_LANES;
        int blockEnd = colsOffset + g.positions() * g.patchSize();
        int d = colsOffset;
        for (int oh = 0; oh < outH; oh++) {
            int ih0 = oh * g.strideH() - g.padH();
            int iLo = Math.max(0, -ih0), iHi = Math.min(kh, height - ih0);
            for (int ow = 0; ow < outW; ow++) {
                int iw0 = ow * g.strideW() - g.padW();
                int jLo = Math.max(0, -iw0), jHi = Math.min(kw, width - iw0);
                int s = xOffset + ih0 * width + iw0;
                boolean whole = iLo == 0 && iHi == kh && jLo == 0 && jHi == kw;
                // A window whose every row can take one 8-float store: rows are written in increasing order, so the
                // up to 3 floats each store writes past its row are rewritten right after; none may pass the block.
                int lastRow = s + (channels - 1) * plane + (kh - 1) * width;
                if (whole && wideRows && d + channels * kh * kw + WIDE_LANES - kw <= blockEnd
                        && lastRow + WIDE_LANES <= x.length) {
                    for (int c = 0; c < channels; c++, s += plane) {
                        for (int i = 0, r = s; i < kh; i++, r += width, d += kw) {
                            FloatVector.fromArray(WIDE, x, r).intoArray(cols, d);
                        }
                    }
                    continue;
                }
                for (int c = 0; c < channels; c++, s += plane) {
                    for (int i = 0, r = s; i < kh; i++, r += width, d += kw) {
                        if (whole) {
                            for (int j = 0; j < tail; j += RUN_LANES) {
                                FloatVector.fromArray(RUN, x, r + j).intoArray(cols, d + j);
                            }
                            FloatVector.fromArray(RUN, x, r + tail).intoArray(cols, d + tail);
                        } else {
                            copyClipped(x, r, cols, d, kw, i >= iLo && i < iHi ? jLo : kw, jHi);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link Im2col#col2imPatchMajorUnchecked} with each window tap's row of positions added as whole vectors: for
     * stride 1 a tap's contributions to one padded row are {@code outW} consecutive floats. The lanes past the row add
     * +0 (padded starts from +0, and a sum of floats from +0 is never -0, so that changes no value) into the
     * padding or the next row, which needs {@code padded} to hold {@link Im2col#paddedLength} with a slack of
     * {@link #LANES} floats. Rows whose vectors would read past {@code colsT} add element by element.
     */
    static void col2imPatchMajorUnchecked(Conv2dGeometry g, float[] colsT, int offset, float[] dx, int dxOffset,
                                          float[] padded) {
        if (g.strideW() != 1) {
            Im2col.col2imPatchMajorUnchecked(g, colsT, offset, dx, dxOffset, padded);
            return;
        }
        int hp = Im2col.paddedHeight(g), wp = Im2col.paddedWidth(g);
        int kh = g.kernelH(), kw = g.kernelW(), sh = g.strideH();
        int outH = g.outHeight(), outW = g.outWidth(), positions = outH * outW;
        int last = (Math.ceilDiv(outW, LANES) - 1) * LANES;
        VectorMask<Float> pastRow = SPECIES.indexInRange(last, outW).not();
        java.util.Arrays.fill(padded, 0, g.channels() * hp * wp, 0f);
        int src = offset;
        for (int c = 0; c < g.channels(); c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, src += positions) {
                    for (int oh = 0, from = src; oh < outH; oh++, from += outW) {
                        int to = (c * hp + oh * sh + i) * wp + j;
                        if (from + last + LANES <= colsT.length) {
                            for (int ow = 0; ow < last; ow += LANES) {
                                FloatVector.fromArray(SPECIES, padded, to + ow)
                                        .add(FloatVector.fromArray(SPECIES, colsT, from + ow))
                                        .intoArray(padded, to + ow);
                            }
                            FloatVector.fromArray(SPECIES, padded, to + last)
                                    .add(FloatVector.fromArray(SPECIES, colsT, from + last).blend(0f, pastRow))
                                    .intoArray(padded, to + last);
                        } else {
                            for (int ow = 0; ow < outW; ow++) {
                                padded[to + ow] += colsT[from + ow];
                            }
                        }
                    }
                }
            }
        }
        Im2col.copyInterior(g, padded, dx, dxOffset);
    }

    /** Writes {@code cols[d .. d+kw)}: taps {@code [jLo, jHi)} from {@code x[r + j]}, the rest zero. */
    private static void copyClipped(float[] x, int r, float[] cols, int d, int kw, int jLo, int jHi) {
        for (int j = 0; j < kw; j++) {
            cols[d + j] = j >= jLo && j < jHi ? x[r + j] : 0f;
        }
    }
}
