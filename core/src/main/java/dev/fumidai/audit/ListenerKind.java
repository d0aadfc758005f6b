// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

/** Lists the kinds of listener ({@code source.listener.kind}). */
public enum ListenerKind {
    LOCAL("local"),
    REMOTE("remote"),
    DYNAMIC("dynamic"),
    SSM("ssm"),
    /** An in-process stream ({@code JumpHost.connect} or a socket from {@code socketFactory()}); no listener. */
    IN_PROCESS("in-process");

    private final String wireName;

    ListenerKind(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the name written in the {@code kind} field. */
    public String wireName() {
        return wireName;
    }
}
