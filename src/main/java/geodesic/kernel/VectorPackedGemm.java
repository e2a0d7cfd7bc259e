package geodesic.kernel;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import jdk.incubator.vector.VectorSpecies;

/**
 * GotoBLAS-style blocked GEMM rectangle: for each {@code NC}-column block and {@code KC}-deep slice of op(B), pack
 * the slice once; for each {@code MC}-row block of op(A), pack it; then sweep {@link GemmMicroKernel} tiles over
 * the block, B strip outer so one strip ({@code KC x NR}) stays in L1 while the A block ({@code MC x KC}) stays in
 * L2.
 *
 * <p>The k range is cut into equal slices of at most {@code KC}, depending on the range alone; the first slice
 * applies beta and later ones accumulate, so an element's value never depends on the rectangle it was computed in.
 * Packing buffers are per thread ({@link GemmWorkspace}).
 */
final class VectorPackedGemm implements GemmRectangle {
    /** Depth of a packed slice: a 256 x 16 float B strip is 16 KiB, half of Zen 3's L1d. */
    static final int KC = 256;
    /** Rows of a packed A block: 144 x 256 floats is 144 KiB, well inside a 512 KiB L2; a multiple of MR. */
    static final int MC = 144;
    /** Columns of a packed B block: 2048 x 256 floats is 2 MiB, in L3; a multiple of every NR. */
    static final int NC = 2048;

    /**
     * Most row strides of A read in place, each a kernel class of its own: a model has a few; a service multiplying
     * arbitrary shapes falls back to packing rather than define classes without bound.
     */
    private static final int MAX_IN_PLACE_STRIDES = 16;
    /** Longest row-major A row read in place for two B strips: a tile's four rows then span a few lines. */
    private static final int SHORT_ROW = 64;

    private final VectorSpecies<Float> species;
    private final GemmMicroKernel rowMajorA;
    private final GemmMicroKernel transposedA;
    private final int nr;
    /** Kernels reading a row-major A in place, by its row stride; a product's lda is usually one of a few. */
    private final ConcurrentMap<Integer, GemmMicroKernel> inPlace = new ConcurrentHashMap<>();

    VectorPackedGemm(VectorSpecies<Float> species) {
        this.species = species;
        this.rowMajorA = VectorGemmKernelFactory.forLayout(species, false);
        this.transposedA = VectorGemmKernelFactory.forLayout(species, true);
        this.nr = rowMajorA.nr();
    }

    @Override
    public void multiply(boolean transA, boolean transB, int rowStart, int rowEnd, int colStart, int colEnd,
                         boolean lowerOnly, int kStart, int kEnd, float alpha, float[] a, int aOffset, int lda,
                         float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        int mr = GemmMicroKernel.MR;
        int k = kEnd - kStart;
        int kSlices = Math.ceilDiv(k, KC);
        int kcMax = Math.ceilDiv(k, kSlices);
        GemmWorkspace ws = GemmWorkspace.current();
        GemmMicroKernel kernel = transA ? transposedA : rowMajorA;
        // Packing A copies m x k floats for 2 m n k flops: a large share when B is one or two strips. One strip
        // uses each A row once (fc2: 128 x 256 floats for 0.65 MFLOP); two strips read it twice, cheap where a
        // tile's rows lie in a few cache lines (conv1's 100352 x 25 patches). Such an A's full row tiles are read
        // where they lie; with more strips (fc2.dX: 16) packing paid for itself.
        int strips = Math.ceilDiv(colEnd - colStart, nr);
        GemmMicroKernel unpacked = !transA && !lowerOnly && (strips == 1 || strips == 2 && lda <= SHORT_ROW)
                ? inPlaceKernel(lda) : null;
        float[] ap = ws.a(Math.ceilDiv(Math.min(MC, rowEnd - rowStart), mr) * VectorGemmPacking.aStripSize());
        float[] bp = ws.b(GemmDriver.roundUp(Math.min(NC, colEnd - colStart), nr) * kcMax);
        float[] tile = ws.tile(mr * nr);
        for (int jc = colStart; jc < colEnd; jc += NC) {
            int nc = Math.min(NC, colEnd - jc);
            for (int slice = 0; slice < kSlices; slice++) {
                int p0 = kStart + (int) ((long) slice * k / kSlices);
                int kc = kStart + (int) ((long) (slice + 1) * k / kSlices) - p0;
                float sliceBeta = slice == 0 ? beta : 1f;
                VectorGemmPacking.packB(transB, b, bOffset, ldb, p0, kc, jc, nc, nr, bp);
                for (int ic = rowStart; ic < rowEnd; ic += MC) {
                    int mc = Math.min(MC, rowEnd - ic);
                    if (unpacked != null) {
                        // A nest of its own: sharing the packed nest's call site made it see a third kernel class,
                        // and the dispatch cost fc2.dX (k = 10) 5% in JMH (70.2 -> 65-67 GFLOP/s).
                        int whole = mc - mc % mr;
                        if (whole < mc) {
                            // The last rows of the block, fewer than a tile, go through a packed strip.
                            VectorGemmPacking.packA(false, a, aOffset, lda, ic + whole, mc - whole, p0, kc, ap);
                        }
                        for (int jr = 0; jr < nc; jr += nr) {
                            int cols = Math.min(nr, nc - jr);
                            for (int ir = 0; ir < mc; ir += mr) {
                                int rows = Math.min(mr, mc - ir);
                                int cIndex = cOffset + jc + jr + (ic + ir) * ldc;
                                GemmMicroKernel k2 = rows == mr ? unpacked : kernel;
                                float[] from = rows == mr ? a : ap;
                                int aIndex = rows == mr ? aOffset + (ic + ir) * lda + p0 : 0;
                                if (rows == mr && cols == nr) {
                                    k2.multiply(kc, from, aIndex, bp, jr * kc, c, cIndex, ldc, alpha, sliceBeta);
                                } else {
                                    k2.multiply(kc, from, aIndex, bp, jr * kc, tile, 0, nr, 1f, 0f);
                                    k2.storeEdge(tile, c, cIndex, ldc, rows, cols, alpha, sliceBeta);
                                }
                            }
                        }
                        continue;
                    }
                    VectorGemmPacking.packA(transA, a, aOffset, lda, ic, mc, p0, kc, ap);
                    for (int jr = 0; jr < nc; jr += nr) {
                        int cols = Math.min(nr, nc - jr);
                        int cColumn = cOffset + jc + jr;
                        for (int ir = 0; ir < mc; ir += mr) {
                            if (lowerOnly && jc + jr > ic + ir + mr - 1) {
                                continue;
                            }
                            int rows = Math.min(mr, mc - ir);
                            int cIndex = cColumn + (ic + ir) * ldc;
                            if (rows == mr && cols == nr) {
                                kernel.multiply(kc, ap, ir * VectorGemmPacking.A_DEPTH, bp, jr * kc, c, cIndex, ldc, alpha, sliceBeta);
                            } else {
                                kernel.multiply(kc, ap, ir * VectorGemmPacking.A_DEPTH, bp, jr * kc, tile, 0, nr, 1f, 0f);
                                kernel.storeEdge(tile, c, cIndex, ldc, rows, cols, alpha, sliceBeta);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The kernel reading a row-major A with row stride {@code lda} in place, or null past the class budget. */
    private GemmMicroKernel inPlaceKernel(int lda) {
        GemmMicroKernel kernel = inPlace.get(lda);
        if (kernel == null && inPlace.size() < MAX_IN_PLACE_STRIDES) {
            kernel = inPlace.computeIfAbsent(lda, s -> VectorGemmKernelFactory.forStrides(species, s, 1));
        }
        return kernel;
    }

    @Override
    public int rowGranule() {
        return GemmMicroKernel.MR;
    }

    @Override
    public int colGranule() {
        return nr;
    }
}
