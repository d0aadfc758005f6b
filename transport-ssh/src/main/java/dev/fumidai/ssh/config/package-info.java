/**
 * Reads OpenSSH client configuration files ({@code ssh_config(5)}) and resolves a host alias to its effective
 * settings, the way {@code ssh -G} does, without ever running a command ({@code Match exec} is refused).
 */
package dev.fumidai.ssh.config;
