package geodesic.train;

/**
 * A NaN or infinity found during a training step, as reported to {@link TrainingListener#onNonFinite} and carried
 * by {@link NonFiniteException}.
 *
 * @param epoch    1-based epoch
 * @param batch    0-based batch index within the epoch
 * @param step     1-based number of the step being attempted ({@code globalStep + 1})
 * @param quantity which kind of value was not finite
 * @param location where: {@code "loss"}, or the parameter (layer name, dot, {@code weight}/{@code bias}) and the
 *                 index, or the optimizer's own message naming the layer
 * @param value    the offending value ({@code NaN} when the optimizer reported it)
 */
public record NonFiniteEvent(int epoch, int batch, long step, Quantity quantity, String location, double value) {

    /** The kind of value that was not finite. */
    public enum Quantity {
        /** The mini-batch loss. */
        LOSS,
        /** A parameter's gradient after backward. */
        GRADIENT,
        /** A parameter after the optimizer's update. */
        PARAMETER,
        /** Something inside the optimizer: preconditioner factors, their roots, moments. */
        OPTIMIZER_STATE
    }

    /** One line, e.g. {@code "non-finite gradient NaN in dense1.weight[17] at step 42 (epoch 1, batch 41)"}. */
    public String describe() {
        String what = switch (quantity) {
            case LOSS -> "non-finite loss " + value;
            case GRADIENT -> "non-finite gradient " + (float) value + " in " + location;
            case PARAMETER -> "non-finite parameter " + (float) value + " in " + location + " after the update";
            case OPTIMIZER_STATE -> "non-finite optimizer state (" + location + ")";
        };
        return what + " at step " + step + " (epoch " + epoch + ", batch " + batch + ")";
    }
}
