package geodesic.cuda;

import static org.bytedeco.cuda.global.cudart.CUDA_SUCCESS;
import static org.bytedeco.cuda.global.cudart.cuGetErrorString;
import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.bytedeco.cuda.global.cudart.cuModuleUnload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Geodesic's PTX kernels, loaded through the driver API into the current (primary) context, and launched with a
 * 1-D grid of 256-thread blocks. The kernels loop grid-stride, so any element count fits in a capped grid.
 */
final class CudaModule implements AutoCloseable {
    static final String PTX_RESOURCE = "/geodesic/cuda/geodesic_kernels.ptx";
    static final int BLOCK = 256;
    private static final long MAX_BLOCKS = 65_535;

    private final CUmod_st module;
    private final Map<String, CUfunc_st> functions = new HashMap<>();
    private boolean closed;

    private CudaModule(CUmod_st module) {
        this.module = module;
    }

    /** Loads the committed PTX; the driver compiles it for the device on first load. */
    static CudaModule load() {
        byte[] ptx;
        try (InputStream in = CudaModule.class.getResourceAsStream(PTX_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + PTX_RESOURCE + " is missing from the jar;"
                        + " run native/build-ptx.sh and rebuild");
            }
            ptx = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] image = new byte[ptx.length + 1];
        System.arraycopy(ptx, 0, image, 0, ptx.length);
        CUmod_st module = new CUmod_st();
        try (BytePointer p = new BytePointer(image)) {
            check(cuModuleLoadData(module, p), "cuModuleLoadData(" + PTX_RESOURCE + ")");
        }
        return new CudaModule(module);
    }

    /** Launches {@code name} over {@code count} elements (one thread each, grid-stride). */
    void launch(String name, long count, Object... args) {
        long blocks = Math.max(1, Math.min(MAX_BLOCKS, (count + BLOCK - 1) / BLOCK));
        launchGrid(name, (int) blocks, args);
    }

    /** Launches {@code name} on exactly {@code blocks} blocks of {@link #BLOCK} threads. */
    void launchGrid(String name, int blocks, Object... args) {
        CUfunc_st f = function(name);
        Pointer[] holders = new Pointer[args.length];
        try (PointerPointer<Pointer> params = new PointerPointer<>(args.length)) {
            for (int i = 0; i < args.length; i++) {
                holders[i] = holder(args[i]);
                params.put(i, holders[i]);
            }
            check(cuLaunchKernel(f, blocks, 1, 1, BLOCK, 1, 1, 0, null, params, null), "launch " + name);
        } finally {
            for (Pointer h : holders) {
                if (h != null) {
                    h.close();
                }
            }
        }
    }

    /**
     * cuLaunchKernel takes a pointer to each argument's value: for a device pointer, a host cell holding its
     * address (with the view's offset added), not the device address itself.
     */
    private static Pointer holder(Object arg) {
        return switch (arg) {
            case Integer v -> new IntPointer(1).put(v);
            case Boolean v -> new IntPointer(1).put(v ? 1 : 0);
            case Float v -> new FloatPointer(1).put(v);
            case Pointer p -> new LongPointer(1).put(p.address() + p.position() * p.sizeof());
            default -> throw new IllegalArgumentException("unsupported kernel argument type " + arg.getClass());
        };
    }

    private CUfunc_st function(String name) {
        if (closed) {
            throw new IllegalStateException("CUDA module used after close()");
        }
        return functions.computeIfAbsent(name, n -> {
            CUfunc_st f = new CUfunc_st();
            check(cuModuleGetFunction(f, module, n), "cuModuleGetFunction(" + n + ")");
            return f;
        });
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cuModuleUnload(module);
        }
    }

    /** @throws IllegalStateException naming the driver call and the driver's error text */
    static void check(int status, String call) {
        if (status != CUDA_SUCCESS) {
            String text = "error " + status;
            try (PointerPointer<BytePointer> out = new PointerPointer<>(1)) {
                if (cuGetErrorString(status, out) == CUDA_SUCCESS && out.get(0) != null) {
                    text = out.getString(0) + " (" + status + ")";
                }
            }
            throw new IllegalStateException(call + " failed: " + text);
        }
    }
}
