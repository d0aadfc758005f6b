// SPDX-License-Identifier: Apache-2.0
package dev.fumidai.examples.cli;

import dev.fumidai.ssh.KeyboardInteractiveCallback;
import dev.fumidai.ssh.PassphraseProvider;
import dev.fumidai.ssh.PasswordCallback;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Asks the user for key passphrases, passwords and keyboard-interactive answers, as {@code ssh} does: on the
 * terminal with echo off, or through the {@code SSH_ASKPASS} program, or not at all.
 *
 * <p>Which one follows OpenSSH's {@code read_passphrase}: the askpass program is <em>allowed</em> when
 * {@code DISPLAY} or {@code WAYLAND_DISPLAY} is set and not empty, and <em>wanted</em> when no terminal can be
 * opened; {@code SSH_ASKPASS_REQUIRE=force} wants and allows it whatever the terminal, {@code prefer} wants it
 * whenever it is allowed, {@code never} never allows it. The program is {@code $SSH_ASKPASS} (unlike OpenSSH
 * there is no built-in default path): it gets the prompt as its one argument and prints the answer on standard
 * output; a non-zero exit status means "cancelled". Otherwise the terminal is used: {@code /dev/tty} with echo
 * turned off by {@code stty} (so that the prompt also works when fumidai is another program's
 * {@code ProxyCommand}, with pipes on both ends), or {@link Console} where there is no {@code /dev/tty}.
 * When neither is possible the method is skipped, as is everything in batch mode ({@code -o BatchMode=yes}).
 * Answers are never logged or printed.
 */
final class Prompts {

    /** Where a prompt can be answered: a terminal, or nowhere. */
    interface Terminal {

        /** Shows the prompt and reads one line; {@code echo} false hides what is typed. {@code null} on end of input. */
        char[] read(String prompt, boolean echo) throws IOException;
    }

    /** Longest answer read from a terminal or askpass program; a line this long is refused. */
    static final int MAX_ANSWER = 8192;

    private final boolean batch;
    private final Terminal terminal;
    private final String askpass;
    private final boolean useAskpass;

    private Prompts(boolean batch, Terminal terminal, String askpass, boolean useAskpass) {
        this.batch = batch;
        this.terminal = terminal;
        this.askpass = askpass;
        this.useAskpass = useAskpass;
    }

    /** Returns prompts that never ask anything. */
    static Prompts none() {
        return new Prompts(true, null, null, false);
    }

    /**
     * Returns prompts for an environment and a terminal ({@code null} when none is attached), following the
     * {@code SSH_ASKPASS} rules of the class comment.
     */
    static Prompts of(boolean batch, Map<String, String> env, Terminal terminal) {
        boolean allow = notEmpty(env.get("DISPLAY")) || notEmpty(env.get("WAYLAND_DISPLAY"));
        boolean use = terminal == null;
        String require = env.getOrDefault("SSH_ASKPASS_REQUIRE", "").toLowerCase(Locale.ROOT);
        switch (require) {
            case "force" -> {
                use = true;
                allow = true;
            }
            case "prefer" -> use = allow;
            case "never" -> allow = false;
            default -> {
                // Unset or unknown: OpenSSH ignores other values too.
            }
        }
        String program = env.get("SSH_ASKPASS");
        return new Prompts(batch, terminal, notEmpty(program) ? program : null, use && allow && notEmpty(program));
    }

    /**
     * Returns the terminal the process has: {@code /dev/tty} when it can be opened, else the {@link Console}, else
     * {@code null}. {@code /dev/tty} comes first because it is read a byte at a time: {@link Console} reads ahead
     * whatever is already typed, which would take {@code -W} input typed after the passphrase away from the tunnel.
     */
    static Terminal systemTerminal() {
        File tty = new File("/dev/tty");
        if (tty.exists()) {
            try (FileInputStream probe = new FileInputStream(tty)) {
                return Prompts::readDevTty;
            } catch (IOException | SecurityException e) {
                // No controlling terminal.
            }
        }
        Console c = System.console();
        if (c != null) {
            return (prompt, echo) -> echo ? toChars(c.readLine("%s", prompt)) : c.readPassword("%s", prompt);
        }
        return null;
    }

    private static char[] toChars(String s) {
        return s == null ? null : s.toCharArray();
    }

    /** Whether anything may prompt at all. */
    boolean interactive() {
        return !batch && (useAskpass || terminal != null);
    }

    /** Returns the passphrase provider for encrypted keys. */
    PassphraseProvider passphrase() {
        if (!interactive()) {
            return PassphraseProvider.none();
        }
        return keyName -> ask("Enter passphrase for key '" + CliOptions.printable(keyName) + "': ", false);
    }

    /** Returns the password callback, or {@code null} when nothing may prompt (the method is then not offered). */
    PasswordCallback password() {
        if (!interactive()) {
            return null;
        }
        return (user, hop) -> ask(CliOptions.printable(user) + "'s password at " + CliOptions.printable(hop) + ": ",
                false);
    }

    /** Returns the keyboard-interactive callback, or {@code null} when nothing may prompt. */
    KeyboardInteractiveCallback keyboardInteractive() {
        if (!interactive()) {
            return null;
        }
        // Answers as character arrays, which the library zeroes once sent (a String could not be wiped).
        return KeyboardInteractiveCallback.ofChars((hop, name, instruction, prompts) -> {
            List<char[]> answers = new ArrayList<>(prompts.size());
            String header = (name.isBlank() ? "" : name.strip() + "\n")
                    + (instruction.isBlank() ? "" : instruction.strip() + "\n");
            for (KeyboardInteractiveCallback.Prompt p : prompts) {
                char[] a = ask((answers.isEmpty() ? header : "") + "(" + CliOptions.printable(hop) + ") " + p.text(),
                        p.echo());
                if (a == null) {
                    answers.forEach(given -> Arrays.fill(given, '\0'));
                    return null;
                }
                answers.add(a);
            }
            return answers;
        });
    }

    private char[] ask(String prompt, boolean echo) throws IOException {
        if (batch) {
            return null;
        }
        if (useAskpass) {
            return runAskpass(askpass, prompt);
        }
        return terminal == null ? null : terminal.read(prompt, echo);
    }

    /** Runs the askpass program with the prompt; returns its first output line, or {@code null} if it failed. */
    static char[] runAskpass(String program, String prompt) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(program, prompt).redirectInput(new File("/dev/null"))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = readBounded(in);
        }
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                Arrays.fill(out, (byte) 0);
                throw new IOException("SSH_ASKPASS program did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            Arrays.fill(out, (byte) 0);
            throw new IOException("interrupted while waiting for the SSH_ASKPASS program", e);
        }
        try {
            if (p.exitValue() != 0) {
                return null;
            }
            int end = 0;
            while (end < out.length && out[end] != '\n' && out[end] != '\r') {
                end++;
            }
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(out, 0, end));
            char[] answer = new char[chars.remaining()];
            chars.get(answer);
            Arrays.fill(chars.array(), '\0');
            return answer;
        } finally {
            Arrays.fill(out, (byte) 0);
        }
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[512];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            if (buf.size() + n > MAX_ANSWER) {
                Arrays.fill(chunk, (byte) 0);
                throw new IOException("SSH_ASKPASS program printed more than " + MAX_ANSWER + " bytes");
            }
            buf.write(chunk, 0, n);
        }
        Arrays.fill(chunk, (byte) 0);
        return buf.toByteArray();
    }

    /** Prompts on {@code /dev/tty}, echo turned off with {@code stty} for a secret and restored after. */
    private static char[] readDevTty(String prompt, boolean echo) throws IOException {
        File tty = new File("/dev/tty");
        try (OutputStream w = new FileOutputStream(tty); InputStream r = new FileInputStream(tty)) {
            // Echo goes off before the prompt shows, so nothing typed after seeing it is echoed; a signal while
            // the prompt waits (Ctrl-C) must not leave the user's terminal without echo.
            Thread restore = new Thread(() -> {
                try {
                    stty(tty, "echo");
                } catch (IOException e) {
                    // Exiting anyway.
                }
            }, "fumidai-tty-restore");
            if (!echo) {
                Runtime.getRuntime().addShutdownHook(restore);
                stty(tty, "-echo");
            }
            try {
                w.write(prompt.getBytes(StandardCharsets.UTF_8));
                w.flush();
                return readLine(r);
            } finally {
                if (!echo) {
                    stty(tty, "echo");
                    w.write('\n');
                    w.flush();
                    try {
                        Runtime.getRuntime().removeShutdownHook(restore);
                    } catch (IllegalStateException e) {
                        // Already shutting down: the hook restores echo.
                    }
                }
            }
        }
    }

    private static void stty(File tty, String setting) throws IOException {
        Process p = new ProcessBuilder("stty", setting).redirectInput(tty)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("stty " + setting + " failed on /dev/tty");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running stty", e);
        }
    }

    /** Reads up to a line end, one byte at a time (so nothing past the line is consumed), as UTF-8. */
    private static char[] readLine(InputStream r) throws IOException {
        byte[] buf = new byte[128];
        int len = 0;
        int c;
        while ((c = r.read()) >= 0 && c != '\n' && c != '\r') {
            if (len == MAX_ANSWER) {
                Arrays.fill(buf, (byte) 0);
                throw new IOException("answer longer than " + MAX_ANSWER + " bytes");
            }
            if (len == buf.length) {
                byte[] bigger = Arrays.copyOf(buf, buf.length * 2);
                Arrays.fill(buf, (byte) 0);
                buf = bigger;
            }
            buf[len++] = (byte) c;
        }
        try {
            if (c < 0 && len == 0) {
                return null;
            }
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(buf, 0, len));
            char[] line = new char[chars.remaining()];
            chars.get(line);
            Arrays.fill(chars.array(), '\0');
            return line;
        } finally {
            Arrays.fill(buf, (byte) 0);
        }
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
