// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

/** Lists target protocols ({@code target.protocol}, PCI DSS 10.2.2 "name and protocol"). */
public enum TargetProtocol {
    TCP("tcp"),
    STREAMLOCAL("streamlocal"),
    SSM_PORT("ssm-port"),
    SSH_SESSION("ssh-session");

    private final String wireName;

    TargetProtocol(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the name written in the {@code target.protocol} field. */
    public String wireName() {
        return wireName;
    }
}
