// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testing;

import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;

/**
 * Runs one property with QuickTheories inside a JUnit Jupiter test method: draws {@code examples} examples from the
 * generators, runs the body on each, and on the first failure shrinks the example and fails the test with the
 * smallest counterexample found, the seed, and the command line that replays it.
 *
 * <p>Replaying: QuickTheories takes the seed from the system property {@code QT_SEED} (otherwise from
 * {@link System#nanoTime()}), and surefire forwards {@code -D} properties to the test JVM, so
 * {@code mvn -B -o -pl <module> -am -Dtest='<Class>#<method>' -Dsurefire.failIfNoSpecifiedTests=false
 * -DQT_SEED=<seed> verify} draws the same examples again. See docs/property-tests.md.
 *
 * <p>The body may throw checked exceptions; any throwable counts as a failure, as under jqwik. Leaks: the
 * property runs inside an ordinary test class, so {@link LeakCheckExtension} fails the class when Netty reports a
 * leaked buffer, as for every other test.
 */
public final class PropertyCheck {

    /** Property seed system property read by QuickTheories ({@code org.quicktheories.core.Configuration.SEED}). */
    public static final String SEED_PROPERTY = "QT_SEED";

    private PropertyCheck() {
    }

    /** A property body over the generated values, in generator order. */
    @FunctionalInterface
    public interface Body {
        void check(Object[] values) throws Throwable;
    }

    /** A property body over one value. */
    @FunctionalInterface
    public interface Body1<A> {
        void check(A a) throws Throwable;
    }

    /** A property body over two values. */
    @FunctionalInterface
    public interface Body2<A, B> {
        void check(A a, B b) throws Throwable;
    }

    /** A property body over three values. */
    @FunctionalInterface
    public interface Body3<A, B, C> {
        void check(A a, B b, C c) throws Throwable;
    }

    /** A property body over four values. */
    @FunctionalInterface
    public interface Body4<A, B, C, D> {
        void check(A a, B b, C c, D d) throws Throwable;
    }

    /** A property body over five values. */
    @FunctionalInterface
    public interface Body5<A, B, C, D, E> {
        void check(A a, B b, C c, D d, E e) throws Throwable;
    }

    /** A property body over six values. */
    @FunctionalInterface
    public interface Body6<A, B, C, D, E, F> {
        void check(A a, B b, C c, D d, E e, F f) throws Throwable;
    }

    /** A property body over seven values. */
    @FunctionalInterface
    public interface Body7<A, B, C, D, E, F, G> {
        void check(A a, B b, C c, D d, E e, F f, G g) throws Throwable;
    }

    /** Checks a property of one generated value on {@code examples} examples. */
    public static <A> void forAll(int examples, Gen<A> a, Body1<A> body) {
        run(examples, List.of(a), v -> body.check(cast(v[0])));
    }

    /** Checks a property of two generated values on {@code examples} examples. */
    public static <A, B> void forAll(int examples, Gen<A> a, Gen<B> b, Body2<A, B> body) {
        run(examples, List.of(a, b), v -> body.check(cast(v[0]), cast(v[1])));
    }

    /** Checks a property of three generated values on {@code examples} examples. */
    public static <A, B, C> void forAll(int examples, Gen<A> a, Gen<B> b, Gen<C> c, Body3<A, B, C> body) {
        run(examples, List.of(a, b, c), v -> body.check(cast(v[0]), cast(v[1]), cast(v[2])));
    }

    /** Checks a property of four generated values on {@code examples} examples. */
    public static <A, B, C, D> void forAll(int examples, Gen<A> a, Gen<B> b, Gen<C> c, Gen<D> d,
            Body4<A, B, C, D> body) {
        run(examples, List.of(a, b, c, d), v -> body.check(cast(v[0]), cast(v[1]), cast(v[2]), cast(v[3])));
    }

    /** Checks a property of five generated values on {@code examples} examples. */
    public static <A, B, C, D, E> void forAll(int examples, Gen<A> a, Gen<B> b, Gen<C> c, Gen<D> d, Gen<E> e,
            Body5<A, B, C, D, E> body) {
        run(examples, List.of(a, b, c, d, e),
                v -> body.check(cast(v[0]), cast(v[1]), cast(v[2]), cast(v[3]), cast(v[4])));
    }

    /** Checks a property of six generated values on {@code examples} examples. */
    public static <A, B, C, D, E, F> void forAll(int examples, Gen<A> a, Gen<B> b, Gen<C> c, Gen<D> d, Gen<E> e,
            Gen<F> f, Body6<A, B, C, D, E, F> body) {
        run(examples, List.of(a, b, c, d, e, f),
                v -> body.check(cast(v[0]), cast(v[1]), cast(v[2]), cast(v[3]), cast(v[4]), cast(v[5])));
    }

    /** Checks a property of seven generated values on {@code examples} examples. */
    public static <A, B, C, D, E, F, G> void forAll(int examples, Gen<A> a, Gen<B> b, Gen<C> c, Gen<D> d,
            Gen<E> e, Gen<F> f, Gen<G> g, Body7<A, B, C, D, E, F, G> body) {
        run(examples, List.of(a, b, c, d, e, f, g), v -> body.check(cast(v[0]), cast(v[1]), cast(v[2]), cast(v[3]),
                cast(v[4]), cast(v[5]), cast(v[6])));
    }

    /**
     * Checks a property of any number of generated values: the generators draw in order from one random source,
     * so QuickTheories shrinks them together.
     */
    public static void run(int examples, List<? extends Gen<?>> gens, Body body) {
        Gen<Object[]> all = source -> {
            Object[] v = new Object[gens.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = gens.get(i).generate(source);
            }
            return v;
        };
        Gen<Object[]> described = all.describedAs(PropertyCheck::describe);
        String caller = caller();
        try {
            qt().withExamples(examples).forAll(described).checkAssert(v -> {
                try {
                    body.check(v);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
            });
        } catch (AssertionError e) {
            String seed = seedOf(e.getMessage());
            throw new AssertionError(e.getMessage() + "\nReplay: mvn -B -o -pl <module> -am -Dtest='" + caller
                    + "' -Dsurefire.failIfNoSpecifiedTests=false -D" + SEED_PROPERTY + "=" + seed
                    + " verify   (docs/property-tests.md)", e.getCause());
        }
    }

    private static String describe(Object[] values) {
        List<String> parts = new ArrayList<>();
        for (Object v : values) {
            parts.add(Gens.show(v));
        }
        return "(" + String.join(", ", parts) + ")";
    }

    /** Returns the seed QuickTheories names in its failure message ("Seed was N"). */
    private static String seedOf(String message) {
        if (message == null) {
            return "?";
        }
        int at = message.lastIndexOf("Seed was ");
        return at < 0 ? "?" : message.substring(at + "Seed was ".length()).trim().split("\\s")[0];
    }

    /** Returns {@code Class#method} of the test that called in, for the replay command. */
    private static String caller() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !f.getClassName().equals(PropertyCheck.class.getName()))
                .findFirst()
                .map(f -> {
                    String c = f.getClassName();
                    int dollar = c.indexOf('$');
                    String top = dollar < 0 ? c : c.substring(0, dollar);
                    return top.substring(top.lastIndexOf('.') + 1) + "#" + f.getMethodName();
                })
                .orElse("?"));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }
}
