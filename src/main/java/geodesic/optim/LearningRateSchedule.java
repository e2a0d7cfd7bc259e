package geodesic.optim;

import java.util.List;

/**
 * The learning rate of each epoch, as a function of the base rate. The paper's protocol divides the rate by 10 at
 * epochs 81 and 122 of 164: {@code stepDecay(base, List.of(81, 122), 0.1)}.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /**
     * @param epoch 1-based epoch number
     * @return the learning rate for that epoch
     */
    double rate(int epoch);

    /** The same rate every epoch. */
    static LearningRateSchedule constant(double lr) {
        Sgd.checkRate(lr);
        return epoch -> lr;
    }

    /**
     * {@code base * factor^k} where {@code k} is the number of milestones {@code <= epoch}.
     *
     * @param milestones 1-based epochs at which the rate is multiplied by {@code factor}
     * @throws IllegalArgumentException if {@code base} or {@code factor} is negative or not finite, or a milestone
     *                                  is below 1
     */
    static LearningRateSchedule stepDecay(double base, List<Integer> milestones, double factor) {
        Sgd.checkRate(base);
        if (!(factor >= 0 && Double.isFinite(factor))) {
            throw new IllegalArgumentException("decay factor must be finite and >= 0, got " + factor);
        }
        List<Integer> m = List.copyOf(milestones);
        for (int e : m) {
            if (e < 1) {
                throw new IllegalArgumentException("decay milestones are 1-based epochs, got " + e);
            }
        }
        return epoch -> {
            double lr = base;
            for (int e : m) {
                if (epoch >= e) {
                    lr *= factor;
                }
            }
            return lr;
        };
    }
}
