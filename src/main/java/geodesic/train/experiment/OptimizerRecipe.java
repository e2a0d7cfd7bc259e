package geodesic.train.experiment;

/** How to build one configured optimizer for a run; see {@link OptimizerFactory}. */
@FunctionalInterface
public interface OptimizerRecipe {

    /**
     * @throws IllegalArgumentException if the model does not suit the optimizer
     */
    ExperimentOptimizer build(RunContext run);
}
