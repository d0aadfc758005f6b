// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.ssh.internal.agent;

import dev.fumidai.ssh.internal.keys.SshPublicKey;
import java.util.Objects;

/**
 * Is one key (or certificate) an SSH agent holds, as listed in {@code SSH_AGENT_IDENTITIES_ANSWER}
 * (draft-miller-ssh-agent §4.4).
 *
 * @param key the parsed public key or certificate
 * @param comment the comment the agent stores with it (often the key file name)
 */
public record AgentIdentity(SshPublicKey key, String comment) {

    public AgentIdentity {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(comment, "comment");
    }
}
