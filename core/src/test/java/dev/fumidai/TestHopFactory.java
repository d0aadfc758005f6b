// SPDX-License-Identifier: Apache-2.0
package dev.fumidai;

import dev.fumidai.spi.Hop;
import dev.fumidai.spi.HopFactory;
import java.net.URI;
import java.util.Set;

/**
 * Registers the scheme {@code cmdtest://name?arg=...} through {@code ServiceLoader} (core test resources), so
 * that {@link Route#parse} is tested with a real service lookup: it makes a {@link CommandHop}.
 */
public final class TestHopFactory implements HopFactory {

    @Override
    public Set<String> schemes() {
        return Set.of("cmdtest");
    }

    @Override
    public Hop create(URI uri) {
        String query = uri.getQuery();
        if (query == null || !query.startsWith("argv=")) {
            throw new IllegalArgumentException("cmdtest hop needs ?argv=prog+arg+...: " + uri);
        }
        return CommandHop.of(query.substring("argv=".length()).split("\\+")).named(uri.getHost());
    }
}
