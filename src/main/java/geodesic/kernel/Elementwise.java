package geodesic.kernel;

/** Element-wise and optimizer-update kernels (placeholder until the kernels land). */
public interface Elementwise {
}
