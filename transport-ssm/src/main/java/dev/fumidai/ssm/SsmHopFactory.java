// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssm;

import dev.fumidai.spi.Hop;
import dev.fumidai.spi.HopFactory;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Creates {@link SsmHop}s from URIs: {@code ssm://i-0abc?region=eu-west-1&document=...}. Query parameters:
 * {@code region}, {@code profile} (a named AWS profile, as {@code aws --profile}), {@code document}, {@code endpoint} (control-plane endpoint override), {@code name},
 * {@code target} (instead of the authority, for ECS targets whose form is not a valid URI host),
 * {@code insecurePlaintextWebSocketForTesting=true} (follow a {@code ws://} StreamUrl of a fake service; see
 * {@link SsmHop.Builder#insecurePlaintextWebSocketForTesting()}). Unknown
 * parameters are refused. By-name targets: {@code ssm://name:web-1?region=...} (the running EC2 instance with
 * that Name tag) and {@code ssm://x?target=ecs:<cluster>/<task>/<container>} (see {@link SsmHop#builder}).
 */
public final class SsmHopFactory implements HopFactory {

    private static final Set<String> KNOWN = Set.of("region", "profile", "document", "endpoint", "name", "target",
            "insecurePlaintextWebSocketForTesting");

    @Override
    public Set<String> schemes() {
        return Set.of("ssm");
    }

    @Override
    public Hop create(URI uri) {
        Map<String, String> q = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int i = pair.indexOf('=');
                String k = URLDecoder.decode(i < 0 ? pair : pair.substring(0, i), StandardCharsets.UTF_8);
                String v = i < 0 ? "" : URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8);
                if (!KNOWN.contains(k)) {
                    throw new IllegalArgumentException("unknown ssm:// parameter \"" + k + "\"; known: " + KNOWN);
                }
                q.put(k, v);
            }
        }
        String target = q.containsKey("target") ? q.get("target") : uri.getRawAuthority();
        if (target == null || target.isEmpty()) {
            throw new IllegalArgumentException("ssm:// URI names no target: " + uri);
        }
        SsmHop.Builder b = SsmHop.builder(target);
        if (q.containsKey("region")) {
            b.region(q.get("region"));
        }
        if (q.containsKey("profile")) {
            b.profile(q.get("profile"));
        }
        if (q.containsKey("document")) {
            b.document(q.get("document"));
        }
        if (q.containsKey("endpoint")) {
            b.endpointOverride(URI.create(q.get("endpoint")));
        }
        if (q.containsKey("name")) {
            b.name(q.get("name"));
        }
        String plaintext = q.get("insecurePlaintextWebSocketForTesting");
        if (plaintext != null) {
            if (!plaintext.equals("true") && !plaintext.equals("false")) {
                throw new IllegalArgumentException("ssm:// URI: insecurePlaintextWebSocketForTesting must be true or"
                        + " false: " + uri);
            }
            if (plaintext.equals("true")) {
                b.insecurePlaintextWebSocketForTesting();
            }
        }
        return b.build();
    }
}
