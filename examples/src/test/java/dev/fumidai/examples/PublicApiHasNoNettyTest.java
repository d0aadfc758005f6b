// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks that no public type of a published module, outside the {@code spi} and {@code internal} packages, mentions
 * a Netty class: not in a supertype, a public or protected field, constructor or method (parameters, return type,
 * thrown types, type-parameter bounds, generic arguments at any depth). Netty-level access lives in the {@code spi}
 * packages, so an application depends on JDK types only and a Netty upgrade never breaks its compilation.
 *
 * <p>Classes are read from where each published module's classes are on the test class path (its
 * {@code target/classes} directory inside the reactor, or its jar), one anchor class per module. A method that
 * implements or overrides a method of an {@code spi} type is part of that SPI and is not checked: an application
 * reaches it only through the SPI type.
 */
class PublicApiHasNoNettyTest {

    /** One public class of every published module; a module added later gets an anchor here. */
    private static final Map<String, String> ANCHORS = new LinkedHashMap<>();

    static {
        ANCHORS.put("fumidai-core", "dev.fumidai.JumpHost");
        ANCHORS.put("fumidai-transport-ssh", "dev.fumidai.ssh.SshHop");
        ANCHORS.put("fumidai-transport-ssm", "dev.fumidai.ssm.SsmHop");
        ANCHORS.put("fumidai-audit", "dev.fumidai.audit.file.FileAuditSink");
        ANCHORS.put("fumidai-jdbc", "dev.fumidai.jdbc.FumidaiSocketFactory");
        ANCHORS.put("fumidai-jdbc-mysql", "dev.fumidai.jdbc.mysql.FumidaiMysqlSocketFactory");
        ANCHORS.put("fumidai-micrometer", "dev.fumidai.micrometer.FumidaiMetrics");
        ANCHORS.put("fumidai-test-support", "dev.fumidai.testsupport.EmbeddedBastions");
    }

    @Test
    void noPublicTypeOutsideSpiMentionsNetty() throws Exception {
        List<String> violations = new ArrayList<>();
        int scanned = 0;
        for (Map.Entry<String, String> anchor : ANCHORS.entrySet()) {
            List<String> names = classNames(Class.forName(anchor.getValue(), false, loader()));
            assertTrue(names.contains(anchor.getValue()), anchor.getKey() + ": the scan must find its anchor class");
            for (String name : names) {
                if (!isPublicApiPackage(name)) {
                    continue;
                }
                Class<?> c = Class.forName(name, false, loader());
                if (!isVisibleOutside(c)) {
                    continue;
                }
                scanned++;
                check(c, violations);
            }
        }
        assertTrue(scanned > 100, "the scan looked at too few public classes to be believed: " + scanned);
        assertEquals(List.of(), violations, "public API outside spi mentions Netty:\n" + String.join("\n", violations));
    }

    @Test
    void theCheckSeesNettyWhereverItHides() throws Exception {
        // The scanner itself, on types that mention Netty in each place it looks, so that an empty result above
        // means "nothing found" and not "nothing looked at".
        List<String> found = new ArrayList<>();
        check(Leaky.class, found);
        Set<String> where = new TreeSet<>();
        for (String v : found) {
            where.add(v.substring(v.indexOf(' ') + 1, v.indexOf(':')));
        }
        assertEquals(Set.of("field group", "constructor (io.netty.channel.Channel)", "method bound",
                "method get", "method nested", "method thrower", "method returns", "supertype"), where, String.join("\n", found));
        List<String> none = new ArrayList<>();
        check(Clean.class, none);
        assertEquals(List.of(), none);
    }

    /** Mentions Netty in every place the scan must catch (and in private ones it must ignore). */
    @SuppressWarnings("unused")
    public static class Leaky implements java.util.function.Supplier<io.netty.buffer.ByteBuf> {
        public io.netty.channel.EventLoopGroup group;
        private io.netty.channel.EventLoopGroup hidden;

        public Leaky(io.netty.channel.Channel c) {
        }

        @Override
        public io.netty.buffer.ByteBuf get() {
            return null;
        }

        public <T extends io.netty.util.ReferenceCounted> void bound(T t) {
        }

        public void nested(Map<String, List<? extends io.netty.channel.Channel>> m) {
        }

        public void thrower() throws io.netty.handler.codec.DecoderException {
        }

        public io.netty.util.concurrent.Future<?> returns() {
            return null;
        }

        private void privateMethod(io.netty.channel.Channel c) {
        }
    }

    /** Mentions Netty only where the public API does not show it. */
    @SuppressWarnings("unused")
    public static class Clean {
        private io.netty.channel.Channel channel;

        Clean(io.netty.channel.Channel c) {
        }

        public List<String> names() {
            return List.of();
        }

        void packagePrivate(io.netty.buffer.ByteBuf b) {
        }
    }

    private static ClassLoader loader() {
        return PublicApiHasNoNettyTest.class.getClassLoader();
    }

    /** Packages an application uses: not {@code internal}, not {@code spi} (nor below them). */
    static boolean isPublicApiPackage(String className) {
        int dot = className.lastIndexOf('.');
        String pkg = dot < 0 ? "" : className.substring(0, dot);
        for (String segment : pkg.split("\\.")) {
            if (segment.equals("internal") || segment.equals("spi")) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVisibleOutside(Class<?> c) {
        if (c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass()) {
            return false;
        }
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            int m = k.getModifiers();
            boolean nested = k.getDeclaringClass() != null;
            if (!Modifier.isPublic(m) && !(nested && Modifier.isProtected(m))) {
                return false;
            }
        }
        return true;
    }

    private static void check(Class<?> c, List<String> violations) {
        String owner = c.getName();
        if (c.getGenericSuperclass() != null && mentionsNetty(c.getGenericSuperclass())) {
            violations.add(owner + " supertype: " + c.getGenericSuperclass().getTypeName());
        }
        for (Type t : c.getGenericInterfaces()) {
            if (mentionsNetty(t)) {
                violations.add(owner + " supertype: " + t.getTypeName());
            }
        }
        for (TypeVariable<?> v : c.getTypeParameters()) {
            if (mentionsNetty(v)) {
                violations.add(owner + " type-parameter: " + v.getName());
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if (exposed(f.getModifiers()) && !f.isSynthetic() && mentionsNetty(f.getGenericType())) {
                violations.add(owner + " field " + f.getName() + ": " + f.getGenericType().getTypeName());
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (exposed(k.getModifiers()) && !k.isSynthetic()) {
                String what = executableMentions(k);
                if (what != null) {
                    violations.add(owner + " constructor (" + describeParameters(k) + "): " + what);
                }
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if (!exposed(m.getModifiers()) || m.isSynthetic() || m.isBridge() || implementsSpi(c, m)) {
                continue;
            }
            String what = executableMentions(m);
            if (what == null && mentionsNetty(m.getGenericReturnType())) {
                what = m.getGenericReturnType().getTypeName();
            }
            if (what != null) {
                violations.add(owner + " method " + m.getName() + ": " + what);
            }
        }
    }

    private static String describeParameters(Executable e) {
        StringBuilder sb = new StringBuilder();
        for (Class<?> p : e.getParameterTypes()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(p.getName());
        }
        return sb.toString();
    }

    private static String executableMentions(Executable e) {
        for (Type t : e.getGenericParameterTypes()) {
            if (mentionsNetty(t)) {
                return t.getTypeName();
            }
        }
        for (Type t : e.getGenericExceptionTypes()) {
            if (mentionsNetty(t)) {
                return "throws " + t.getTypeName();
            }
        }
        for (TypeVariable<?> v : e.getTypeParameters()) {
            if (mentionsNetty(v)) {
                return "<" + v.getName() + "> bounded by Netty";
            }
        }
        return null;
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** Whether {@code m} implements or overrides a method declared by a type in an {@code spi} package. */
    private static boolean implementsSpi(Class<?> c, Method m) {
        List<Class<?>> todo = new ArrayList<>();
        todo.add(c);
        while (!todo.isEmpty()) {
            Class<?> k = todo.remove(todo.size() - 1);
            if (k != c && !isPublicApiPackage(k.getName()) && k.getName().startsWith("dev.fumidai.")) {
                try {
                    k.getDeclaredMethod(m.getName(), m.getParameterTypes());
                    return true;
                } catch (NoSuchMethodException e) {
                    // not declared here; look further up
                }
            }
            if (k.getSuperclass() != null) {
                todo.add(k.getSuperclass());
            }
            todo.addAll(List.of(k.getInterfaces()));
        }
        return false;
    }

    static boolean mentionsNetty(Type t) {
        return mentionsNetty(t, new ArrayList<>());
    }

    private static boolean mentionsNetty(Type t, List<TypeVariable<?>> seen) {
        if (t instanceof Class<?> k) {
            while (k.isArray()) {
                k = k.getComponentType();
            }
            return k.getName().startsWith("io.netty.");
        }
        if (t instanceof ParameterizedType p) {
            if (mentionsNetty(p.getRawType(), seen) || (p.getOwnerType() != null && mentionsNetty(p.getOwnerType(),
                    seen))) {
                return true;
            }
            for (Type a : p.getActualTypeArguments()) {
                if (mentionsNetty(a, seen)) {
                    return true;
                }
            }
            return false;
        }
        if (t instanceof WildcardType w) {
            return Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
                    .anyMatch(b -> mentionsNetty(b, seen));
        }
        if (t instanceof GenericArrayType g) {
            return mentionsNetty(g.getGenericComponentType(), seen);
        }
        if (t instanceof TypeVariable<?> v) {
            if (seen.contains(v)) { // a recursive bound such as <T extends Comparable<T>>
                return false;
            }
            seen.add(v);
            for (Type b : v.getBounds()) {
                if (mentionsNetty(b, seen)) {
                    return true;
                }
            }
            return false;
        }
        return false;
    }

    /** Every class in the directory or jar that holds {@code anchor}'s class file. */
    private static List<String> classNames(Class<?> anchor) throws IOException, URISyntaxException {
        Path where = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(where)) {
            try (Stream<Path> files = Files.walk(where)) {
                files.filter(p -> p.toString().endsWith(".class")).forEach(p -> {
                    names.add(toClassName(where.relativize(p).toString().replace('\\', '/')));
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
                    String n = en.nextElement().getName();
                    if (n.endsWith(".class") && !n.startsWith("META-INF/")) {
                        names.add(toClassName(n));
                    }
                }
            }
        }
        names.removeIf(n -> n.endsWith("module-info") || n.endsWith("package-info"));
        return names;
    }

    private static String toClassName(String relativePath) {
        return relativePath.substring(0, relativePath.length() - ".class".length()).replace('/', '.');
    }
}
