package geodesic.train.experiment;

import geodesic.kernel.Parallelism;
import geodesic.nn.Sequential;

/**
 * What an {@link OptimizerRecipe} may use to build the optimizer of one run.
 *
 * @param model         the run's model, built and initialised
 * @param seed          the run's seed, for optimizers that draw random numbers
 * @param parallelism   the kernel team the model runs on, for optimizers with kernels of their own (Kronecker
 *                      factors and roots); owned by the host, never closed by the optimizer
 * @param stepsPerEpoch training steps in each epoch (the last batch of an epoch may be smaller)
 */
public record RunContext(Sequential model, long seed, Parallelism parallelism, int stepsPerEpoch) {
}
