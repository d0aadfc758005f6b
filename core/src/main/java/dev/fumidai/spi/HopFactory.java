// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import java.net.URI;
import java.util.Set;

/**
 * Creates hops from URIs such as {@code ssh://ops@bastion:22} or {@code ssm://i-0abc?region=eu-west-1}, so
 * that {@code Route.parse} works for every transport on the class or module path. Registered with
 * {@link java.util.ServiceLoader}.
 */
public interface HopFactory {

    /** Returns the URI schemes this factory handles, lower case. */
    Set<String> schemes();

    /**
     * Creates a hop.
     *
     * @throws IllegalArgumentException if the URI is malformed or unsafe; the message says which part
     */
    Hop create(URI uri);
}
