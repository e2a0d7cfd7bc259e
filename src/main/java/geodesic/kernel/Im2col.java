package geodesic.kernel;

import java.util.Arrays;
import java.util.Objects;

/**
 * Patch extraction for convolutions as matrix products, one image at a time.
 *
 * <p>{@link #im2col} turns one NCHW image {@code x[C][H][W]} into its patch matrix {@code cols[P][patch]}, one row
 * per output position (row {@code oh * outW + ow}), where {@code P = g.positions()} and
 * {@code patch = g.patchSize()}; entry {@code (row, c * kh * kw + i * kw + j)} is
 * {@code x[c][oh * strideH - padH + i][ow * strideW - padW + j]}, or zero where that tap falls in the padding.
 * {@link #col2im} is its adjoint: it adds every patch entry back onto the input pixel it was read from.
 *
 * <p>Both walk each patch row in storage order and copy or add runs of {@code kernelW} contiguous input pixels;
 * padding is handled by clipping those runs once per position rather than testing each tap.
 *
 * <p><b>Threading.</b> Stateless; calls on disjoint output regions may run concurrently. Arguments must not be
 * null.
 */
public final class Im2col {

    private Im2col() {
    }

    /**
     * Writes the patch matrix of one image: {@code x[xOffset ..]} holds {@code C x H x W} (NCHW, row-major) and
     * {@code cols[colsOffset ..]} receives {@code P x patch} floats, overwritten, padded taps set to zero.
     *
     * @throws IllegalArgumentException if an offset is negative or an array is too short for its region
     */
    public static void im2col(Conv2dGeometry g, float[] x, int xOffset, float[] cols, int colsOffset) {
        checkRegion("x", x, xOffset, g.inputSize());
        checkRegion("cols", cols, colsOffset, g.positions() * g.patchSize());
        im2colUnchecked(g, x, xOffset, cols, colsOffset);
    }

    /**
     * Adds the patch matrix {@code cols[colsOffset ..]} ({@code P x patch}) of one image onto the image gradient
     * {@code dx[dxOffset ..]} ({@code C x H x W}), in place: {@code dx += col2im(cols)}. Padded taps are ignored.
     *
     * @throws IllegalArgumentException if an offset is negative or an array is too short for its region
     */
    public static void col2im(Conv2dGeometry g, float[] cols, int colsOffset, float[] dx, int dxOffset) {
        checkRegion("cols", cols, colsOffset, g.positions() * g.patchSize());
        checkRegion("dx", dx, dxOffset, g.inputSize());
        col2imUnchecked(g, cols, colsOffset, dx, dxOffset);
    }

    static void im2colUnchecked(Conv2dGeometry g, float[] x, int xOffset, float[] cols, int colsOffset) {
        im2colUnchecked(g, x, xOffset, cols, colsOffset, false);
    }

    /**
     * {@link #im2col} without argument checks; with {@code vector}, whole windows are copied by {@link VectorIm2col}
     * (same results bit for bit), which needs the incubator module loaded.
     */
    static void im2colUnchecked(Conv2dGeometry g, float[] x, int xOffset, float[] cols, int colsOffset,
                                boolean vector) {
        int channels = g.channels(), height = g.height(), width = g.width();
        int kh = g.kernelH(), kw = g.kernelW();
        int outH = g.outHeight(), outW = g.outWidth();
        int plane = height * width;
        boolean vectorRows = vector && VectorIm2col.copiesRows(kw);
        int d = colsOffset;
        for (int oh = 0; oh < outH; oh++) {
            int ih0 = oh * g.strideH() - g.padH();
            int iLo = Math.max(0, -ih0), iHi = Math.min(kh, height - ih0);
            for (int ow = 0; ow < outW; ow++) {
                int iw0 = ow * g.strideW() - g.padW();
                int jLo = Math.max(0, -iw0), jHi = Math.min(kw, width - iw0);
                int s = xOffset + ih0 * width + iw0;
                if (iLo == 0 && iHi == kh && jLo == 0 && jHi == kw) {
                    for (int c = 0; c < channels; c++, s += plane) {
                        for (int i = 0, r = s; i < kh; i++, r += width, d += kw) {
                            if (vectorRows) {
                                VectorIm2col.copyRow(x, r, cols, d, kw);
                                continue;
                            }
                            for (int j = 0; j < kw; j++) {
                                cols[d + j] = x[r + j];
                            }
                        }
                    }
                } else {
                    for (int c = 0; c < channels; c++, s += plane) {
                        for (int i = 0, r = s; i < kh; i++, r += width, d += kw) {
                            if (i < iLo || i >= iHi) {
                                zero(cols, d, 0, kw);
                                continue;
                            }
                            zero(cols, d, 0, jLo);
                            for (int j = jLo; j < jHi; j++) {
                                cols[d + j] = x[r + j];
                            }
                            zero(cols, d, jHi, kw);
                        }
                    }
                }
            }
        }
    }

    static void col2imUnchecked(Conv2dGeometry g, float[] cols, int colsOffset, float[] dx, int dxOffset) {
        int channels = g.channels(), height = g.height(), width = g.width();
        int kh = g.kernelH(), kw = g.kernelW();
        int outH = g.outHeight(), outW = g.outWidth();
        int plane = height * width, taps = kh * kw;
        int d = colsOffset;
        for (int oh = 0; oh < outH; oh++) {
            int ih0 = oh * g.strideH() - g.padH();
            int iLo = Math.max(0, -ih0), iHi = Math.min(kh, height - ih0);
            for (int ow = 0; ow < outW; ow++) {
                int iw0 = ow * g.strideW() - g.padW();
                int jLo = Math.max(0, -iw0), jHi = Math.min(kw, width - iw0);
                int s = dxOffset + (ih0 + iLo) * width + iw0;
                for (int c = 0; c < channels; c++, s += plane, d += taps) {
                    for (int i = iLo, r = s, e = d + iLo * kw; i < iHi; i++, r += width, e += kw) {
                        for (int j = jLo; j < jHi; j++) {
                            dx[r + j] += cols[e + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * Writes taps {@code [tapFrom, tapTo)} of one image's patch-major patch matrix: row {@code t - tapFrom} of
     * {@code colsT[offset ..]} ({@code P} floats, entry {@code (t, pos)} at {@code (t - tapFrom) * P + pos}) is
     * column {@code t} of {@link #im2col}'s matrix, padded taps zero. The channels those taps read are first copied
     * into {@code padded} ({@link #paddedLength}{@code (g, 0)} floats at least) with zeros around them, so every
     * output row of a tap is an unclipped read: at stride 1 one run of {@code outW} contiguous floats. With
     * {@code vector} those runs are copied by {@link VectorIm2col#copyRunSpilling} (same results bit for bit), which
     * needs {@link VectorIm2col#ROW_SLACK} more floats in both {@code padded} and {@code colsT}; the floats it leaves
     * in that slack are unspecified.
     */
    static void im2colPatchMajorUnchecked(Conv2dGeometry g, float[] x, int xOffset, float[] colsT, int offset,
                                          int tapFrom, int tapTo, float[] padded, boolean vector) {
        int hp = paddedHeight(g), wp = paddedWidth(g);
        int kh = g.kernelH(), kw = g.kernelW(), sh = g.strideH(), sw = g.strideW(), taps = kh * kw;
        int outH = g.outHeight(), outW = g.outWidth(), positions = outH * outW;
        int cFrom = tapFrom / taps, cTo = (tapTo - 1) / taps + 1;
        copyPadded(g, x, xOffset, padded, cFrom, cTo);
        int d = offset;
        for (int t = tapFrom; t < tapTo; t++) {
            int c = t / taps, i = t % taps / kw, j = t % kw;
            int from = (c * hp + i) * wp + j;
            for (int oh = 0; oh < outH; oh++, from += sh * wp, d += outW) {
                if (sw == 1 && vector) {
                    VectorIm2col.copyRunSpilling(padded, from, colsT, d, outW);
                    continue;
                }
                for (int ow = 0; ow < outW; ow++) {
                    colsT[d + ow] = padded[from + ow * sw];
                }
            }
        }
        assert d == offset + (tapTo - tapFrom) * positions;
    }

    /**
     * {@code padded[c][ih + padH][iw + padW] = x[c][ih][iw]} for channels {@code [cFrom, cTo)} over the extent the
     * windows cover ({@link #paddedHeight} x {@link #paddedWidth}), zero where that lies outside the image.
     */
    private static void copyPadded(Conv2dGeometry g, float[] x, int xOffset, float[] padded, int cFrom, int cTo) {
        int hp = paddedHeight(g), wp = paddedWidth(g);
        int height = g.height(), width = g.width(), padH = g.padH(), padW = g.padW();
        int left = Math.min(padW, wp), run = Math.max(0, Math.min(width, wp - padW));
        for (int c = cFrom; c < cTo; c++) {
            for (int r = 0, d = c * hp * wp; r < hp; r++, d += wp) {
                int ih = r - padH;
                if (ih < 0 || ih >= height) {
                    Arrays.fill(padded, d, d + wp, 0f);
                    continue;
                }
                Arrays.fill(padded, d, d + left, 0f);
                System.arraycopy(x, xOffset + (c * height + ih) * width, padded, d + left, run);
                Arrays.fill(padded, d + left + run, d + wp, 0f);
            }
        }
    }

    /**
     * Floats of the {@code padded} buffer {@link #im2colPatchMajorUnchecked} and {@link #col2imPatchMajorUnchecked}
     * need: the input extent the windows cover, {@code C x ((outH-1)*strideH + kernelH) x ((outW-1)*strideW + kernelW)}, plus {@code slack}.
     */
    static int paddedLength(Conv2dGeometry g, int slack) {
        return g.channels() * paddedHeight(g) * paddedWidth(g) + slack;
    }

    static int paddedHeight(Conv2dGeometry g) {
        return (g.outHeight() - 1) * g.strideH() + g.kernelH();
    }

    static int paddedWidth(Conv2dGeometry g) {
        return (g.outWidth() - 1) * g.strideW() + g.kernelW();
    }

    /**
     * Overwrites the image gradient {@code dx[dxOffset ..]} ({@code C x H x W}) with the adjoint of im2col applied to a
     * patch-major block {@code colsT[offset ..]} ({@code patch x P}, entry {@code (tap, pos)} at
     * {@code tap * P + pos}). Sums run in a zero-initialized, padded copy of the image ({@link #paddedLength} floats
     * at least), taps in storage order and positions in order within a tap, so no tap needs clipping; its interior is
     * then copied out, pixels no window covers getting zero. With {@code vector} and stride 1, where a tap's
     * contributions to one padded row are {@code outW} consecutive floats, rows are added by
     * {@link VectorIm2col#addRow} (same results bit for bit), which needs the incubator module loaded and
     * {@link #paddedLength} to include its {@link VectorIm2col#ROW_SLACK}.
     */
    static void col2imPatchMajorUnchecked(Conv2dGeometry g, float[] colsT, int offset, float[] dx, int dxOffset,
                                          float[] padded, boolean vector) {
        int hp = paddedHeight(g), wp = paddedWidth(g);
        int kh = g.kernelH(), kw = g.kernelW(), sh = g.strideH(), sw = g.strideW();
        int outH = g.outHeight(), outW = g.outWidth(), positions = outH * outW;
        boolean vectorRows = vector && sw == 1;
        Arrays.fill(padded, 0, g.channels() * hp * wp, 0f);
        int src = offset;
        for (int c = 0; c < g.channels(); c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++, src += positions) {
                    for (int oh = 0, from = src; oh < outH; oh++, from += outW) {
                        int to = (c * hp + oh * sh + i) * wp + j;
                        if (vectorRows && VectorIm2col.addRow(colsT, from, padded, to, outW)) {
                            continue;
                        }
                        for (int ow = 0; ow < outW; ow++) {
                            padded[to + ow * sw] += colsT[from + ow];
                        }
                    }
                }
            }
        }
        copyInterior(g, padded, dx, dxOffset);
    }

    /** {@code dx[c][ih][iw] = padded[c][ih + padH][iw + padW]}, zero where that lies outside the padded extent. */
    static void copyInterior(Conv2dGeometry g, float[] padded, float[] dx, int dxOffset) {
        int hp = paddedHeight(g), wp = paddedWidth(g);
        int height = g.height(), width = g.width();
        int rows = Math.min(height, hp - g.padH()), cols = Math.min(width, wp - g.padW());
        for (int c = 0, d = dxOffset; c < g.channels(); c++) {
            for (int ih = 0; ih < height; ih++, d += width) {
                if (ih < rows) {
                    System.arraycopy(padded, (c * hp + ih + g.padH()) * wp + g.padW(), dx, d, cols);
                    Arrays.fill(dx, d + cols, d + width, 0f);
                } else {
                    Arrays.fill(dx, d, d + width, 0f);
                }
            }
        }
    }

    private static void zero(float[] a, int base, int from, int to) {
        for (int j = from; j < to; j++) {
            a[base + j] = 0f;
        }
    }

    private static void checkRegion(String name, float[] array, int offset, int length) {
        Objects.requireNonNull(array, name);
        if (offset < 0 || (long) offset + length > array.length) {
            throw new IllegalArgumentException(name + " region [" + offset + ", " + ((long) offset + length)
                    + ") does not fit an array of length " + array.length);
        }
    }
}
