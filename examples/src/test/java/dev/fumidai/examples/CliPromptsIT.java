// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fumidai.examples.cli.FumidaiCli;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.AlgorithmParameters;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code fumidai} command's prompts against an embedded MINA bastion: the passphrase of an encrypted key,
 * a password and a keyboard-interactive answer given by an {@code SSH_ASKPASS} program, OpenSSH's rules for when
 * that program is used, and batch mode, which asks nothing and fails with exit status 7. (The terminal prompt is
 * driven through a pseudo-terminal in {@link CliTerminalPromptIT}.)
 */
class CliPromptsIT {

    static final String PASSPHRASE = "correct horse battery staple";
    static final String PASSWORD = "s3cret-pw";

    @TempDir
    static Path work;

    static ServerSocket service;
    static final List<Socket> serviceConnections = new CopyOnWriteArrayList<>();
    static EmbeddedBastion bastion;
    static Path encryptedKey;
    static Path config;

    record Result(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(CliPromptsIT::serve, "it-service");
        t.setDaemon(true);
        t.start();
        KeyPair user = KeyPairGenerator.getInstance("EC").generateKeyPair();
        encryptedKey = encryptedPkcs8(work, user, PASSPHRASE.toCharArray(), "id_encrypted");
        bastion = new EmbeddedBastion("bastion-p", user.getPublic(), Set.of(svc()));
        bastion.allowPassword("ops", PASSWORD);
        Path knownHosts = Files.write(work.resolve("known_hosts"),
                List.of(bastion.knownHostsLine(), bastion.aliasKnownHostsLine()));
        config = Files.writeString(work.resolve("ssh_config"), String.join("\n",
                "Host bastion-p",
                "  HostName 127.0.0.1",
                "  Port " + bastion.port(),
                "  User ops",
                "  HostKeyAlias bastion-p",
                "  UserKnownHostsFile " + knownHosts,
                "  GlobalKnownHostsFile none",
                "  IdentityAgent none",
                "  IdentitiesOnly yes",
                ""));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (bastion != null) {
                bastion.close();
            }
        } finally {
            service.close();
            for (Socket s : serviceConnections) {
                s.close();
            }
        }
    }

    /** Writes a PKCS#8 key encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), as openssl pkcs8 -topk8 does. */
    static Path encryptedPkcs8(Path dir, KeyPair pair, char[] passphrase, String name) throws Exception {
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        SecureRandom random = new SecureRandom();
        random.nextBytes(salt);
        random.nextBytes(iv);
        String alg = "PBEWithHmacSHA256AndAES_256";
        Cipher c = Cipher.getInstance(alg);
        c.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(alg).generateSecret(new PBEKeySpec(passphrase)),
                new PBEParameterSpec(salt, 2048, new IvParameterSpec(iv)));
        // The JDK names the cipher's parameters by the cipher; the key file names them PBES2 (RFC 8018).
        AlgorithmParameters pbes2 = AlgorithmParameters.getInstance("PBES2");
        pbes2.init(c.getParameters().getEncoded());
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(pbes2, c.doFinal(pair.getPrivate().getEncoded()));
        Path file = dir.resolve(name);
        Files.writeString(file, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(info.getEncoded()) + "\n-----END ENCRYPTED PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    static void serve() {
        while (!service.isClosed()) {
            try {
                Socket s = service.accept();
                serviceConnections.add(s);
                Thread t = new Thread(() -> upperCase(s), "it-service-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    static void upperCase(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line.toUpperCase(Locale.ROOT));
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    static String svc() {
        return "127.0.0.1:" + service.getLocalPort();
    }

    /**
     * Writes an askpass program that appends its argument (the prompt) to a log file, then prints the answer and
     * exits with the status given.
     */
    static Path askpass(String name, String answer, int status) throws IOException {
        Path log = work.resolve(name + ".log");
        Path script = work.resolve(name);
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '" + log + "'\nprintf '%s\\n' '" + answer
                + "'\nexit " + status + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    static String asked(Path askpass) throws IOException {
        Path log = askpass.resolveSibling(askpass.getFileName() + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    static Result run(Map<String, String> env, String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("-F", config.toString()));
        all.addAll(List.of(args));
        int exit = new FumidaiCli(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), env, false)
                .run(all.toArray(String[]::new), new CompletableFuture<>(), f -> { });
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void askpassForcedGivesThePassphraseOfAnEncryptedKey() throws Exception {
        Path ask = askpass("askpass-force", PASSPHRASE, 0);
        Result r = run(env("SSH_ASKPASS", ask.toString(), "SSH_ASKPASS_REQUIRE", "force"), "via askpass\n",
                "-i", encryptedKey.toString(), "-W", svc(), "bastion-p");
        assertEquals(0, r.exit(), r.err());
        assertEquals("VIA ASKPASS\n", r.out());
        assertEquals("Enter passphrase for key '" + encryptedKey + "': \n", asked(ask));
        assertFalse(r.err().contains(PASSPHRASE), r.err());
    }

    @Test
    void askpassIsUsedWithoutATerminalWhenDisplayIsSet() throws Exception {
        Path ask = askpass("askpass-display", PASSPHRASE, 0);
        Result r = run(env("SSH_ASKPASS", ask.toString(), "DISPLAY", ":0"), "display\n",
                "-i", encryptedKey.toString(), "-W", svc(), "bastion-p");
        assertEquals(0, r.exit(), r.err());
        assertEquals("DISPLAY\n", r.out());
        assertTrue(asked(ask).startsWith("Enter passphrase for key"), asked(ask));
    }

    @Test
    void askpassIsNotUsedWithoutDisplayOrWhenRequireSaysNever() throws Exception {
        Path noDisplay = askpass("askpass-nodisplay", PASSPHRASE, 0);
        Result r = run(env("SSH_ASKPASS", noDisplay.toString()), "", "-i", encryptedKey.toString(), "-W", svc(),
                "bastion-p");
        assertEquals(7, r.exit(), r.err());
        assertEquals("", asked(noDisplay));
        Path never = askpass("askpass-never", PASSPHRASE, 0);
        Result n = run(env("SSH_ASKPASS", never.toString(), "DISPLAY", ":0", "SSH_ASKPASS_REQUIRE", "never"), "",
                "-i", encryptedKey.toString(), "-W", svc(), "bastion-p");
        assertEquals(7, n.exit(), n.err());
        assertEquals("", asked(never));
        assertTrue(n.err().contains("\"bastion-p\""), n.err());
    }

    @Test
    void aCancelledAskpassSkipsTheKeyAndAuthenticationFailsWithSeven() throws Exception {
        Path ask = askpass("askpass-cancel", PASSPHRASE, 1);
        Result r = run(env("SSH_ASKPASS", ask.toString(), "SSH_ASKPASS_REQUIRE", "force"), "",
                "-o", "PreferredAuthentications=publickey", "-i", encryptedKey.toString(), "-W", svc(), "bastion-p");
        assertEquals(7, r.exit(), r.err());
        assertTrue(asked(ask).startsWith("Enter passphrase for key"), asked(ask));
    }

    @Test
    void batchModeAsksNothingAndExitsSeven() throws Exception {
        Path ask = askpass("askpass-batch", PASSPHRASE, 0);
        Result r = run(env("SSH_ASKPASS", ask.toString(), "SSH_ASKPASS_REQUIRE", "force", "DISPLAY", ":0"), "",
                "-o", "BatchMode=yes", "-i", encryptedKey.toString(), "-W", svc(), "bastion-p");
        assertEquals(7, r.exit(), r.err());
        assertEquals("", asked(ask), "batch mode ran the askpass program");
        assertTrue(r.err().contains("\"bastion-p\""), r.err());
        // The password the server would take is not asked for either.
        Result pw = run(env("SSH_ASKPASS", ask.toString(), "SSH_ASKPASS_REQUIRE", "force"), "",
                "-o", "BatchMode=yes", "-o", "PreferredAuthentications=password,keyboard-interactive",
                "-i", encryptedKey.toString(), "-W", svc(), "bastion-p");
        assertEquals(7, pw.exit(), pw.err());
        assertEquals("", asked(ask), "batch mode ran the askpass program");
    }

    @Test
    void aPasswordComesFromAskpass() throws Exception {
        Path ask = askpass("askpass-password", PASSWORD, 0);
        Result r = run(env("SSH_ASKPASS", ask.toString(), "SSH_ASKPASS_REQUIRE", "force"), "password\n",
                "-o", "PreferredAuthentications=password", "-W", svc(), "bastion-p");
        assertEquals(0, r.exit(), r.err());
        assertEquals("PASSWORD\n", r.out());
        assertTrue(asked(ask).startsWith("ops's password at ssh hop \"bastion-p\""), asked(ask));
    }

    @Test
    void aKeyboardInteractiveAnswerComesFromAskpass() throws Exception {
        Path ask = askpass("askpass-kbdint", PASSWORD, 0);
        Result r = run(env("SSH_ASKPASS", ask.toString(), "SSH_ASKPASS_REQUIRE", "force"), "kbd\n",
                "-o", "PreferredAuthentications=keyboard-interactive", "-W", svc(), "bastion-p");
        assertEquals(0, r.exit(), r.err());
        assertEquals("KBD\n", r.out());
        assertTrue(asked(ask).contains("(ssh hop \"bastion-p\""), asked(ask));
        assertFalse(asked(ask).contains("'s password at"), "password method not used: " + asked(ask));
    }

    @Test
    void aWrongPasswordFromAskpassFailsWithSeven() throws Exception {
        Path ask = askpass("askpass-wrong", "not-the-password", 0);
        Result r = run(env("SSH_ASKPASS", ask.toString(), "SSH_ASKPASS_REQUIRE", "force"), "",
                "-o", "PreferredAuthentications=password", "-W", svc(), "bastion-p");
        assertEquals(7, r.exit(), r.err());
        assertFalse(r.err().contains("not-the-password"), r.err());
    }
}
