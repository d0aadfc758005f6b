// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.audit.verify;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Runs {@link AuditLogVerifier} from the command line:
 * {@code java -cp ... dev.fumidai.audit.verify.VerifyCommand FILE|DIR... [--public-key KEY]...}.
 *
 * <p>A directory stands for its {@code *.jsonl} files in name order. A key file holds an Ed25519 public key as
 * PEM ({@code -----BEGIN PUBLIC KEY-----}) or DER (X.509 SubjectPublicKeyInfo). Prints one line per finding and a
 * summary per stream to standard output. Exit status: 0 intact; 1 tampering found or records left unanchored; 2
 * usage or I/O error.
 */
public final class VerifyCommand {

    private VerifyCommand() {
    }

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> files = new ArrayList<>();
        List<PublicKey> keys = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--public-key")) {
                    if (++i == args.length) {
                        return usage(err, "--public-key needs a file");
                    }
                    keys.add(readPublicKey(Path.of(args[i])));
                } else if (args[i].startsWith("--")) {
                    return usage(err, "unknown option " + args[i]);
                } else {
                    Path p = Path.of(args[i]);
                    if (Files.isDirectory(p)) {
                        List<Path> inDir = new ArrayList<>();
                        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p, "*.jsonl")) {
                            ds.forEach(inDir::add);
                        }
                        inDir.sort(null);
                        files.addAll(inDir);
                    } else {
                        files.add(p);
                    }
                }
            }
            if (files.isEmpty()) {
                return usage(err, "no files");
            }
            VerificationReport report = AuditLogVerifier.verify(files, keys);
            for (Finding f : report.findings()) {
                out.println(f);
            }
            for (VerificationReport.StreamSummary s : report.streams()) {
                out.println("stream " + s.streamId() + ": " + s.records() + " records, last seq " + s.lastSeq()
                        + ", head " + s.chainHead() + ", signed up to seq " + s.anchoredSeq());
            }
            if (keys.isEmpty()) {
                out.println("no public key given: chains checked, checkpoints not");
            }
            out.println(report.intact() ? "INTACT" : report.tampering().isEmpty() ? "UNANCHORED RECORDS" : "TAMPERED");
            return report.intact() ? 0 : 1;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("error: " + problem);
        err.println("usage: VerifyCommand FILE|DIR... [--public-key ED25519_PUBLIC_KEY_FILE]...");
        return 2;
    }

    /** Reads an Ed25519 public key from PEM or DER. */
    static PublicKey readPublicKey(Path file) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (text.contains("-----BEGIN PUBLIC KEY-----")) {
            String b64 = text.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
            bytes = Base64.getDecoder().decode(b64);
        }
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(bytes));
    }
}
