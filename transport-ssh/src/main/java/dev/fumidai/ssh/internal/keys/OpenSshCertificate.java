package dev.fumidai.ssh.internal.keys;

/** Placeholder replaced in the next commit. */
final class OpenSshCertificate {
    private OpenSshCertificate() {
    }

    static SshPublicKey read(String type, byte[] blob, SshWireReader reader) throws InvalidSshKeyException {
        throw new InvalidSshKeyException("certificates are not supported yet: " + SshPublicKeys.printable(type));
    }
}
