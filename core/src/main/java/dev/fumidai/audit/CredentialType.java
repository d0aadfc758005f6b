// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit;

/** Lists the kinds of credential ({@code credential.type}); {@code none} is logged as trivial auth. */
public enum CredentialType {
    PUBLICKEY("publickey"),
    CERTIFICATE("certificate"),
    PASSWORD("password"),
    KEYBOARD_INTERACTIVE("keyboard-interactive"),
    GSSAPI("gssapi"),
    AWS_IAM("aws-iam"),
    NONE("none");

    private final String wireName;

    CredentialType(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the name written in the {@code credential.type} field. */
    public String wireName() {
        return wireName;
    }
}
