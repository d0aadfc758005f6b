// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Checks the null-safety markers of a published module's classes (issue 16): every package holding a public type,
 * {@code internal} packages excepted, is {@link NullMarked}, and chosen accessors and parameters carry
 * {@link Nullable}. The packages are found by walking the module's classes (a {@code target/classes} directory or
 * a jar), so a new public package that lacks the marker fails the check, and the caller names the packages it
 * expects, so a walk that finds nothing fails too.
 */
public final class NullMarkedPackages {

    private NullMarkedPackages() {
    }

    /** Returns the packages with at least one public top-level type where {@code anyClass} was loaded from. */
    public static Set<String> publicPackages(Class<?> anyClass) {
        Path root;
        try {
            root = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> classNames = new ArrayList<>();
        try {
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    files.filter(p -> p.toString().endsWith(".class")).forEach(p -> classNames.add(
                            root.relativize(p).toString().replace('\\', '/')));
                }
            } else {
                try (JarFile jar = new JarFile(root.toFile())) {
                    jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).forEach(classNames::add);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the classes of " + root, e);
        }
        Set<String> packages = new TreeSet<>();
        for (String file : classNames) {
            if (file.contains("$") || file.endsWith("package-info.class") || file.endsWith("module-info.class")
                    || file.startsWith("META-INF/")) {
                continue;
            }
            String name = file.substring(0, file.length() - ".class".length()).replace('/', '.');
            Class<?> c;
            try {
                c = Class.forName(name, false, anyClass.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("cannot load " + name, e);
            }
            if (Modifier.isPublic(c.getModifiers())) {
                packages.add(c.getPackageName());
            }
        }
        return packages;
    }

    /**
     * Asserts that the public packages beside {@code anyClass}, less the {@code internal} ones, are exactly
     * {@code expected} and that each carries {@link NullMarked}.
     */
    public static void assertAllNullMarked(Class<?> anyClass, String... expected) {
        Set<String> api = new TreeSet<>();
        for (String p : publicPackages(anyClass)) {
            if (!Arrays.asList(p.split("\\.")).contains("internal")) {
                api.add(p);
            }
        }
        assertEquals(new TreeSet<>(Arrays.asList(expected)), api,
                "public packages of the module (a new one needs a package-info.java with @NullMarked)");
        List<String> unmarked = new ArrayList<>();
        for (String p : api) {
            Package pkg = packageOf(anyClass.getClassLoader(), p);
            if (pkg == null || !pkg.isAnnotationPresent(NullMarked.class)) {
                unmarked.add(p);
            }
        }
        assertTrue(unmarked.isEmpty(), "packages without @NullMarked in package-info.java: " + unmarked);
    }

    private static @Nullable Package packageOf(ClassLoader loader, String name) {
        try {
            // Loading the package-info class defines its annotations on the Package.
            return Class.forName(name + ".package-info", false, loader).getPackage();
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** Asserts that the public method {@code name} of {@code type} with these parameter types returns @Nullable. */
    public static void assertNullableReturn(Class<?> type, String name, Class<?>... parameterTypes) {
        Method m = method(type, name, parameterTypes);
        assertTrue(isNullable(m.getAnnotatedReturnType()), m + " should return @Nullable");
    }

    /** Asserts that parameter {@code index} of the public method or constructor is @Nullable. */
    public static void assertNullableParameter(Class<?> type, String name, int index, Class<?>... parameterTypes) {
        AnnotatedType[] params;
        String what;
        if (name.equals("<init>")) {
            try {
                var c = type.getConstructor(parameterTypes);
                params = c.getAnnotatedParameterTypes();
                what = c.toString();
            } catch (NoSuchMethodException e) {
                throw new AssertionError("no constructor " + type.getName() + Arrays.toString(parameterTypes), e);
            }
        } else {
            Method m = method(type, name, parameterTypes);
            params = m.getAnnotatedParameterTypes();
            what = m.toString();
        }
        assertTrue(isNullable(params[index]), "parameter " + index + " of " + what + " should be @Nullable");
    }

    /** Asserts that the record component {@code component} of {@code record} is @Nullable (and so its accessor). */
    public static void assertNullableComponent(Class<?> record, String component) {
        for (RecordComponent rc : record.getRecordComponents()) {
            if (rc.getName().equals(component)) {
                assertTrue(isNullable(rc.getAnnotatedType()), record.getName() + "." + component
                        + " should be @Nullable");
                assertTrue(isNullable(rc.getAccessor().getAnnotatedReturnType()), record.getName() + "."
                        + component + "() should return @Nullable");
                return;
            }
        }
        fail(record.getName() + " has no component " + component);
    }

    /** Asserts that the public method returns a type without @Nullable (a control for the checks above). */
    public static void assertNotNullableReturn(Class<?> type, String name, Class<?>... parameterTypes) {
        Method m = method(type, name, parameterTypes);
        assertTrue(!isNullable(m.getAnnotatedReturnType()), m + " should not return @Nullable");
    }

    private static Method method(Class<?> type, String name, Class<?>... parameterTypes) {
        try {
            return type.getMethod(name, parameterTypes);
        } catch (NoSuchMethodException e) {
            throw new AssertionError("no method " + type.getName() + "." + name + Arrays.toString(parameterTypes), e);
        }
    }

    private static boolean isNullable(AnnotatedType t) {
        return t.isAnnotationPresent(Nullable.class);
    }
}
