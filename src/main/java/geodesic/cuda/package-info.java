/**
 * The optional CUDA device: {@link geodesic.cuda.CudaDeviceProvider} offers it to {@code geodesic.kernel.Devices}
 * under the name {@code cuda} through {@link java.util.ServiceLoader}, so no layer or optimizer names this package;
 * only the command line does, to report its status and to time {@link geodesic.cuda.CudaEigensolver}.
 *
 * <p>It binds CUDA through JavaCPP's {@code org.bytedeco:cuda} (runtime and driver API, cuBLAS, cuSOLVER) and loads
 * Geodesic's own kernels as PTX ({@code geodesic/cuda/geodesic_kernels.ptx}, built from {@code native/*.cu} by
 * {@code native/build-ptx.sh}). Nothing here touches a native library until a device is probed or opened, so a
 * JVM without the JavaCPP classes, the driver or a GPU still lists the provider and learns, in one line, what is
 * missing.
 *
 * <p>Arguments must not be null unless a method says otherwise.
 */
package geodesic.cuda;
