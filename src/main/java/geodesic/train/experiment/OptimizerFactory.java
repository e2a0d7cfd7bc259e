package geodesic.train.experiment;

/**
 * Makes one kind of optimizer from a run's hyper-parameters. {@link #configure} reads and checks every
 * hyper-parameter the optimizer knows, without a model, so that a whole grid is validated before its first run;
 * the {@link OptimizerRecipe} it returns builds the optimizer for each run.
 */
@FunctionalInterface
public interface OptimizerFactory {

    /**
     * @throws IllegalArgumentException naming a hyper-parameter that is missing, of the wrong type or out of range
     */
    OptimizerRecipe configure(Hyperparameters hyperparameters);
}
