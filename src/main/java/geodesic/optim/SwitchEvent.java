package geodesic.optim;

/**
 * The record of TSO-ALRA's one switch from the preconditioned stage to plain SGD, for logs and the metrics CSV.
 *
 * @param epoch              the 1-based epoch at whose end the switch happened; SGD runs from epoch
 *                           {@code epoch + 1}
 * @param step               optimizer steps completed before the switch (the first SGD step is {@code step + 1})
 * @param reason             why the rule fired, e.g. {@code "fixed epoch 25"}
 * @param learningRateBefore the learning rate of the last preconditioned step
 * @param learningRateAfter  the learning rate of the first SGD step; differs from {@code learningRateBefore} only
 *                           with learning-rate matching
 */
public record SwitchEvent(int epoch, long step, String reason, double learningRateBefore,
                          double learningRateAfter) {

    /** One line, e.g. {@code "switched to SGD after epoch 2 (step 94): fixed epoch 2; learning rate 0.01 -> 0.01"}. */
    public String describe() {
        return "switched to SGD after epoch " + epoch + " (step " + step + "): " + reason + "; learning rate "
                + learningRateBefore + " -> " + learningRateAfter;
    }
}
