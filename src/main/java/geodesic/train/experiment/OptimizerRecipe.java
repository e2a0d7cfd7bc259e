package geodesic.train.experiment;

import geodesic.nn.Sequential;

/** How to build one configured optimizer for a freshly initialised model; see {@link OptimizerFactory}. */
@FunctionalInterface
public interface OptimizerRecipe {

    /**
     * @param model the run's model, already built and initialised
     * @param seed  the run's seed, for optimizers that draw random numbers
     * @throws IllegalArgumentException if the model does not suit the optimizer
     */
    ExperimentOptimizer build(Sequential model, long seed);
}
