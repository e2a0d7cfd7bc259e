package geodesic.optim;

import java.util.Locale;

/**
 * How the Kronecker preconditioner regularizes its inverse square roots, so that directions with tiny or zero
 * eigenvalues are not amplified without bound.
 *
 * <p>With factor eigenvalues {@code lambda_A} (inputs, {@code m x m}) and {@code lambda_B} (output gradients,
 * {@code n x n}), negative values clamped to 0, the gradient component on eigenvector pair {@code (i, j)} is
 * multiplied by
 * <ul>
 *   <li>{@link Form#FACTORED}, the paper's form {@code (A + eps I)^-1/2 (x) (B + eps I)^-1/2}:
 *       {@code (lambda_A[i] + eps_A)^-1/2 (lambda_B[j] + eps_B)^-1/2}, each factor damped on its own;</li>
 *   <li>{@link Form#EIGENBASIS}, the exact damping of the Kronecker product {@code (A (x) B + eps I)^-1/2}:
 *       {@code (lambda_A[i] lambda_B[j] + eps)^-1/2}.</li>
 * </ul>
 * With {@link Scale#ABSOLUTE}, {@code eps_A = eps_B = eps}. With {@link Scale#RELATIVE}, {@code epsilon} is a
 * fraction of the mean eigenvalue: {@code eps_A = epsilon * mean(lambda_A)}, {@code eps_B = epsilon *
 * mean(lambda_B)} for the factored form and {@code eps = epsilon * mean(lambda_A) * mean(lambda_B)} (the mean
 * eigenvalue of {@code A (x) B}) for the eigenbasis form; relative damping is invariant to the scale of the
 * factors, absolute damping is not. A factor whose eigenvalues are all zero (its layer saw only zero inputs or
 * gradients) falls back to the absolute {@code epsilon}, so that its zero gradient stays zero.
 *
 * <p>Cost: the factored form is applied as two products with precomputed {@code m x m} and {@code n x n} roots,
 * the eigenbasis form as four products with the eigenvectors, about twice the work.
 *
 * @param form    factored or eigenbasis damping
 * @param scale   absolute or relative to the mean eigenvalue
 * @param epsilon the damping, finite and {@code > 0}
 */
public record Damping(Form form, Scale scale, double epsilon) {

    /** Where the damping is added; see the class comment. */
    public enum Form {
        /** {@code (A + eps_A I)^-1/2 (x) (B + eps_B I)^-1/2}, the paper's Eq. 16 with its damping. */
        FACTORED,
        /** {@code (A (x) B + eps I)^-1/2}, computed in the factors' eigenbases. */
        EIGENBASIS
    }

    /** Whether {@code epsilon} is absolute or a fraction of the mean eigenvalue. */
    public enum Scale {
        ABSOLUTE,
        RELATIVE
    }

    /**
     * @throws IllegalArgumentException if {@code epsilon} is not finite and positive
     * @throws NullPointerException     if {@code form} or {@code scale} is null
     */
    public Damping {
        if (form == null || scale == null) {
            throw new NullPointerException("damping form and scale must not be null");
        }
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("damping epsilon must be finite and > 0, got " + epsilon);
        }
    }

    /** The paper's damping: {@code (A + eps I)^-1/2 (x) (B + eps I)^-1/2} with an absolute {@code eps}. */
    public static Damping factored(double epsilon) {
        return new Damping(Form.FACTORED, Scale.ABSOLUTE, epsilon);
    }

    /** {@code (A (x) B + eps I)^-1/2} with an absolute {@code eps}. */
    public static Damping eigenbasis(double epsilon) {
        return new Damping(Form.EIGENBASIS, Scale.ABSOLUTE, epsilon);
    }

    /** This form and epsilon, relative to the mean eigenvalue. */
    public Damping relative() {
        return new Damping(form, Scale.RELATIVE, epsilon);
    }

    /**
     * The damping added to one factor's eigenvalues in the factored form.
     *
     * @param meanEigenvalue mean of the factor's clamped eigenvalues
     */
    double factorEpsilon(double meanEigenvalue) {
        return scale == Scale.ABSOLUTE || !(meanEigenvalue > 0) ? epsilon : epsilon * meanEigenvalue;
    }

    /**
     * The damping added to the eigenvalue products in the eigenbasis form.
     *
     * @param meanA mean of A's clamped eigenvalues
     * @param meanB mean of B's clamped eigenvalues
     */
    double productEpsilon(double meanA, double meanB) {
        double relative = epsilon * meanA * meanB;
        return scale == Scale.ABSOLUTE || !(relative > 0) ? epsilon : relative;
    }

    /** E.g. {@code "eigenbasis relative 0.001"}. */
    public String describe() {
        return String.format(Locale.ROOT, "%s %s %g", form.name().toLowerCase(Locale.ROOT),
                scale.name().toLowerCase(Locale.ROOT), epsilon);
    }
}
