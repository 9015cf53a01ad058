package dev.quicksilver.index;

/**
 * What surrounds a call that throws a checked exception, in one text (character offsets): whether the exception is
 * {@code handled} there already (a {@code try} whose {@code catch} takes it or a supertype; a method, or a lambda's
 * functional method, that declares it), and if not, the two ways to handle it.
 *
 * <p>{@code declarer} is the method or constructor whose body holds the call and that may declare the exception
 * ({@code throws}); null where the call is in a lambda, an initializer or a field's initializer, or in a method that
 * overrides one that does not throw it: {@code notDeclarableBecause} says which. {@code wrap} is what a {@code try}
 * would surround; null where no statement can be (a field's initializer, a {@code super(...)} call):
 * {@code notWrappableBecause} says why.
 */
public record ExceptionSite(int callStart, int callEnd, boolean handled, Declarer declarer, String notDeclarableBecause, Wrap wrap,
                            String notWrappableBecause) {
    /**
     * A method or constructor that may declare the exception: its binding key, its name, and where {@code throws E}
     * goes ({@code throwsAt}: after the parameter list, or after the last exception of a {@code throws} clause it has,
     * {@code hasThrows}, where {@code , E} goes).
     */
    public record Declarer(String key, String name, int throwsAt, boolean hasThrows) {
    }

    /**
     * {@code [start, end)} is what the {@code try} takes the place of: the innermost statement of a block that holds
     * the call, or a lambda's expression body ({@code lambdaBody}: it becomes a block). {@code statement} is the code
     * the {@code try} holds: the statement itself, the assignment of a local variable declared by it that is used after
     * it ({@code declaration} is then that variable's declaration, which goes before the {@code try}, else null), or
     * the lambda's expression as a statement ({@code return} where the lambda returns a value). {@code catchName} is a
     * name for the caught exception that no variable in sight has. A method reference becomes a lambda: {@code [start,
     * end)} is the reference, {@code lambdaParameters} the lambda's parameters ({@code (a, b)}, or one bare name), and
     * {@code statement} its call of the method; null for the others.
     */
    public record Wrap(int start, int end, String statement, String declaration, boolean lambdaBody, String catchName, String lambdaParameters) {
    }
}
