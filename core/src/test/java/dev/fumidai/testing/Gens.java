// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testing;

import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Builds the QuickTheories generators the {@code *Properties} classes share, with the ranges and sizes the
 * properties had under jqwik, and describes generated values readably for counterexamples.
 *
 * <p>Every generator here is built from QuickTheories' own range generators, so a failing example shrinks: numbers
 * towards the lower bound (or zero), collections towards their minimum size, characters towards the first one of
 * their alphabet. Where a property used jqwik's defaults ({@code @ForAll int}, {@code String}, {@code byte[]}, ...)
 * the generator below reproduces that default; see docs/property-tests.md.
 */
public final class Gens {

    /** jqwik's default collection, array and string size bound (0 to 255 elements). */
    public static final int DEFAULT_MAX_SIZE = 255;

    /**
     * The characters jqwik generated for an unconstrained {@code String} or {@code char}: the basic multilingual
     * plane without surrogates, noncharacters and private-use characters.
     */
    private static final char[] ANY_CHARS = anyChars();

    private Gens() {
    }

    private static char[] anyChars() {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c <= 0xFFFF; c++) {
            boolean surrogate = c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE;
            boolean nonCharacter = (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
            boolean privateUse = c >= 0xE000 && c <= 0xF8FF;
            if (!surrogate && !nonCharacter && !privateUse) {
                b.append((char) c);
            }
        }
        return b.toString().toCharArray();
    }

    /** Returns every int, boundaries included ({@code @ForAll int}). */
    public static Gen<Integer> ints() {
        return SourceDSL.integers().all();
    }

    /** Returns ints from {@code min} to {@code max} inclusive ({@code @IntRange}). */
    public static Gen<Integer> ints(int min, int max) {
        return SourceDSL.integers().between(min, max);
    }

    /** Returns every long, boundaries included ({@code @ForAll long}). */
    public static Gen<Long> longs() {
        return SourceDSL.longs().all();
    }

    /** Returns longs from {@code min} to {@code max} inclusive ({@code @LongRange}). */
    public static Gen<Long> longs(long min, long max) {
        return SourceDSL.longs().between(min, max);
    }

    /** Returns true or false. */
    public static Gen<Boolean> booleans() {
        return Generate.booleans();
    }

    /** Returns one of the given values, shrinking towards the first. */
    @SafeVarargs
    public static <T> Gen<T> of(T... values) {
        return Generate.pick(List.of(values));
    }

    /**
     * Returns BigIntegers in jqwik's default range for {@code @ForAll BigInteger}, [Long.MIN_VALUE,
     * Long.MAX_VALUE], mixed with values of up to 64 random bytes so that long encodings are exercised too.
     */
    public static Gen<BigInteger> bigIntegers() {
        Gen<BigInteger> small = SourceDSL.longs().all().map(BigInteger::valueOf);
        Gen<BigInteger> large = bytes(1, 64).map((byte[] b) -> new BigInteger(b));
        return small.mix(large, 20);
    }

    /** Returns byte arrays of 0 to 255 bytes ({@code @ForAll byte[]}). */
    public static Gen<byte[]> bytes() {
        return bytes(0, DEFAULT_MAX_SIZE);
    }

    /** Returns byte arrays of {@code minSize} to {@code maxSize} random bytes ({@code @Size}). */
    public static Gen<byte[]> bytes(int minSize, int maxSize) {
        return Generate.byteArrays(SourceDSL.integers().between(minSize, maxSize),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
    }

    /** Returns characters of the given alphabet, shrinking towards its first character. */
    public static Gen<Character> charsOf(String alphabet) {
        char[] chars = alphabet.toCharArray();
        return SourceDSL.integers().between(0, chars.length - 1).map(i -> chars[i]);
    }

    /** Returns characters from {@code first} to {@code last} inclusive, plus the extra characters given. */
    public static Gen<Character> charRange(char first, char last, String extra) {
        StringBuilder b = new StringBuilder();
        for (char c = first; c <= last; c++) {
            b.append(c);
        }
        return charsOf(b + extra);
    }

    /** Returns what jqwik generated for an unconstrained {@code char}; see {@link #ANY_CHARS}. */
    public static Gen<Character> anyChar() {
        return SourceDSL.integers().between(0, ANY_CHARS.length - 1).map(i -> ANY_CHARS[i]);
    }

    /** Returns strings of 0 to 255 characters as jqwik generated them for an unconstrained {@code String}. */
    public static Gen<String> strings() {
        return strings(anyChar(), 0, DEFAULT_MAX_SIZE);
    }

    /** Returns strings of {@code minLength} to {@code maxLength} characters drawn from {@code chars}. */
    public static Gen<String> strings(Gen<Character> chars, int minLength, int maxLength) {
        return lists(chars, minLength, maxLength)
                .map(l -> l.stream().map(String::valueOf).collect(Collectors.joining()));
    }

    /** Returns lists of {@code minSize} to {@code maxSize} elements. */
    public static <T> Gen<List<T>> lists(Gen<T> element, int minSize, int maxSize) {
        return SourceDSL.lists().of(element).ofSizeBetween(minSize, maxSize);
    }

    /** Returns lists of exactly {@code size} elements. */
    public static <T> Gen<List<T>> lists(Gen<T> element, int size) {
        return SourceDSL.lists().of(element).ofSize(size);
    }

    /**
     * Returns maps of 0 to {@code maxSize} entries; a key drawn twice keeps its last value, so a map may be smaller,
     * as jqwik's were.
     */
    public static <K, V> Gen<Map<K, V>> maps(Gen<K> keys, Gen<V> values, int maxSize) {
        return lists(keys.zip(values, Map::entry), 0, maxSize).map(entries -> {
            Map<K, V> m = new java.util.LinkedHashMap<>();
            entries.forEach(e -> m.put(e.getKey(), e.getValue()));
            return m;
        });
    }

    /**
     * Returns doubles with two decimals (the scale of jqwik's {@code @ForAll double}) over the long range, mixed
     * half and half with QuickTheories' {@code doubles().any()}, which reaches the whole double range, subnormals,
     * infinities and NaN.
     */
    public static Gen<Double> doubles() {
        Gen<Double> twoDecimals = SourceDSL.longs().all().map(l -> l / 100.0);
        return twoDecimals.mix(SourceDSL.doubles().any(), 50);
    }

    /** Returns doubles from {@code min} to {@code max} ({@code @DoubleRange}). */
    public static Gen<Double> doubles(double min, double max) {
        return SourceDSL.doubles().between(min, max);
    }

    /** Describes a generated value: arrays as hex or elements, records by component, strings quoted and escaped. */
    public static String show(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof byte[] b) {
            StringBuilder s = new StringBuilder("byte[" + b.length + "] ");
            for (int i = 0; i < b.length && i < 256; i++) {
                s.append(String.format("%02x", b[i]));
            }
            return b.length > 256 ? s.append("...").toString() : s.toString();
        }
        if (value instanceof String str) {
            StringBuilder s = new StringBuilder("\"");
            str.chars().forEach(c -> s.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? String.valueOf((char) c)
                    : String.format("\\u%04x", c)));
            return s.append('"').toString();
        }
        if (value instanceof Collection<?> c) {
            List<String> parts = new ArrayList<>();
            c.forEach(e -> parts.add(show(e)));
            return "[" + String.join(", ", parts) + "]";
        }
        if (value instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, v) -> parts.add(show(k) + "=" + show(v)));
            return "{" + String.join(", ", parts) + "}";
        }
        if (value instanceof Object[] a) {
            return show(List.of(a));
        }
        if (value.getClass().isRecord()) {
            RecordComponent[] rc = value.getClass().getRecordComponents();
            return value.getClass().getSimpleName() + IntStream.range(0, rc.length).mapToObj(i -> {
                try {
                    rc[i].getAccessor().setAccessible(true);
                    return rc[i].getName() + "=" + show(rc[i].getAccessor().invoke(value));
                } catch (ReflectiveOperationException e) {
                    return rc[i].getName() + "=?";
                }
            }).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }
}
