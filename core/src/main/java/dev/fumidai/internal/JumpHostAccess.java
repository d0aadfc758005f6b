// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.internal;

import dev.fumidai.JumpHost;
import io.netty.channel.EventLoopGroup;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Lets {@code dev.fumidai.spi} set Netty-level options on a {@link JumpHost.Builder} that its public methods do not
 * show (they take JDK types only). {@code JumpHost.Builder} installs the setter when its class initialises, which
 * has happened before anyone holds a builder.
 */
public final class JumpHostAccess {

    private static volatile BiConsumer<JumpHost.Builder, EventLoopGroup> groupSetter;

    private JumpHostAccess() {
    }

    /** Installs the setter; called once by {@code JumpHost.Builder}. */
    public static void installGroupSetter(BiConsumer<JumpHost.Builder, EventLoopGroup> setter) {
        groupSetter = Objects.requireNonNull(setter, "setter");
    }

    /** Makes the builder borrow {@code group}. */
    public static void setGroup(JumpHost.Builder builder, EventLoopGroup group) {
        groupSetter.accept(Objects.requireNonNull(builder, "builder"), Objects.requireNonNull(group, "group"));
    }
}
