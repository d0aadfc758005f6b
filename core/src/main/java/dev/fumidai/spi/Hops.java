// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.spi;

import dev.fumidai.Target;

/** Writes the hop part of exception messages in one form everywhere. */
public final class Hops {

    private Hops() {
    }

    /** Returns {@code <transport> hop "<name>" <address>}, e.g. {@code ssh hop "bastion" 10.0.0.5:22}. */
    public static String describe(Hop hop) {
        Target a = hop.address();
        return hop.transport() + " hop \"" + hop.name() + "\"" + (a == null ? "" : " " + a);
    }

    /** Returns {@code <hop> => <target>}, e.g. {@code ssh hop "bastion" 10.0.0.5:22 => db:5432}. */
    public static String describe(Hop hop, Target target) {
        return describe(hop) + " => " + target;
    }
}
