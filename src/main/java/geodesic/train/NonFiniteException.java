package geodesic.train;

import java.util.Objects;

/**
 * Training stopped because of a NaN or infinity: at once under {@link NonFinitePolicy#stop()}, after too many
 * consecutive skipped batches under {@link NonFinitePolicy#skip(int)}, and under any policy when the optimizer
 * reported it or an update made a parameter non-finite. The message names the quantity, the layer or parameter, the
 * step, the epoch and the batch, and what to do.
 */
public final class NonFiniteException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    private final transient NonFiniteEvent event;

    /**
     * @param event  what was found, where
     * @param detail appended to the event's description, e.g. the advice to lower the learning rate
     * @param cause  the optimizer's exception, or {@code null}
     */
    public NonFiniteException(NonFiniteEvent event, String detail, Throwable cause) {
        super(event.describe() + (detail.isEmpty() ? "" : "; " + detail));
        this.event = Objects.requireNonNull(event, "event");
        if (cause != null) {
            initCause(cause);
        }
    }

    /** The event that stopped training. */
    public NonFiniteEvent event() {
        return event;
    }
}
